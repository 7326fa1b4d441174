using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Refit;

namespace Sheriff.Core.Genie
{
    /// <summary>
    /// The configuration side of Genie's v3 API (genie-api.md §5.3–5.5): create, update and delete clusters, commands and
    /// applications, their tags, and command cluster criteria. Writes return HttpResponseMessage so callers read Location.
    /// </summary>
    public interface IGenieAdminApi
    {
        // ---- clusters ----
        [Post("/api/v3/clusters")]
        Task<HttpResponseMessage> CreateClusterAsync([Body] ClusterDto cluster, CancellationToken cancellationToken);

        [Put("/api/v3/clusters/{id}")]
        Task UpdateClusterAsync(string id, [Body] ClusterDto cluster, CancellationToken cancellationToken);

        /// <summary>JSON-Patch (RFC 6902) operations, sent as application/json as Genie expects.</summary>
        [Patch("/api/v3/clusters/{id}")]
        Task PatchClusterAsync(string id, [Body] JArray patch, CancellationToken cancellationToken);

        [Delete("/api/v3/clusters/{id}")]
        Task DeleteClusterAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/clusters/{id}/tags")]
        Task<List<string>> GetClusterTagsAsync(string id, CancellationToken cancellationToken);

        [Post("/api/v3/clusters/{id}/tags")]
        Task AddClusterTagsAsync(string id, [Body] IEnumerable<string> tags, CancellationToken cancellationToken);

        [Delete("/api/v3/clusters/{id}/tags/{tag}")]
        Task RemoveClusterTagAsync(string id, string tag, CancellationToken cancellationToken);

        /// <summary>[G3] the cluster's ordered command list (priority order); [G4] always empty.</summary>
        [Get("/api/v3/clusters/{id}/commands")]
        Task<List<CommandDto>> GetClusterCommandsAsync(string id, CancellationToken cancellationToken);

        // ---- commands ----
        [Post("/api/v3/commands")]
        Task<HttpResponseMessage> CreateCommandAsync([Body] CommandDto command, CancellationToken cancellationToken);

        [Put("/api/v3/commands/{id}")]
        Task UpdateCommandAsync(string id, [Body] CommandDto command, CancellationToken cancellationToken);

        [Patch("/api/v3/commands/{id}")]
        Task PatchCommandAsync(string id, [Body] JArray patch, CancellationToken cancellationToken);

        [Delete("/api/v3/commands/{id}")]
        Task DeleteCommandAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/commands/{id}/tags")]
        Task<List<string>> GetCommandTagsAsync(string id, CancellationToken cancellationToken);

        [Post("/api/v3/commands/{id}/tags")]
        Task AddCommandTagsAsync(string id, [Body] IEnumerable<string> tags, CancellationToken cancellationToken);

        [Delete("/api/v3/commands/{id}/tags/{tag}")]
        Task RemoveCommandTagAsync(string id, string tag, CancellationToken cancellationToken);

        [Put("/api/v3/commands/{id}/clusterCriteria")]
        Task SetCommandClusterCriteriaAsync(string id, [Body] IEnumerable<CriterionDto> criteria, CancellationToken cancellationToken);

        [Get("/api/v3/commands/{id}/clusters")]
        Task<List<ClusterDto>> GetCommandClustersAsync(string id, [Query(CollectionFormat.Multi)] string[]? status, CancellationToken cancellationToken);

        [Get("/api/v3/commands/{id}/applications")]
        Task<List<ApplicationDto>> GetCommandApplicationsAsync(string id, CancellationToken cancellationToken);

        // ---- applications ----
        [Post("/api/v3/applications")]
        Task<HttpResponseMessage> CreateApplicationAsync([Body] ApplicationDto application, CancellationToken cancellationToken);

        [Put("/api/v3/applications/{id}")]
        Task UpdateApplicationAsync(string id, [Body] ApplicationDto application, CancellationToken cancellationToken);

        [Patch("/api/v3/applications/{id}")]
        Task PatchApplicationAsync(string id, [Body] JArray patch, CancellationToken cancellationToken);

        [Delete("/api/v3/applications/{id}")]
        Task DeleteApplicationAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/applications/{id}/tags")]
        Task<List<string>> GetApplicationTagsAsync(string id, CancellationToken cancellationToken);

        [Post("/api/v3/applications/{id}/tags")]
        Task AddApplicationTagsAsync(string id, [Body] IEnumerable<string> tags, CancellationToken cancellationToken);

        [Delete("/api/v3/applications/{id}/tags/{tag}")]
        Task RemoveApplicationTagAsync(string id, string tag, CancellationToken cancellationToken);
    }
}
