using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the status of Genie clusters: UP, OUT_OF_SERVICE or TERMINATED.</para>
    /// <para type="description">Changes only the status (a JSON-Patch on /api/v3/clusters/{id}). Only UP clusters receive
    /// new jobs, so OUT_OF_SERVICE drains a cluster for maintenance (its running jobs are untouched) and UP brings it
    /// back; TERMINATED records that it is gone. -Id binds from the pipeline, so clusters from Get-GenieCluster pipe in.
    /// An unknown id writes GenieClusterNotFound. -PassThru emits each cluster after the change. Supports -WhatIf and
    /// -Confirm (medium impact, so non-interactive runbooks are never prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Set-GenieClusterStatus -Id prod-yarn-a -Status OUT_OF_SERVICE</code>
    /// <para>Stops sending new jobs to prod-yarn-a.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Tag sched:test -Status OUT_OF_SERVICE | Set-GenieClusterStatus -Status UP -PassThru</code>
    /// <para>Brings every drained test cluster back and shows them.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "GenieClusterStatus", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCluster))]
    public sealed class SetGenieClusterStatusCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the clusters. Binds from the pipeline and from an Id or ClusterId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ClusterId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The new status: UP, OUT_OF_SERVICE or TERMINATED.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateSet("UP", "OUT_OF_SERVICE", "TERMINATED", IgnoreCase = true)]
        public string Status { get; set; } = "";

        /// <summary><para type="description">Emit each cluster as Genie stored it after the change.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var status = Status.ToUpperInvariant();
            foreach (var id in Id)
            {
                if (!ShouldProcess($"cluster '{id}'", $"Set status to {status}")) continue;
                try
                {
                    Await(AdminOf(session).SetClusterStatusAsync(id, status, Token));
                }
                catch (GenieException ex)
                {
                    WriteError(ResourceError(ex, GenieResourceKind.Cluster, id));
                    continue;
                }
                ResourcesChanged(session);
                WriteVerbose($"Cluster {id} is now {status}.");
                if (PassThru) EmitResource(session, GenieResourceKind.Cluster, id);
            }
        }
    }
}
