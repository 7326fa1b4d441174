using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes tags from Genie clusters, commands or applications.</para>
    /// <para type="description">Reads each resource, then removes the tags it carries that match -Tag (DELETE
    /// /api/v3/{kind}s/{id}/tags/{tag}); -Tag takes PowerShell wildcards ('sched:*'). A tag the resource does not carry
    /// is skipped (verbose message), so the cmdlet can be run again safely. Removing a tag changes where new jobs go at
    /// once: removing sched:sla from the old cluster completes a red/black swap. Name the resources with -Kind and -Id,
    /// or pipe objects from Get-GenieCluster, Get-GenieCommand or Get-GenieApplication. An unknown id writes
    /// Genie&lt;Kind&gt;NotFound. -PassThru emits each resource after the change. Supports -WhatIf (the resource is
    /// read, nothing is changed) and -Confirm (medium impact).</para>
    /// </summary>
    /// <example>
    /// <code>Remove-GenieTag -Kind Cluster -Id prod-yarn-a -Tag sched:sla</code>
    /// <para>Stops sending sched:sla jobs to prod-yarn-a; its running jobs are untouched.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Tag sched:test | Remove-GenieTag -Tag 'sched:*' -WhatIf</code>
    /// <para>Shows which sched: tags would be removed from which clusters.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "GenieTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCluster), typeof(GenieCommand), typeof(GenieApplication))]
    public sealed class RemoveGenieTagCommand : GenieCmdletBase
    {
        /// <summary><para type="description">What the ids name: Cluster, Command or Application. Binds from a Kind property (objects from Get-GenieCluster, Get-GenieCommand, Get-GenieApplication).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public GenieResourceKind Kind { get; set; }

        /// <summary><para type="description">Ids of the resources to untag. Binds from the pipeline and from an Id property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieAnyResourceCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The tags to remove; PowerShell wildcards (* and ?) are allowed.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[] Tag { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Emit each resource as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<WildcardPattern> _patterns = new List<WildcardPattern>();

        protected override void BeginProcessing()
        {
            foreach (var tag in CleanTags(Tag))
            {
                var badPattern = WildcardCheck.Validate(tag, nameof(Tag), WildcardOptions.None);
                if (badPattern != null) ThrowTerminatingError(badPattern);
            }

            _patterns = CleanTags(Tag).Select(t => new WildcardPattern(t, WildcardOptions.None)).ToList();
            if (_patterns.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("-Tag has only blank tags."), ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, Tag));
        }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var noun = GenieResource.KindName(Kind);
            foreach (var id in Id)
            {
                GenieResource current;
                try { current = FetchResource(session, Kind, id); }
                catch (GenieException ex)
                {
                    WriteError(ResourceError(ex, Kind, id));
                    continue;
                }
                var remove = current.Tags.Where(t => _patterns.Any(p => p.IsMatch(t))).ToList();
                var missing = CleanTags(Tag).Where(t => !WildcardPattern.ContainsWildcardCharacters(t) && !current.Tags.Contains(t, StringComparer.Ordinal)).ToList();
                if (missing.Count > 0) WriteVerbose($"The {noun} {id} does not carry {string.Join(", ", missing)}: nothing to remove.");
                if (remove.Count == 0)
                {
                    if (PassThru) WriteObject(current);
                    continue;
                }
                if (!ShouldProcess($"{noun} '{id}'", $"Remove tag(s) {string.Join(", ", remove)}")) continue;
                try
                {
                    foreach (var tag in remove) Await(AdminOf(session).RemoveTagAsync(Kind, id, tag, Token));
                }
                catch (GenieException ex)
                {
                    WriteError(ResourceError(ex, Kind, id));
                    continue;
                }
                finally
                {
                    ResourcesChanged(session);
                }
                WriteVerbose($"Removed tag(s) {string.Join(", ", remove)} from {noun} {id}.");
                if (PassThru) EmitResource(session, Kind, id);
            }
        }
    }
}
