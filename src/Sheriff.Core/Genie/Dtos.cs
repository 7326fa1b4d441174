using System;
using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Genie
{
    // Wire shapes of genie-api.md §2. Every field is optional on read: clients must tolerate nulls, missing and
    // unknown fields from both generations. Collections default to empty, never null.

    /// <summary>A HAL link (§3.1).</summary>
    public sealed class HalLink
    {
        public string? Href { get; set; }
        public bool? Templated { get; set; }
    }

    /// <summary>The <c>page</c> object of a paged search (§3.3).</summary>
    public sealed class PageInfo
    {
        public int Size { get; set; }
        public long TotalElements { get; set; }
        public int TotalPages { get; set; }
        public int Number { get; set; }
    }

    /// <summary>One page of a HAL search; the embedded list key varies by resource, so it is kept as raw JSON.</summary>
    public sealed class HalPage
    {
        [JsonProperty("_embedded")] public JObject? Embedded { get; set; }
        [JsonProperty("_links")] public Dictionary<string, HalLink>? Links { get; set; }
        public PageInfo? Page { get; set; }

        /// <summary>Items under <paramref name="key"/>; empty when <c>_embedded</c> is absent (an empty search).</summary>
        public IList<T> Items<T>(string key)
        {
            if (Embedded == null || !Embedded.TryGetValue(key, out var token) || token is not JArray array) return Array.Empty<T>();
            var serializer = JsonSerializer.Create(GenieJson.Settings);
            var list = new List<T>(array.Count);
            foreach (var item in array) list.Add(item.ToObject<T>(serializer)!);
            return list;
        }
    }

    public abstract class GenieResourceDto
    {
        public string? Id { get; set; }
        public DateTimeOffset? Created { get; set; }
        public DateTimeOffset? Updated { get; set; }
        public string? Name { get; set; }
        public string? User { get; set; }
        public string? Version { get; set; }
        public string? Description { get; set; }
        public JToken? Metadata { get; set; }
        public List<string> Tags { get; set; } = new List<string>();
        [JsonProperty("_links")] public Dictionary<string, HalLink>? Links { get; set; }
    }

    public abstract class ExecutionEnvironmentDto : GenieResourceDto
    {
        public List<string> Configs { get; set; } = new List<string>();
        public List<string> Dependencies { get; set; } = new List<string>();
        public string? SetupFile { get; set; }
    }

    public sealed class JobDto : GenieResourceDto
    {
        public string? Status { get; set; }
        public string? StatusMsg { get; set; }
        public DateTimeOffset? Started { get; set; }
        public DateTimeOffset? Finished { get; set; }
        public string? ArchiveLocation { get; set; }
        public string? ClusterName { get; set; }
        public string? CommandName { get; set; }
        public TimeSpan? Runtime { get; set; }
        public string? CommandArgs { get; set; }
        public string? Grouping { get; set; }
        public string? GroupingInstance { get; set; }
    }

    public sealed class JobSearchResultDto
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? User { get; set; }
        public string? Status { get; set; }
        public DateTimeOffset? Started { get; set; }
        public DateTimeOffset? Finished { get; set; }
        public string? ClusterName { get; set; }
        public string? CommandName { get; set; }
        public TimeSpan? Runtime { get; set; }
        [JsonProperty("_links")] public Dictionary<string, HalLink>? Links { get; set; }
    }

    public sealed class JobStatusDto
    {
        public string? Status { get; set; }
    }

    public sealed class ClusterCriteriaDto
    {
        public List<string> Tags { get; set; } = new List<string>();
    }

    public sealed class JobRequestDto : ExecutionEnvironmentDto
    {
        public List<ClusterCriteriaDto> ClusterCriterias { get; set; } = new List<ClusterCriteriaDto>();
        public List<string> CommandCriteria { get; set; } = new List<string>();
        public string? CommandArgs { get; set; }
        public string? Group { get; set; }
        public bool? DisableLogArchival { get; set; }
        public string? Email { get; set; }
        public int? Cpu { get; set; }
        public int? Memory { get; set; }
        public int? Timeout { get; set; }
        public List<string> Applications { get; set; } = new List<string>();
        public string? Grouping { get; set; }
        public string? GroupingInstance { get; set; }
    }

    public sealed class JobExecutionDto
    {
        public string? Id { get; set; }
        public DateTimeOffset? Created { get; set; }
        public DateTimeOffset? Updated { get; set; }
        public string? HostName { get; set; }
        public int? ProcessId { get; set; }
        public long? CheckDelay { get; set; }
        public DateTimeOffset? Timeout { get; set; }
        public int? ExitCode { get; set; }
        public int? Memory { get; set; }
        public string? ArchiveStatus { get; set; }
        public JToken? LauncherExt { get; set; }
    }

    public sealed class JobMetadataDto
    {
        public string? Id { get; set; }
        public string? ClientHost { get; set; }
        public string? UserAgent { get; set; }
        public int? NumAttachments { get; set; }
        public long? TotalSizeOfAttachments { get; set; }
        public long? StdOutSize { get; set; }
        public long? StdErrSize { get; set; }
    }

    public sealed class CriterionDto
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Version { get; set; }
        public string? Status { get; set; }
        public List<string> Tags { get; set; } = new List<string>();
    }

    public sealed class ClusterDto : ExecutionEnvironmentDto
    {
        public string? Status { get; set; }
        /// <summary>Fields this client does not model, kept so that a GET + PUT round trip does not drop them.</summary>
        [JsonExtensionData] public IDictionary<string, JToken>? Extra { get; set; }
    }

    public sealed class CommandDto : ExecutionEnvironmentDto
    {
        public string? Status { get; set; }
        public string? Executable { get; set; }
        public List<string>? ExecutableAndArguments { get; set; }
        public long? CheckDelay { get; set; }
        public int? Memory { get; set; }
        public List<CriterionDto> ClusterCriteria { get; set; } = new List<CriterionDto>();
        /// <summary>Fields this client does not model (e.g. the G4.3 <c>runtime</c>), kept so that a GET + PUT round trip does not drop them.</summary>
        [JsonExtensionData] public IDictionary<string, JToken>? Extra { get; set; }
    }

    public sealed class ApplicationDto : ExecutionEnvironmentDto
    {
        public string? Status { get; set; }
        public string? Type { get; set; }
        /// <summary>Fields this client does not model, kept so that a GET + PUT round trip does not drop them.</summary>
        [JsonExtensionData] public IDictionary<string, JToken>? Extra { get; set; }
    }

    /// <summary>An entry of an output directory listing (§6.1).</summary>
    public sealed class OutputEntryDto
    {
        public string? Name { get; set; }
        public string? Url { get; set; }
        public long? Size { get; set; }
        public DateTimeOffset? LastModified { get; set; }
    }

    public sealed class OutputListingDto
    {
        public OutputEntryDto? Parent { get; set; }
        public List<OutputEntryDto> Directories { get; set; } = new List<OutputEntryDto>();
        public List<OutputEntryDto> Files { get; set; } = new List<OutputEntryDto>();
    }
}
