using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Genie
{
    /// <summary>
    /// A Genie configuration resource as Sheriff shows it (genie-api.md §2.2–2.4): what Get-GenieCluster,
    /// Get-GenieCommand and Get-GenieApplication emit. <see cref="Kind"/> and <see cref="Id"/> are all that
    /// Add-GenieTag, Remove-GenieTag, Set-* and Remove-* need, so these objects pipe into them.
    /// </summary>
    public abstract class GenieResource
    {
        /// <summary>The synthesized tag prefixes (genie-api.md §9.1); Genie derives these tags from Id and Name.</summary>
        public const string IdTagPrefix = "genie.id:";
        public const string NameTagPrefix = "genie.name:";

        public abstract GenieResourceKind Kind { get; }
        public string Id { get; set; } = "";
        public string? Name { get; set; }
        public string? Version { get; set; }
        public string? User { get; set; }
        public string? Status { get; set; }
        /// <summary>The resource's own tags, sorted; the genie.id:/genie.name: tags Genie synthesizes are left out (see <see cref="Id"/>, <see cref="Name"/>).</summary>
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
        public string? Description { get; set; }
        public DateTimeOffset? Created { get; set; }
        public DateTimeOffset? Updated { get; set; }
        public IReadOnlyList<string> Configs { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Dependencies { get; set; } = Array.Empty<string>();
        public string? SetupFile { get; set; }
        /// <summary>The resource's metadata as JSON text (opaque to Genie).</summary>
        public string? MetadataJson { get; set; }
        /// <summary>The resource's URL.</summary>
        public Uri? ApiUri { get; set; }
        /// <summary>The server this resource lives on (the connection's base URI).</summary>
        public Uri? ServerUri { get; set; }

        /// <summary>True for Genie's synthesized genie.id:/genie.name: tags.</summary>
        public static bool IsSynthesizedTag(string? tag)
            => tag != null && (tag.StartsWith(IdTagPrefix, StringComparison.Ordinal) || tag.StartsWith(NameTagPrefix, StringComparison.Ordinal));

        public override string ToString()
        {
            var text = $"{KindName(Kind)} {Id}";
            if (!string.IsNullOrEmpty(Name) && !string.Equals(Name, Id, StringComparison.Ordinal)) text += $" '{Name}'";
            if (!string.IsNullOrEmpty(Version)) text += $" {Version}";
            if (!string.IsNullOrEmpty(Status)) text += $" {Status}";
            if (Tags.Count > 0) text += $" [{string.Join(", ", Tags)}]";
            return text;
        }

        /// <summary>"cluster", "command" or "application".</summary>
        public static string KindName(GenieResourceKind kind) => kind.ToString().ToLowerInvariant();

        internal void Fill(GenieResourceDto dto, Uri? serverUri, string segment)
        {
            Id = dto.Id ?? "";
            Name = dto.Name;
            Version = dto.Version;
            User = dto.User;
            Description = dto.Description;
            Created = dto.Created;
            Updated = dto.Updated;
            Tags = (dto.Tags ?? new List<string>()).Where(t => !string.IsNullOrEmpty(t) && !IsSynthesizedTag(t))
                .Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal).ToArray();
            MetadataJson = dto.Metadata == null || dto.Metadata.Type == JTokenType.Null ? null : dto.Metadata.ToString(Formatting.None);
            if (dto is ExecutionEnvironmentDto env)
            {
                Configs = (env.Configs ?? new List<string>()).ToArray();
                Dependencies = (env.Dependencies ?? new List<string>()).ToArray();
                SetupFile = env.SetupFile;
            }
            ServerUri = serverUri;
            string? self = null;
            if (dto.Links != null && dto.Links.TryGetValue("self", out var link)) self = link?.Href;
            ApiUri = Uri.TryCreate(self, UriKind.Absolute, out var uri) ? uri
                : serverUri == null || Id.Length == 0 ? null : new Uri(serverUri, "api/v3/" + segment + "/" + Uri.EscapeDataString(Id));
        }
    }

    /// <summary>A Genie cluster (genie-api.md §2.3). Status: UP, OUT_OF_SERVICE or TERMINATED; only UP clusters run jobs.</summary>
    public sealed class GenieCluster : GenieResource
    {
        public static readonly string[] Statuses = { "UP", "OUT_OF_SERVICE", "TERMINATED" };

        public override GenieResourceKind Kind => GenieResourceKind.Cluster;

        public static GenieCluster FromDto(ClusterDto dto, Uri? serverUri = null)
        {
            if (dto == null) throw new ArgumentNullException(nameof(dto));
            var cluster = new GenieCluster { Status = dto.Status?.ToUpperInvariant() };
            cluster.Fill(dto, serverUri, "clusters");
            return cluster;
        }
    }

    /// <summary>
    /// A Genie command (genie-api.md §2.4): what runs a job, and (Genie 4) the cluster criteria that say where.
    /// Status: ACTIVE, DEPRECATED or INACTIVE; only ACTIVE commands run jobs.
    /// </summary>
    public sealed class GenieCommand : GenieResource
    {
        public static readonly string[] Statuses = { "ACTIVE", "DEPRECATED", "INACTIVE" };

        public override GenieResourceKind Kind => GenieResourceKind.Command;
        /// <summary>The command line as one string (Genie 4: the space-joined <see cref="ExecutableAndArguments"/>).</summary>
        public string? Executable { get; set; }
        public IReadOnlyList<string> ExecutableAndArguments { get; set; } = Array.Empty<string>();
        /// <summary>Genie 4: where this command may run, in priority order. A command without criteria is never selected.</summary>
        public IReadOnlyList<GenieCriterion> ClusterCriteria { get; set; } = Array.Empty<GenieCriterion>();
        /// <summary>Default job memory in MB for jobs using this command.</summary>
        public int? Memory { get; set; }
        public long? CheckDelay { get; set; }

        public static GenieCommand FromDto(CommandDto dto, Uri? serverUri = null)
        {
            if (dto == null) throw new ArgumentNullException(nameof(dto));
            var args = dto.ExecutableAndArguments ?? new List<string>();
            var command = new GenieCommand
            {
                Status = dto.Status?.ToUpperInvariant(),
                Executable = dto.Executable ?? (args.Count > 0 ? string.Join(" ", args) : null),
                ExecutableAndArguments = args.ToArray(),
                ClusterCriteria = (dto.ClusterCriteria ?? new List<CriterionDto>()).Select(GenieCriterion.FromDto).ToArray(),
                Memory = dto.Memory,
                CheckDelay = dto.CheckDelay,
            };
            command.Fill(dto, serverUri, "commands");
            return command;
        }
    }

    /// <summary>A Genie application (genie-api.md §2.2): files a command sets up (e.g. Spark, Hadoop). Status: ACTIVE, DEPRECATED or INACTIVE.</summary>
    public sealed class GenieApplication : GenieResource
    {
        public static readonly string[] Statuses = { "ACTIVE", "DEPRECATED", "INACTIVE" };

        public override GenieResourceKind Kind => GenieResourceKind.Application;
        /// <summary>The application's type, e.g. spark or hadoop.</summary>
        public string? Type { get; set; }

        public static GenieApplication FromDto(ApplicationDto dto, Uri? serverUri = null)
        {
            if (dto == null) throw new ArgumentNullException(nameof(dto));
            var application = new GenieApplication { Status = dto.Status?.ToUpperInvariant(), Type = dto.Type };
            application.Fill(dto, serverUri, "applications");
            return application;
        }
    }

    /// <summary>
    /// A cluster criterion (genie-api.md §2.10): a resource matches when every present field is equal and it carries
    /// all <see cref="Tags"/>. PowerShell converts a string such as <c>'sched:sla,type:yarn'</c> to one with
    /// <see cref="Parse"/> (genie.id:X and genie.name:N become <see cref="Id"/> and <see cref="Name"/>), and a hashtable
    /// such as <c>@{ Tags = 'type:yarn'; Status = 'UP' }</c> through the property setters.
    /// </summary>
    public sealed class GenieCriterion
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Version { get; set; }
        public string? Status { get; set; }
        public string[] Tags { get; set; } = Array.Empty<string>();

        /// <summary>True when no field is given (Genie rejects such a criterion with 412).</summary>
        public bool IsEmpty => string.IsNullOrWhiteSpace(Id) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Version)
            && string.IsNullOrWhiteSpace(Status) && (Tags ?? Array.Empty<string>()).All(string.IsNullOrWhiteSpace);

        /// <summary>Comma-separated tags; genie.id:X / genie.name:N set Id / Name. Blank entries are dropped.</summary>
        public static GenieCriterion Parse(string text)
        {
            var criterion = new GenieCriterion();
            var tags = new List<string>();
            foreach (var part in (text ?? "").Split(','))
            {
                var tag = part.Trim();
                if (tag.Length == 0) continue;
                if (tag.StartsWith(GenieResource.IdTagPrefix, StringComparison.Ordinal) && criterion.Id == null)
                    criterion.Id = tag.Substring(GenieResource.IdTagPrefix.Length);
                else if (tag.StartsWith(GenieResource.NameTagPrefix, StringComparison.Ordinal) && criterion.Name == null)
                    criterion.Name = tag.Substring(GenieResource.NameTagPrefix.Length);
                else if (!tags.Contains(tag, StringComparer.Ordinal))
                    tags.Add(tag);
            }
            criterion.Tags = tags.ToArray();
            return criterion;
        }

        public static GenieCriterion FromDto(CriterionDto dto) => new GenieCriterion
        {
            Id = dto.Id,
            Name = dto.Name,
            Version = dto.Version,
            Status = dto.Status,
            Tags = (dto.Tags ?? new List<string>()).ToArray(),
        };

        public CriterionDto ToDto() => new CriterionDto
        {
            Id = Blank(Id),
            Name = Blank(Name),
            Version = Blank(Version),
            Status = Blank(Status)?.ToUpperInvariant(),
            Tags = (Tags ?? Array.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList(),
        };

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();

        /// <summary>The tags joined by commas (id and name as genie.id:/genie.name: tags), then any version or status.</summary>
        public override string ToString()
        {
            var parts = new List<string>();
            if (!string.IsNullOrEmpty(Id)) parts.Add(GenieResource.IdTagPrefix + Id);
            if (!string.IsNullOrEmpty(Name)) parts.Add(GenieResource.NameTagPrefix + Name);
            parts.AddRange(Tags ?? Array.Empty<string>());
            var text = string.Join(",", parts);
            var extra = new List<string>();
            if (!string.IsNullOrEmpty(Version)) extra.Add("version " + Version);
            if (!string.IsNullOrEmpty(Status)) extra.Add("status " + Status);
            return extra.Count == 0 ? text : string.Format(CultureInfo.InvariantCulture, "{0} ({1})", text, string.Join(", ", extra)).TrimStart();
        }
    }
}
