using System;
using System.Collections.Generic;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds tags to Genie clusters, commands or applications.</para>
    /// <para type="description">Adds each tag to each resource (POST /api/v3/{kind}s/{id}/tags); tags the resource already
    /// carries stay as they are. Tags are how jobs find clusters and commands, so adding one changes where new jobs go
    /// at once: adding sched:sla to a standby cluster is the first half of a red/black swap (Remove-GenieTag on the old
    /// cluster is the second). Name the resources with -Kind and -Id, or pipe objects from Get-GenieCluster,
    /// Get-GenieCommand or Get-GenieApplication (their Kind and Id properties bind). genie.id: and genie.name: tags are
    /// Genie's own and cannot be added. -PassThru emits each resource after the change. Supports -WhatIf and -Confirm
    /// (medium impact, so non-interactive runbooks are never prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Add-GenieTag -Kind Cluster -Id prod-yarn-b -Tag sched:sla</code>
    /// <para>Makes prod-yarn-b eligible for jobs that ask for sched:sla.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Name 'prod-*' | Add-GenieTag -Tag data:prod -PassThru</code>
    /// <para>Tags every prod cluster and shows the result.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Add, "GenieTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCluster), typeof(GenieCommand), typeof(GenieApplication))]
    public sealed class AddGenieTagCommand : GenieCmdletBase
    {
        /// <summary><para type="description">What the ids name: Cluster, Command or Application. Binds from a Kind property (objects from Get-GenieCluster, Get-GenieCommand, Get-GenieApplication).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public GenieResourceKind Kind { get; set; }

        /// <summary><para type="description">Ids of the resources to tag. Binds from the pipeline and from an Id property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieAnyResourceCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The tags to add, e.g. sched:sla.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[] Tag { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Emit each resource as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<string> _tags = new List<string>();

        protected override void BeginProcessing()
        {
            RejectSynthesizedTags(Tag, nameof(Tag));
            _tags = CleanTags(Tag);
            if (_tags.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("-Tag has only blank tags."), ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, Tag));
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var noun = GenieResource.KindName(Kind);
            foreach (var id in Id)
            {
                if (!ShouldProcess($"{noun} '{id}'", $"Add tag(s) {string.Join(", ", _tags)}")) continue;
                try
                {
                    Await(AdminOf(session).AddTagsAsync(Kind, id, _tags, Token));
                }
                catch (GenieException ex)
                {
                    WriteError(ResourceError(ex, Kind, id));
                    continue;
                }
                ResourcesChanged(session);
                WriteVerbose($"Added tag(s) {string.Join(", ", _tags)} to {noun} {id}.");
                if (PassThru) EmitResource(session, Kind, id);
            }
        }
    }
}
