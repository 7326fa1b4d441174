using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a registered Genie application.</para>
    /// <para type="description">Changes the fields given, and only those: it reads the application (GET), changes them and writes the whole
    /// application back (PUT /api/v3/applications/{id}), keeping every other field. -Tag, -Configs and -Dependencies
    /// replace their lists. -Id binds from the pipeline. An unknown id writes GenieApplicationNotFound. Supports -WhatIf
    /// and -Confirm (medium impact).</para>
    /// </summary>
    /// <example>
    /// <code>Set-GenieApplication -Id spark-3.5.1 -Dependencies s3://dist/spark-3.5.1-patched.tgz -PassThru</code>
    /// <para>Points the application at a new distribution.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "GenieApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieApplication))]
    public sealed class SetGenieApplicationCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the applications to change. Binds from the pipeline and from an Id or ApplicationId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ApplicationId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieApplicationCompleter))]
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

        /// <summary><para type="description">A new status: ACTIVE, DEPRECATED or INACTIVE.</para></summary>
        [Parameter]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">Replaces all the application's tags (an empty list removes them all); Add-GenieTag and Remove-GenieTag change single tags.</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A new type, e.g. spark ('' removes it).</para></summary>
        [Parameter]
        [AllowEmptyString]
        [AllowNull]
        public string? Type { get; set; }

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

        /// <summary><para type="description">Emit each application as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<string> _changes = new List<string>();

        protected override void BeginProcessing()
        {
            _changes = ResourceFields.Given(MyInvocation.BoundParameters);
            if (_changes.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("Nothing to change: give at least one of the application's fields (for example -Status or -Tag)."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, null));
            RejectSynthesizedTags(Tag, nameof(Tag));
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id)
                UpdateResource(session, GenieResourceKind.Application, id, MyInvocation.BoundParameters, _changes, PassThru);
        }
    }
}
