using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Model;

/// <summary>A G4 criterion (genie-api.md §2.10): scalar fields must be equal, tags must be a subset.</summary>
internal sealed class Criterion
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Version { get; set; }

    public string? Status { get; set; }

    public List<string> Tags { get; set; } = [];

    public Criterion Clone() => new() { Id = Id, Name = Name, Version = Version, Status = Status, Tags = [.. Tags] };

    public bool IsBlank =>
        string.IsNullOrWhiteSpace(Id) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Version) &&
        string.IsNullOrWhiteSpace(Status) && Tags.Count == 0;

    /// <summary>
    /// Builds a criterion from job tags: <c>genie.id:X</c> / <c>genie.name:N</c> become id / name (G4 behaviour),
    /// blank tags are dropped.
    /// </summary>
    public static Criterion FromJobTags(IEnumerable<string> tags)
    {
        var c = new Criterion();
        foreach (var t in tags)
        {
            if (t.StartsWith(Model.Tags.IdPrefix, StringComparison.Ordinal) && c.Id == null)
            {
                c.Id = t[Model.Tags.IdPrefix.Length..];
            }
            else if (t.StartsWith(Model.Tags.NamePrefix, StringComparison.Ordinal) && c.Name == null)
            {
                c.Name = t[Model.Tags.NamePrefix.Length..];
            }
            else if (!c.Tags.Contains(t, StringComparer.Ordinal))
            {
                c.Tags.Add(t);
            }
        }

        return c;
    }
}

/// <summary>Tag helpers for the synthesized <c>genie.id:</c> / <c>genie.name:</c> tags.</summary>
internal static class Tags
{
    public const string IdPrefix = "genie.id:";
    public const string NamePrefix = "genie.name:";

    public static bool IsGenieTag(string tag) =>
        tag.StartsWith(IdPrefix, StringComparison.Ordinal) || tag.StartsWith(NamePrefix, StringComparison.Ordinal);

    /// <summary>Drops blanks, genie.* tags and duplicates, keeping first-seen order.</summary>
    public static List<string> Clean(IEnumerable<string?>? tags)
    {
        var result = new List<string>();
        if (tags == null)
        {
            return result;
        }

        foreach (var t in tags)
        {
            if (string.IsNullOrWhiteSpace(t) || IsGenieTag(t) || result.Contains(t, StringComparer.Ordinal))
            {
                continue;
            }

            result.Add(t);
        }

        return result;
    }

    /// <summary>A set of non-blank strings (configs, dependencies), first-seen order.</summary>
    public static List<string> CleanSet(IEnumerable<string?>? values)
    {
        var result = new List<string>();
        if (values == null)
        {
            return result;
        }

        foreach (var v in values)
        {
            if (!string.IsNullOrWhiteSpace(v) && !result.Contains(v, StringComparer.Ordinal))
            {
                result.Add(v);
            }
        }

        return result;
    }
}

/// <summary>
/// An application, cluster or command. One class for the three kinds keeps the shared CRUD code simple; the
/// kind-specific fields are ignored for the other kinds. Instances held by the store are never mutated: updates
/// work on a <see cref="Clone"/>.
/// </summary>
internal sealed class Resource
{
    public ResourceKind Kind { get; set; }

    public string Id { get; set; } = "";

    public long Created { get; set; }

    public long Updated { get; set; }

    public string Name { get; set; } = "";

    public string User { get; set; } = "";

    public string Version { get; set; } = "";

    public string? Description { get; set; }

    public JsonNode? Metadata { get; set; }

    public List<string> Tags { get; set; } = [];

    public List<string> Configs { get; set; } = [];

    public List<string> Dependencies { get; set; } = [];

    public string? SetupFile { get; set; }

    public string Status { get; set; } = "";

    /// <summary>Application type.</summary>
    public string? Type { get; set; }

    /// <summary>Command executable and fixed arguments.</summary>
    public List<string> ExecutableAndArguments { get; set; } = [];

    /// <summary>Command check delay (G3 only; G4 answers 10000).</summary>
    public long? CheckDelay { get; set; }

    /// <summary>Command default job memory (MB).</summary>
    public int? Memory { get; set; }

    /// <summary>Command cluster criteria in priority order (G4).</summary>
    public List<Criterion> ClusterCriteria { get; set; } = [];

    /// <summary>Command runtime (G4.3+), stored as given.</summary>
    public JsonNode? Runtime { get; set; }

    /// <summary>Command applications, in setup order.</summary>
    public List<string> ApplicationIds { get; set; } = [];

    /// <summary>Cluster's ordered command list (G3 only).</summary>
    public List<string> CommandIds { get; set; } = [];

    public string Executable => string.Join(' ', ExecutableAndArguments);

