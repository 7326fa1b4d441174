using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Sheriff.Core.Genie.Admin
{
    /// <summary>
    /// Every Genie call a switch makes. <see cref="GenieSwitchOperations"/> is the real one; tests substitute their own to
    /// fail or cancel at a chosen call and prove the rollback.
    /// </summary>
    public interface ISwitchOperations
    {
        /// <summary>The resource with this id; a <see cref="GenieApiException"/> 404 when there is none.</summary>
        Task<SwitchResource> GetAsync(GenieResourceKind kind, string id, CancellationToken ct);
        /// <summary>Resources whose name is exactly <paramref name="name"/>.</summary>
        Task<IReadOnlyList<SwitchResource>> FindByNameAsync(GenieResourceKind kind, string name, CancellationToken ct);
        Task<IReadOnlyList<string>> GetTagsAsync(GenieResourceKind kind, string id, CancellationToken ct);
        Task AddTagsAsync(GenieResourceKind kind, string id, IReadOnlyCollection<string> tags, CancellationToken ct);
        Task RemoveTagAsync(GenieResourceKind kind, string id, string tag, CancellationToken ct);
        Task SetClusterStatusAsync(string id, string status, CancellationToken ct);
        /// <summary>Clusters (any status) carrying every one of <paramref name="tags"/>.</summary>
        Task<IReadOnlyList<SwitchResource>> FindClustersWithTagsAsync(IReadOnlyCollection<string> tags, CancellationToken ct);
        /// <summary>ACTIVE commands (carrying every one of <paramref name="tags"/> when given), with their cluster criteria.</summary>
        Task<IReadOnlyList<CommandDto>> GetActiveCommandsAsync(IReadOnlyCollection<string>? tags, CancellationToken ct);
        /// <summary>The UP clusters a command's cluster criteria match (GET /commands/{id}/clusters?status=UP).</summary>
        Task<IReadOnlyList<SwitchResource>> GetCommandClustersAsync(string commandId, CancellationToken ct);
        /// <summary>Ids of active jobs on the cluster (at most <paramref name="max"/>).</summary>
        Task<IReadOnlyList<string>> GetActiveJobIdsAsync(string clusterId, int max, CancellationToken ct);
    }

    /// <summary>The switch's Genie calls, over <see cref="GenieAdminClient"/> and the job search.</summary>
    public sealed class GenieSwitchOperations : ISwitchOperations
    {
        // Active job statuses (§1): Genie 4 names six; Genie 3 knows only INIT and RUNNING and answers 412 to the others.
        private static readonly string[] ActiveG4 = { "RESERVED", "RESOLVED", "ACCEPTED", "CLAIMED", "INIT", "RUNNING" };
        private static readonly string[] ActiveG3 = { "INIT", "RUNNING" };

        private readonly GenieAdminClient _admin;
        private string[] _active = ActiveG4;

        public GenieSwitchOperations(GenieAdminClient admin) => _admin = admin ?? throw new ArgumentNullException(nameof(admin));

        public GenieSwitchOperations(GenieClient client) : this(new GenieAdminClient(client)) { }

        public async Task<SwitchResource> GetAsync(GenieResourceKind kind, string id, CancellationToken ct)
        {
            switch (kind)
            {
                case GenieResourceKind.Cluster:
                    return SwitchResource.FromCluster(await _admin.GetClusterAsync(id, ct).ConfigureAwait(false));
                case GenieResourceKind.Command:
                    return SwitchResource.FromCommand(await _admin.GetCommandAsync(id, ct).ConfigureAwait(false));
                default:
                    throw new NotSupportedException("Switches move tags between clusters or between commands.");
            }
        }

        public Task<IReadOnlyList<SwitchResource>> FindByNameAsync(GenieResourceKind kind, string name, CancellationToken ct)
        {
            // The name filter is a SQL LIKE when it holds '%'; keep exact matches only.
            var query = new ResourceSearchQuery { Name = name, Size = 100 };
            IReadOnlyList<SwitchResource> found = kind == GenieResourceKind.Cluster
                ? _admin.SearchClusters(query, ct).Select(SwitchResource.FromCluster).Where(r => r.Name == name).ToList()
                : _admin.SearchCommands(query, ct).Select(SwitchResource.FromCommand).Where(r => r.Name == name).ToList();
            return Task.FromResult(found);
        }

        public async Task<IReadOnlyList<string>> GetTagsAsync(GenieResourceKind kind, string id, CancellationToken ct)
            => await _admin.GetTagsAsync(kind, id, ct).ConfigureAwait(false);

        public Task AddTagsAsync(GenieResourceKind kind, string id, IReadOnlyCollection<string> tags, CancellationToken ct)
            => _admin.AddTagsAsync(kind, id, tags, ct);

        public Task RemoveTagAsync(GenieResourceKind kind, string id, string tag, CancellationToken ct)
            => _admin.RemoveTagAsync(kind, id, tag, ct);

        public Task SetClusterStatusAsync(string id, string status, CancellationToken ct)
            => _admin.SetClusterStatusAsync(id, status, ct);

        public Task<IReadOnlyList<SwitchResource>> FindClustersWithTagsAsync(IReadOnlyCollection<string> tags, CancellationToken ct)
        {
            IReadOnlyList<SwitchResource> found = _admin.SearchClusters(new ResourceSearchQuery { Tag = tags.ToArray(), Size = 500 }, ct)
                .Select(SwitchResource.FromCluster).ToList();
            return Task.FromResult(found);
        }

        public Task<IReadOnlyList<CommandDto>> GetActiveCommandsAsync(IReadOnlyCollection<string>? tags, CancellationToken ct)
        {
            var query = new ResourceSearchQuery { Status = new[] { "ACTIVE" }, Tag = tags?.ToArray(), Size = 500 };
            IReadOnlyList<CommandDto> found = _admin.SearchCommands(query, ct).ToList();
            return Task.FromResult(found);
        }

        public async Task<IReadOnlyList<SwitchResource>> GetCommandClustersAsync(string commandId, CancellationToken ct)
            => (await _admin.GetCommandClustersAsync(commandId, new[] { "UP" }, ct).ConfigureAwait(false)).Select(SwitchResource.FromCluster).ToList();

        public Task<IReadOnlyList<string>> GetActiveJobIdsAsync(string clusterId, int max, CancellationToken ct)
        {
            try
            {
                return Task.FromResult(Search(_active));
            }
            catch (GenieApiException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed && _active == ActiveG4)
            {
                _active = ActiveG3; // a Genie 3 server
                return Task.FromResult(Search(_active));
            }

            IReadOnlyList<string> Search(string[] statuses)
                => _admin.Client.SearchJobs(new JobSearchQuery { ClusterId = clusterId, Status = statuses, Size = Math.Max(1, max) }, ct)
                    .Take(max).Select(j => j.Id).ToList();
        }
    }

    /// <summary>
    /// Test-only hooks, in the manner of PowerShell's own InternalTestHooks: set from a test, they make the next switch
    /// fail, or wait for cancellation, just before its n-th change (1-based; tag additions, each tag removal, the status
    /// change; rollback calls are not counted). 0 disables. Read once when a <see cref="SwitchExecutor"/> is created.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class SwitchTestHooks
    {
        /// <summary>Throw an <see cref="InvalidOperationException"/> instead of making the n-th change.</summary>
        public static int FailBeforeChange { get; set; }

        /// <summary>Block before the n-th change until the switch's token is cancelled (to test Ctrl+C).</summary>
        public static int BlockBeforeChange { get; set; }

        public static void Reset()
        {
            FailBeforeChange = 0;
            BlockBeforeChange = 0;
        }
    }
}
