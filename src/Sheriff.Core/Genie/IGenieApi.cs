using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Refit;

namespace Sheriff.Core.Genie
{
    /// <summary>Query parameters of <c>GET /api/v3/jobs</c> (genie-api.md §5.2). Null members are not sent.</summary>
    public sealed class JobSearchQuery
    {
        [AliasAs("id")] public string? Id { get; set; }
        [AliasAs("name")] public string? Name { get; set; }
        [AliasAs("user")] public string? User { get; set; }
        [AliasAs("clusterName")] public string? ClusterName { get; set; }
        [AliasAs("commandName")] public string? CommandName { get; set; }
        [AliasAs("clusterId")] public string? ClusterId { get; set; }
        [AliasAs("commandId")] public string? CommandId { get; set; }
        [AliasAs("grouping")] public string? Grouping { get; set; }
        [AliasAs("groupingInstance")] public string? GroupingInstance { get; set; }
        [AliasAs("status"), Query(CollectionFormat.Multi)] public string[]? Status { get; set; }
        [AliasAs("tag"), Query(CollectionFormat.Multi)] public string[]? Tag { get; set; }
        [AliasAs("minStarted")] public long? MinStarted { get; set; }
        [AliasAs("maxStarted")] public long? MaxStarted { get; set; }
        [AliasAs("minFinished")] public long? MinFinished { get; set; }
        [AliasAs("maxFinished")] public long? MaxFinished { get; set; }
        [AliasAs("page")] public int? Page { get; set; }
        [AliasAs("size")] public int? Size { get; set; }
        [AliasAs("sort")] public string? Sort { get; set; }

        internal JobSearchQuery ForPage(int page)
        {
            var copy = (JobSearchQuery)MemberwiseClone();
            copy.Page = page;
            return copy;
        }
    }

    /// <summary>Query parameters of the cluster, command and application searches (§5.3–5.5).</summary>
    public sealed class ResourceSearchQuery
    {
        [AliasAs("name")] public string? Name { get; set; }
        [AliasAs("user")] public string? User { get; set; }
        [AliasAs("type")] public string? Type { get; set; }
        [AliasAs("status"), Query(CollectionFormat.Multi)] public string[]? Status { get; set; }
        [AliasAs("tag"), Query(CollectionFormat.Multi)] public string[]? Tag { get; set; }
        [AliasAs("page")] public int? Page { get; set; }
        [AliasAs("size")] public int? Size { get; set; }
        [AliasAs("sort")] public string? Sort { get; set; }

        internal ResourceSearchQuery ForPage(int page)
        {
            var copy = (ResourceSearchQuery)MemberwiseClone();
            copy.Page = page;
            return copy;
        }
    }

    /// <summary>
    /// The Genie v3 REST API as Refit sees it: every job endpoint of genie-api.md §5.2 and §6, and read access to
    /// clusters, commands and applications. Endpoints whose headers or raw bytes matter return HttpResponseMessage.
    /// </summary>
    public interface IGenieApi
    {
        [Get("/api/v3")]
        Task<JObject> GetRootAsync(CancellationToken cancellationToken);

        // ---- jobs (§5.2) ----
        [Post("/api/v3/jobs")]
        Task<HttpResponseMessage> SubmitJobAsync([Body] JobRequestDto request, CancellationToken cancellationToken);

        [Multipart]
        [Post("/api/v3/jobs")]
        Task<HttpResponseMessage> SubmitJobMultipartAsync([AliasAs("request")] JobRequestDto request,
            [AliasAs("attachment")] IEnumerable<StreamPart> attachments, CancellationToken cancellationToken);

        [Get("/api/v3/jobs")]
        Task<HalPage> SearchJobsAsync([Query] JobSearchQuery query, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}")]
        Task<JobDto> GetJobAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/status")]
        Task<JobStatusDto> GetJobStatusAsync(string id, CancellationToken cancellationToken);

        [Delete("/api/v3/jobs/{id}")]
        Task KillJobAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/request")]
        Task<JobRequestDto> GetJobRequestAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/execution")]
        Task<JobExecutionDto> GetJobExecutionAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/metadata")]
        Task<JobMetadataDto> GetJobMetadataAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/cluster")]
        Task<ClusterDto> GetJobClusterAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/command")]
        Task<CommandDto> GetJobCommandAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/jobs/{id}/applications")]
        Task<List<ApplicationDto>> GetJobApplicationsAsync(string id, CancellationToken cancellationToken);

        // ---- output (§6) ----
        [Get("/api/v3/jobs/{id}/output/{**path}")]
        [Headers("Accept: application/json")]
        Task<OutputListingDto> ListOutputAsync(string id, string path, CancellationToken cancellationToken);

        /// <summary>A file of the job directory; <paramref name="range"/> is a whole Range header value or null.</summary>
        [Get("/api/v3/jobs/{id}/output/{**path}")]
        Task<HttpResponseMessage> GetOutputFileAsync(string id, string path, [Header("Range")] string? range, CancellationToken cancellationToken);

        // ---- configuration resources, read side (§5.3–5.5) ----
        [Get("/api/v3/clusters")]
        Task<HalPage> SearchClustersAsync([Query] ResourceSearchQuery query, CancellationToken cancellationToken);

        [Get("/api/v3/clusters/{id}")]
        Task<ClusterDto> GetClusterAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/commands")]
        Task<HalPage> SearchCommandsAsync([Query] ResourceSearchQuery query, CancellationToken cancellationToken);

        [Get("/api/v3/commands/{id}")]
        Task<CommandDto> GetCommandAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/commands/{id}/clusterCriteria")]
        Task<List<CriterionDto>> GetCommandClusterCriteriaAsync(string id, CancellationToken cancellationToken);

        [Get("/api/v3/applications")]
        Task<HalPage> SearchApplicationsAsync([Query] ResourceSearchQuery query, CancellationToken cancellationToken);

        [Get("/api/v3/applications/{id}")]
        Task<ApplicationDto> GetApplicationAsync(string id, CancellationToken cancellationToken);
    }
}
