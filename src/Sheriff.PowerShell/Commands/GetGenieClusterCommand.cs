using System;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets Genie clusters by id, searches them by name, status and tag, or lists the clusters a command can run on.</para>
    /// <para type="description">With -Id (positional, from the pipeline, or from any object's Id or ClusterId property) it
    /// returns each cluster. Without -Id it searches the registered clusters: -Name takes PowerShell wildcards, -Status
    /// any of several statuses, -Tag tags a cluster must all carry; results stream as Genie's pages arrive. With -Command
    /// it lists the clusters matching any of that command's cluster criteria (Genie 4, whatever their status unless
    /// -Status is given; Genie 3: the clusters that list the command). The objects pipe into Set-GenieCluster,
    /// Set-GenieClusterStatus, Remove-GenieCluster, Add-GenieTag and Remove-GenieTag.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieCluster</code>
    /// <para>Lists every registered cluster.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Name 'prod-*' -Status UP -Tag sched:sla</code>
    /// <para>The UP clusters whose name starts with prod- and that carry sched:sla.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Command spark-3.5 -Status UP</code>
    /// <para>Where the command spark-3.5 can run now.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "GenieCluster", DefaultParameterSetName = SearchSet)]
    [OutputType(typeof(GenieCluster))]
    public sealed class GetGenieClusterCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string SearchSet = "Search";
        private const string CommandSet = "Command";

        /// <summary><para type="description">One or more cluster ids. Binds from the pipeline and from an Id or ClusterId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ClusterId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Cluster name; PowerShell wildcards (* and ?) are allowed.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">One or more statuses (any of them matches): UP, OUT_OF_SERVICE, TERMINATED.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [Parameter(ParameterSetName = CommandSet)]
        [ValidateSet("UP", "OUT_OF_SERVICE", "TERMINATED", IgnoreCase = true)]
        public string[]? Status { get; set; }

        /// <summary><para type="description">Tags the clusters must all carry.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A command id: list the clusters that command can run on.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = CommandSet)]
        [Alias("CommandId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string? Command { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            switch (ParameterSetName)
            {
                case IdSet:
                    foreach (var id in Id) EmitResource(session, GenieResourceKind.Cluster, id);
                    return;
                case CommandSet:
                    try
                    {
                        var status = Status?.Select(s => s.ToUpperInvariant()).Distinct().ToArray();
                        foreach (var dto in Await(AdminOf(session).GetCommandClustersAsync(Command!, status, Token)).OrderBy(c => c.Id, StringComparer.Ordinal))
                            WriteObject(GenieCluster.FromDto(dto, session.Uri));
                    }
                    catch (GenieException ex)
                    {
                        WriteError(ResourceError(ex, GenieResourceKind.Command, Command));
                    }
                    return;
            }

            var badPattern = WildcardCheck.Validate(Name, nameof(Name));
            if (badPattern != null) ThrowTerminatingError(badPattern);
            var filter = NameFilter(Name);
            var query = SearchQuery(Name, Status, Tag);
            try
            {
                foreach (var dto in AdminOf(session).SearchClusters(query, Token))
                    if (NameMatches(filter, dto.Name)) WriteObject(GenieCluster.FromDto(dto, session.Uri));
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, query));
            }
        }
    }
}
