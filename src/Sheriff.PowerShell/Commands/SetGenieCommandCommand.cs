using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a registered Genie command.</para>
    /// <para type="description">Changes the fields given, and only those: it reads the command (GET), changes them and writes the whole command
    /// back (PUT /api/v3/commands/{id}), keeping every other field, including ones this version of Sheriff does not know.
    /// -ClusterCriteria replaces the command's cluster criteria (also through Genie 4's clusterCriteria endpoint); -Tag
    /// replaces the tag set (Add-GenieTag and Remove-GenieTag change single tags); -Status DEPRECATED retires a version.
    /// -Id binds from the pipeline. An unknown id writes GenieCommandNotFound. Supports -WhatIf and -Confirm (medium
    /// impact).</para>
    /// </summary>
    /// <example>
    /// <code>Set-GenieCommand -Id spark-3.4 -Status DEPRECATED</code>
    /// <para>Retires Spark 3.4: jobs asking for ver:3.4 stop resolving.</para>
    /// </example>
    /// <example>
    /// <code>Set-GenieCommand -Id spark-3.5 -ClusterCriteria 'type:yarn,sched:sla', 'type:yarn' -PassThru</code>
    /// <para>Prefers SLA clusters for Spark 3.5, then any YARN cluster.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "GenieCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCommand))]
    public sealed class SetGenieCommandCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the commands to change. Binds from the pipeline and from an Id or CommandId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CommandId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
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

        /// <summary><para type="description">A new status: ACTIVE, DEPRECATED or INACTIVE; only ACTIVE commands run jobs.</para></summary>
        [Parameter]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">Replaces all the command's tags (an empty list removes them all); Add-GenieTag and Remove-GenieTag change single tags.</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A new command line; replaces -ExecutableAndArguments unless that is given too.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Executable { get; set; }

        /// <summary><para type="description">A new command line as a list (Genie 4), e.g. 'bash', '-c'.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? ExecutableAndArguments { get; set; }

        /// <summary><para type="description">Replaces the cluster criteria (Genie 4), in priority order: comma-separated tags per entry ('type:yarn,sched:sla'), genie.id:X / genie.name:N for a cluster's id / name, or a hashtable with Tags, Id, Name, Version, Status. An empty list removes them, and then Genie 4 never selects the command.</para></summary>
        [Parameter]
        [AllowEmptyCollection]
        public GenieCriterion[]? ClusterCriteria { get; set; }

        /// <summary><para type="description">A new default job memory in MB.</para></summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Memory { get; set; }

        /// <summary><para type="description">Genie 3: milliseconds between checks of a running job.</para></summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? CheckDelay { get; set; }

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

        /// <summary><para type="description">Emit each command as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<string> _changes = new List<string>();

        protected override void BeginProcessing()
        {
            _changes = ResourceFields.Given(MyInvocation.BoundParameters);
            if (_changes.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("Nothing to change: give at least one of the command's fields (for example -Status or -Tag)."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, null));
            RejectSynthesizedTags(Tag, nameof(Tag));
            if (ClusterCriteria != null && ClusterCriteria.Any(c => c == null || c.IsEmpty))
                ThrowTerminatingError(NewError(new ArgumentException("-ClusterCriteria has an empty criterion: each needs a tag, an id, a name, a version or a status."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, ClusterCriteria));
            if (ClusterCriteria != null && ClusterCriteria.Length == 0)
                WriteWarning("-ClusterCriteria is empty: Genie 4 never selects a command without cluster criteria.");
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id)
                UpdateResource(session, GenieResourceKind.Command, id, MyInvocation.BoundParameters, _changes, PassThru);
        }
    }
}
