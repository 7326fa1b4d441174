using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a registered Genie cluster.</para>
    /// <para type="description">Changes the fields given, and only those: it reads the cluster (GET), changes them and writes the whole cluster back
    /// (PUT /api/v3/clusters/{id}), keeping every other field, including ones this version of Sheriff does not know.
    /// -Tag replaces the whole tag set; to move one tag (a red/black swap) use Add-GenieTag and Remove-GenieTag. -Id binds
    /// from the pipeline, so clusters from Get-GenieCluster pipe in. An unknown id writes GenieClusterNotFound. Supports
    /// -WhatIf (nothing is read or written) and -Confirm (medium impact, so non-interactive runbooks are never prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Set-GenieCluster -Id prod-yarn-c -Version 3.4 -Description 'EMR 7.1' -PassThru</code>
    /// <para>Updates the version and description of one cluster and shows the result.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Name 'test-*' | Set-GenieCluster -Tag type:yarn, sched:test -WhatIf</code>
    /// <para>Shows which clusters would get that exact tag set.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "GenieCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCluster))]
    public sealed class SetGenieClusterCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the clusters to change. Binds from the pipeline and from an Id or ClusterId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ClusterId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">A new name.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">A new version.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Version { get; set; }

        /// <summary><para type="description">A new owning user.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary><para type="description">A new status: UP, OUT_OF_SERVICE or TERMINATED (Set-GenieClusterStatus does only this).</para></summary>
        [Parameter]
        [ValidateSet("UP", "OUT_OF_SERVICE", "TERMINATED", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">Replaces all the cluster's tags (an empty list removes them all); Add-GenieTag and Remove-GenieTag change single tags.</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A new description ('' removes it).</para></summary>
        [Parameter]
        [AllowEmptyString]
        [AllowNull]
        public string? Description { get; set; }

        /// <summary><para type="description">A new setup file URI ('' removes it).</para></summary>
        [Parameter]
        [AllowEmptyString]
        [AllowNull]
        public string? SetupFile { get; set; }

        /// <summary><para type="description">Replaces the configuration file URIs (an empty list removes them).</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Configs { get; set; }

        /// <summary><para type="description">Replaces the dependency URIs (an empty list removes them).</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Dependencies { get; set; }

        /// <summary><para type="description">Emit each cluster as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<string> _changes = new List<string>();

        protected override void BeginProcessing()
        {
            _changes = ResourceFields.Given(MyInvocation.BoundParameters);
            if (_changes.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("Nothing to change: give at least one of the cluster's fields (for example -Status or -Tag)."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, null));
            RejectSynthesizedTags(Tag, nameof(Tag));
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id)
                UpdateResource(session, GenieResourceKind.Cluster, id, MyInvocation.BoundParameters, _changes, PassThru);
        }
    }
}
