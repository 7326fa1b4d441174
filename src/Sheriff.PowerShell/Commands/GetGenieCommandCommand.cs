using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets Genie commands by id, searches them by name, status and tag, or lists the commands that target a cluster.</para>
    /// <para type="description">With -Id (positional, from the pipeline, or from any object's Id or CommandId property) it
    /// returns each command. Without -Id it searches the registered commands: -Name takes PowerShell wildcards, -Status
    /// any of several statuses, -Tag tags a command must all carry (e.g. type:spark-submit, ver:3.5); results stream as
    /// Genie's pages arrive. With -Cluster (an id or a name) it lists the commands with at least one cluster criterion
    /// that cluster matches, by Genie 4's matching rules (every tag carried, id/name/version/status equal when given;
    /// no implied status, so this also answers for a cluster that is OUT_OF_SERVICE). The objects pipe into
    /// Set-GenieCommand, Remove-GenieCommand, Add-GenieTag and Remove-GenieTag.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieCommand -Tag type:spark-submit -Status ACTIVE</code>
    /// <para>The active spark-submit commands (one per Spark version, typically).</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCommand -Cluster prod-yarn-b</code>
    /// <para>Which commands would run on the cluster prod-yarn-b (by id or by name).</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCommand spark-3.5 | Format-List Id, Executable, ClusterCriteria</code>
    /// <para>How one command runs and where.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "GenieCommand", DefaultParameterSetName = SearchSet)]
    [OutputType(typeof(GenieCommand))]
    public sealed class GetGenieCommandCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string SearchSet = "Search";
        private const string ClusterSet = "Cluster";

        /// <summary><para type="description">One or more command ids. Binds from the pipeline and from an Id or CommandId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CommandId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Command name; PowerShell wildcards (* and ?) are allowed.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">One or more statuses (any of them matches): ACTIVE, DEPRECATED, INACTIVE.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [Parameter(ParameterSetName = ClusterSet)]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string[]? Status { get; set; }

        /// <summary><para type="description">Tags the commands must all carry.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A cluster id or name: list the commands whose cluster criteria that cluster matches.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ClusterSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string? Cluster { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id) EmitResource(session, GenieResourceKind.Command, id);
                return;
            }
            var admin = AdminOf(session);
            if (ParameterSetName == ClusterSet)
            {
                var clusters = FindClusters(admin, Cluster!);
                if (clusters.Count == 0)
                {
                    WriteError(NewError(new ItemNotFoundException($"No cluster has the id or name '{Cluster}'."), ErrorIds.GenieClusterNotFound,
                        ErrorCategory.ObjectNotFound, Cluster, "Check the id or name; Get-GenieCluster lists the registered clusters."));
                    return;
                }
                List<CommandDto> commands;
                try { commands = admin.SearchCommands(SearchQuery(null, Status, null), Token).ToList(); }
                catch (GenieException ex) { ThrowTerminatingError(GenieError(ex, Cluster)); return; }
                var written = new HashSet<string>(StringComparer.Ordinal);
                foreach (var command in clusters.SelectMany(c => JobResolution.CommandsTargeting(commands, c)).OrderBy(c => c.Id, StringComparer.Ordinal))
                    if (written.Add(command.Id ?? "")) WriteObject(GenieCommand.FromDto(command, session.Uri));
                return;
            }

            var badPattern = WildcardCheck.Validate(Name, nameof(Name));
            if (badPattern != null) ThrowTerminatingError(badPattern);
            var filter = NameFilter(Name);
            var query = SearchQuery(Name, Status, Tag);
            try
            {
                foreach (var dto in admin.SearchCommands(query, Token))
                    if (NameMatches(filter, dto.Name)) WriteObject(GenieCommand.FromDto(dto, session.Uri));
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, query));
            }
        }

        /// <summary>The cluster with that id, else the clusters with that exact name.</summary>
        private List<ClusterDto> FindClusters(GenieAdminClient admin, string idOrName)
        {
            try
            {
                return new List<ClusterDto> { Await(admin.GetClusterAsync(idOrName, Token)) };
            }
            catch (GenieApiException ex) when (ex.IsNotFound)
            {
                WriteVerbose($"No cluster has the id '{idOrName}'; looking for one with that name.");
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, idOrName));
            }
            try
            {
                return admin.SearchClusters(new ResourceSearchQuery { Name = idOrName, Size = 100 }, Token)
                    .Where(c => string.Equals(c.Name, idOrName, StringComparison.Ordinal)).ToList();
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, idOrName));
                return new List<ClusterDto>();
            }
        }
    }
}
