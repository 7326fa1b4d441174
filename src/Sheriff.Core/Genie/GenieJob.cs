using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sheriff.Core.Genie
{
    /// <summary>Genie's job statuses (both generations, genie-api.md §1 and §8).</summary>
    public static class GenieJobStatus
    {
        public static readonly string[] All =
            { "RESERVED", "RESOLVED", "ACCEPTED", "CLAIMED", "INIT", "RUNNING", "SUCCEEDED", "KILLED", "FAILED", "INVALID" };
        public static readonly string[] Finished = { "SUCCEEDED", "KILLED", "FAILED", "INVALID" };

        /// <summary>Client rule of §8.2: only the four finished values are terminal; anything else (even unknown) is active.</summary>
        public static bool IsFinished(string? status)
            => status != null && Array.IndexOf(Finished, status.ToUpperInvariant()) >= 0;

        public static bool IsFailure(string? status) => IsFinished(status) && !string.Equals(status, "SUCCEEDED", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A Genie job as Sheriff shows it: the one object that flows through every job cmdlet.
    /// Built from a full job resource, or from a search result (which carries fewer fields).
    /// </summary>
    public sealed class GenieJob
    {
        public string Id { get; set; } = "";
        public string? Name { get; set; }
        public string? User { get; set; }
        public string? Version { get; set; }
        public string Status { get; set; } = "";
        public string? StatusMessage { get; set; }
        public string? Description { get; set; }
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
        public string? ClusterName { get; set; }
        public string? CommandName { get; set; }
        public string? CommandArgs { get; set; }
        public string? Grouping { get; set; }
        public string? GroupingInstance { get; set; }
        public DateTimeOffset? Created { get; set; }
        public DateTimeOffset? Updated { get; set; }
        public DateTimeOffset? Started { get; set; }
        public DateTimeOffset? Finished { get; set; }
        public TimeSpan? Runtime { get; set; }
        public string? ArchiveLocation { get; set; }
        /// <summary>The job's metadata as JSON text (opaque to Genie).</summary>
        public string? MetadataJson { get; set; }
        /// <summary>The job resource's URL.</summary>
        public Uri? ApiUri { get; set; }
        /// <summary>The job's output directory URL.</summary>
        public Uri? OutputUri { get; set; }
        /// <summary>The job's page in the Genie UI (derived from the server origin, as pygenie does).</summary>
        public Uri? UiUri { get; set; }
        /// <summary>The server this job lives on (the connection's base URI).</summary>
        public Uri? ServerUri { get; set; }
        /// <summary>True when built from a search result, which has no tags, message or arguments.</summary>
        public bool IsSummary { get; set; }

        public bool IsFinished => GenieJobStatus.IsFinished(Status);

        public override string ToString()
        {
            var when = Finished ?? Started ?? Created;
            var text = $"{Id} {Status}";
            if (!string.IsNullOrEmpty(Name)) text += $" '{Name}'";
            if (Runtime.HasValue && Runtime.Value > TimeSpan.Zero) text += $" after {FormatRuntime(Runtime.Value)}";
            if (when.HasValue) text += $" ({when.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)})";
            return text;
        }

        private static string FormatRuntime(TimeSpan t)
            => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.#}s";

        internal static GenieJob FromDto(JobDto dto, Uri serverUri)
        {
            var job = new GenieJob
            {
                Id = dto.Id ?? "",
                Name = dto.Name,
                User = dto.User,
                Version = dto.Version,
                Status = (dto.Status ?? "").ToUpperInvariant(),
                StatusMessage = dto.StatusMsg,
                Description = dto.Description,
                Tags = (dto.Tags ?? new List<string>()).OrderBy(t => t, StringComparer.Ordinal).ToArray(),
                ClusterName = dto.ClusterName,
                CommandName = dto.CommandName,
                CommandArgs = dto.CommandArgs,
                Grouping = dto.Grouping,
                GroupingInstance = dto.GroupingInstance,
                Created = dto.Created,
                Updated = dto.Updated,
                Started = dto.Started,
                Finished = dto.Finished,
                Runtime = dto.Runtime,
                ArchiveLocation = dto.ArchiveLocation,
                MetadataJson = dto.Metadata == null || dto.Metadata.Type == Newtonsoft.Json.Linq.JTokenType.Null ? null : dto.Metadata.ToString(Newtonsoft.Json.Formatting.None),
            };
            job.SetLinks(Href(dto.Links, "self"), Href(dto.Links, "output"), serverUri);
            return job;
        }

        internal static GenieJob FromSearchResult(JobSearchResultDto dto, Uri serverUri)
        {
            var job = new GenieJob
            {
                Id = dto.Id ?? "",
                Name = dto.Name,
                User = dto.User,
                Status = (dto.Status ?? "").ToUpperInvariant(),
                ClusterName = dto.ClusterName,
                CommandName = dto.CommandName,
                Started = dto.Started,
                Finished = dto.Finished,
                Runtime = dto.Runtime,
                IsSummary = true,
            };
            job.SetLinks(Href(dto.Links, "self"), null, serverUri);
            return job;
        }

        private void SetLinks(string? self, string? output, Uri serverUri)
        {
            ServerUri = serverUri;
            var escaped = Uri.EscapeDataString(Id);
            ApiUri = TryUri(self) ?? new Uri(serverUri, "api/v3/jobs/" + escaped);
            OutputUri = TryUri(output) ?? new Uri(serverUri, "api/v3/jobs/" + escaped + "/output");
            UiUri = new Uri(serverUri, "jobs?id=" + escaped + "&rowId=" + escaped);
        }

        private static string? Href(Dictionary<string, HalLink>? links, string rel)
            => links != null && links.TryGetValue(rel, out var link) ? link?.Href : null;

        private static Uri? TryUri(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
    }
}