    /// <summary>Stored tags plus the synthesized genie.id / genie.name tags, sorted.</summary>
    public List<string> AllTags()
    {
        var all = new List<string>(Tags) { Model.Tags.IdPrefix + Id, Model.Tags.NamePrefix + Name };
        all = all.Distinct(StringComparer.Ordinal).ToList();
        all.Sort(StringComparer.Ordinal);
        return all;
    }

    public Resource Clone()
    {
        var c = (Resource)MemberwiseClone();
        c.Metadata = Metadata?.DeepClone();
        c.Runtime = Runtime?.DeepClone();
        c.Tags = [.. Tags];
        c.Configs = [.. Configs];
        c.Dependencies = [.. Dependencies];
        c.ExecutableAndArguments = [.. ExecutableAndArguments];
        c.ClusterCriteria = ClusterCriteria.Select(x => x.Clone()).ToList();
        c.ApplicationIds = [.. ApplicationIds];
        c.CommandIds = [.. CommandIds];
        return c;
    }
}

/// <summary>A job: the request, its resolution and its execution state. Immutable once stored (see <see cref="Clone"/>).</summary>
internal sealed class JobRecord
{
    public string Id { get; set; } = "";

    /// <summary>Sequence number for a stable order among jobs created in the same millisecond.</summary>
    public long Seq { get; set; }

    /// <summary>The id the client asked for (null when the server generated it).</summary>
    public string? RequestedId { get; set; }

    public long Created { get; set; }

    public long Updated { get; set; }

    public string Name { get; set; } = "";

    public string User { get; set; } = "";

    public string Version { get; set; } = "";

    public string? Description { get; set; }

    public JsonNode? Metadata { get; set; }

    public List<string> Tags { get; set; } = [];

    public List<string> Configs { get; set; } = [];

    public List<string> Dependencies { get; set; } = [];

    /// <summary>file:// URIs of the stored attachments (G4 shows them appended to dependencies in /request).</summary>
    public List<string> AttachmentUris { get; set; } = [];

    public string? SetupFile { get; set; }

    public string? CommandArgs { get; set; }

    public List<List<string>> ClusterCriterias { get; set; } = [];

    public List<string> CommandCriteria { get; set; } = [];

    public string? Group { get; set; }

    public bool DisableLogArchival { get; set; }

    public string? Email { get; set; }

    public int? Cpu { get; set; }

    public int? Memory { get; set; }

    public int? Timeout { get; set; }

    public List<string> Applications { get; set; } = [];

    public string? Grouping { get; set; }

    public string? GroupingInstance { get; set; }

    public JsonNode? RequestedRuntime { get; set; }

    public string Status { get; set; } = Statuses.Reserved;

    public string? StatusMsg { get; set; }

    public long? Started { get; set; }

    public long? Finished { get; set; }

    public string? ArchiveLocation { get; set; }

    public string? ClusterId { get; set; }

    public string? ClusterName { get; set; }

    public string? CommandId { get; set; }

    public string? CommandName { get; set; }

    public List<string> ResolvedApplications { get; set; } = [];

    public bool IsResolved { get; set; }

    public int? ResolvedMemory { get; set; }

    public int ResolvedCpu { get; set; } = 1;

    public int ResolvedTimeout { get; set; } = 604800;

    public string HostName { get; set; } = Guid.NewGuid().ToString();

    public int? ProcessId { get; set; }

    public int? ExitCode { get; set; }

    public long? CheckDelay { get; set; }

    public string ArchiveStatus { get; set; } = ArchiveStatuses.Pending;

    public JsonNode? LauncherExt { get; set; }

    public string? ClientHost { get; set; }

    public string? UserAgent { get; set; }

    public int NumAttachments { get; set; }

    public long TotalSizeOfAttachments { get; set; }

    public long? StdOutSize { get; set; }

    public long? StdErrSize { get; set; }

    /// <summary>True once the scheduler took the job (G4 CLAIMED; G3 init started).</summary>
    public bool Claimed { get; set; }

    public JobRecord Clone()
    {
        var c = (JobRecord)MemberwiseClone();
        c.Metadata = Metadata?.DeepClone();
        c.RequestedRuntime = RequestedRuntime?.DeepClone();
        c.LauncherExt = LauncherExt?.DeepClone();
        c.Tags = [.. Tags];
        c.Configs = [.. Configs];
        c.Dependencies = [.. Dependencies];
        c.AttachmentUris = [.. AttachmentUris];
        c.ClusterCriterias = ClusterCriterias.Select(x => x.ToList()).ToList();
        c.CommandCriteria = [.. CommandCriteria];
        c.Applications = [.. Applications];
        c.ResolvedApplications = [.. ResolvedApplications];
        return c;
    }
}
