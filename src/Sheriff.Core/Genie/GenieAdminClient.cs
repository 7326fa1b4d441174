using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Genie
{
    /// <summary>The three kinds of configuration resource Genie holds.</summary>
    public enum GenieResourceKind { Cluster, Command, Application }

    /// <summary>
    /// Reads and changes Genie's clusters, commands and applications (genie-api.md §5.3–5.5), with the same error
    /// mapping as <see cref="GenieClient"/>. Searches are lazy streams, like job searches.
    /// </summary>
    public sealed class GenieAdminClient
    {
        private readonly GenieClient _client;

        public GenieAdminClient(GenieClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

        public GenieClient Client => _client;

        private static string Segment(GenieResourceKind kind) => kind switch
        {
            GenieResourceKind.Cluster => "clusters",
            GenieResourceKind.Command => "commands",
            _ => "applications",
        };

        private static string ListKey(GenieResourceKind kind) => kind switch
        {
            GenieResourceKind.Cluster => "clusterList",
            GenieResourceKind.Command => "commandList",
            _ => "applicationList",
        };

        private static string PathOf(GenieResourceKind kind, string? id = null)
            => "api/v3/" + Segment(kind) + (id == null ? "" : "/" + Uri.EscapeDataString(id));

        // ---- reads ----

        public IEnumerable<ClusterDto> SearchClusters(ResourceSearchQuery query, CancellationToken ct)
            => Search<ClusterDto>(GenieResourceKind.Cluster, query, q => _client.Api.SearchClustersAsync(q, ct), ct);

        public IEnumerable<CommandDto> SearchCommands(ResourceSearchQuery query, CancellationToken ct)
            => Search<CommandDto>(GenieResourceKind.Command, query, q => _client.Api.SearchCommandsAsync(q, ct), ct);

        public IEnumerable<ApplicationDto> SearchApplications(ResourceSearchQuery query, CancellationToken ct)
            => Search<ApplicationDto>(GenieResourceKind.Application, query, q => _client.Api.SearchApplicationsAsync(q, ct), ct);

        private IEnumerable<T> Search<T>(GenieResourceKind kind, ResourceSearchQuery query, Func<ResourceSearchQuery, Task<HalPage>> call, CancellationToken ct)
        {
            var page = query.Page ?? 0;
            while (true)
            {
                var q = query.ForPage(page);
                var result = _client.Call("GET", PathOf(kind), () => call(q), ct).GetAwaiter().GetResult();
                foreach (var item in result.Items<T>(ListKey(kind))) yield return item;
                var info = result.Page;
                if (info == null || info.TotalPages <= info.Number + 1) yield break;
                page = info.Number + 1;
            }
        }

        public Task<ClusterDto> GetClusterAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Cluster, id), () => _client.Api.GetClusterAsync(id, ct), ct);

        public Task<CommandDto> GetCommandAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Command, id), () => _client.Api.GetCommandAsync(id, ct), ct);

        public Task<ApplicationDto> GetApplicationAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Application, id), () => _client.Api.GetApplicationAsync(id, ct), ct);

        public Task<List<CriterionDto>> GetCommandClusterCriteriaAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Command, id) + "/clusterCriteria", () => _client.Api.GetCommandClusterCriteriaAsync(id, ct), ct);

        /// <summary>Clusters matching any of the command's cluster criteria (G4), optionally by status.</summary>
        public Task<List<ClusterDto>> GetCommandClustersAsync(string id, string[]? status, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Command, id) + "/clusters", () => _client.AdminApi.GetCommandClustersAsync(id, status, ct), ct);

        /// <summary>[G3] the cluster's commands in priority order (what Genie 3 resolution walks); [G4] always empty.</summary>
        public Task<List<CommandDto>> GetClusterCommandsAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Cluster, id) + "/commands", () => _client.AdminApi.GetClusterCommandsAsync(id, ct), ct);

        public Task<List<ApplicationDto>> GetCommandApplicationsAsync(string id, CancellationToken ct)
            => _client.Call("GET", PathOf(GenieResourceKind.Command, id) + "/applications", () => _client.AdminApi.GetCommandApplicationsAsync(id, ct), ct);

        // ---- writes ----

        /// <summary>Creates a resource; returns its id (from Location, else the one sent).</summary>
        public async Task<string> CreateAsync(GenieResourceKind kind, ExecutionEnvironmentDto resource, CancellationToken ct)
        {
            var response = await _client.Call("POST", PathOf(kind), () => kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.CreateClusterAsync((ClusterDto)resource, ct),
                GenieResourceKind.Command => _client.AdminApi.CreateCommandAsync((CommandDto)resource, ct),
                _ => _client.AdminApi.CreateApplicationAsync((ApplicationDto)resource, ct),
            }, ct).ConfigureAwait(false);
            using (response)
            {
                await GenieClient.EnsureSuccessAsync(response, "POST").ConfigureAwait(false);
                var location = response.Headers.Location;
                var last = location == null ? null : (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString).TrimEnd('/').Split('/').Last();
                return !string.IsNullOrEmpty(last) ? Uri.UnescapeDataString(last!) : resource.Id ?? throw new GenieProtocolException("Genie created the resource but sent no Location header.");
            }
        }

        /// <summary>Replaces a resource (PUT) with <paramref name="resource"/>, whose Id names it.</summary>
        public Task UpdateAsync(GenieResourceKind kind, ExecutionEnvironmentDto resource, CancellationToken ct)
        {
            var id = resource.Id ?? throw new ArgumentException("The resource has no id.", nameof(resource));
            return Done(_client.Call("PUT", PathOf(kind, id), () => Done(kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.UpdateClusterAsync(id, (ClusterDto)resource, ct),
                GenieResourceKind.Command => _client.AdminApi.UpdateCommandAsync(id, (CommandDto)resource, ct),
                _ => _client.AdminApi.UpdateApplicationAsync(id, (ApplicationDto)resource, ct),
            }), ct));
        }

        /// <summary>Applies JSON-Patch operations to a resource (e.g. <c>[{"op":"replace","path":"/status","value":"UP"}]</c>).</summary>
        public Task PatchAsync(GenieResourceKind kind, string id, JArray patch, CancellationToken ct)
            => Done(_client.Call("PATCH", PathOf(kind, id), () => Done(kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.PatchClusterAsync(id, patch, ct),
                GenieResourceKind.Command => _client.AdminApi.PatchCommandAsync(id, patch, ct),
                _ => _client.AdminApi.PatchApplicationAsync(id, patch, ct),
            }), ct));

        public Task DeleteAsync(GenieResourceKind kind, string id, CancellationToken ct)
            => Done(_client.Call("DELETE", PathOf(kind, id), () => Done(kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.DeleteClusterAsync(id, ct),
                GenieResourceKind.Command => _client.AdminApi.DeleteCommandAsync(id, ct),
                _ => _client.AdminApi.DeleteApplicationAsync(id, ct),
            }), ct));

        /// <summary>Sets a cluster's status (UP, OUT_OF_SERVICE, TERMINATED) with a JSON-Patch replace.</summary>
        public Task SetClusterStatusAsync(string id, string status, CancellationToken ct)
            => PatchAsync(GenieResourceKind.Cluster, id, new JArray(new JObject { ["op"] = "replace", ["path"] = "/status", ["value"] = status.ToUpperInvariant() }), ct);

        /// <summary>Replaces a command's cluster criteria (G4).</summary>
        public Task SetCommandClusterCriteriaAsync(string id, IEnumerable<CriterionDto> criteria, CancellationToken ct)
            => Done(_client.Call("PUT", PathOf(GenieResourceKind.Command, id) + "/clusterCriteria",
                () => Done(_client.AdminApi.SetCommandClusterCriteriaAsync(id, criteria, ct)), ct));

        // ---- tags ----

        public Task<List<string>> GetTagsAsync(GenieResourceKind kind, string id, CancellationToken ct)
            => _client.Call("GET", PathOf(kind, id) + "/tags", () => kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.GetClusterTagsAsync(id, ct),
                GenieResourceKind.Command => _client.AdminApi.GetCommandTagsAsync(id, ct),
                _ => _client.AdminApi.GetApplicationTagsAsync(id, ct),
            }, ct);

        public Task AddTagsAsync(GenieResourceKind kind, string id, IEnumerable<string> tags, CancellationToken ct)
        {
            var list = tags.ToList();
            return Done(_client.Call("POST", PathOf(kind, id) + "/tags", () => Done(kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.AddClusterTagsAsync(id, list, ct),
                GenieResourceKind.Command => _client.AdminApi.AddCommandTagsAsync(id, list, ct),
                _ => _client.AdminApi.AddApplicationTagsAsync(id, list, ct),
            }), ct));
        }

        public Task RemoveTagAsync(GenieResourceKind kind, string id, string tag, CancellationToken ct)
            => Done(_client.Call("DELETE", PathOf(kind, id) + "/tags/" + Uri.EscapeDataString(tag), () => Done(kind switch
            {
                GenieResourceKind.Cluster => _client.AdminApi.RemoveClusterTagAsync(id, tag, ct),
                GenieResourceKind.Command => _client.AdminApi.RemoveCommandTagAsync(id, tag, ct),
                _ => _client.AdminApi.RemoveApplicationTagAsync(id, tag, ct),
            }), ct));

        private static async Task<bool> Done(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }
    }
}
