using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes (unregisters) Genie clusters.</para>
    /// <para type="description">Deletes each cluster (DELETE /api/v3/clusters/{id}) after checking that it exists, so an
    /// unknown id writes GenieClusterNotFound on every Genie generation. Running jobs are not affected; to stop new jobs without unregistering, use Set-GenieClusterStatus OUT_OF_SERVICE. -Id binds from the pipeline, so clusters
    /// from Get-GenieCluster pipe in. Supports -WhatIf and -Confirm (medium impact, so non-interactive runbooks are never
    /// prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Remove-GenieCluster -Id test-yarn-1</code>
    /// <para>Unregisters one cluster.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Status TERMINATED | Remove-GenieCluster -WhatIf</code>
    /// <para>Shows which terminated clusters would be unregistered.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "GenieCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveGenieClusterCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the clusters to remove. Binds from the pipeline and from an Id or ClusterId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ClusterId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id) RemoveResource(session, GenieResourceKind.Cluster, id);
        }
    }
}
