using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;

namespace Sheriff.GenieLocal.Model;

/// <summary>Parses job requests and renders the job resources (genie-api.md §2.5–2.8, §2.11).</summary>
internal static partial class JobJson
{
    public const int MaxArgumentLength = 10_000;

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();

    /// <summary>Parses and validates a JobRequest into a new <see cref="JobRecord"/> (no id reserved yet).</summary>
    public static JobRecord ParseRequest(JsonNode body, GenieGeneration generation)
    {
        var g4 = generation == GenieGeneration.G4;
        var o = JsonInput.AsObject(body, "job request");
        var j = new JobRecord();
        var id = JsonInput.String(o, "id");
        if (!string.IsNullOrWhiteSpace(id))
        {
            if (id.Length > 255)
            {
                throw GenieApiException.Precondition("Max length of id is 255 characters");
            }

            j.RequestedId = id;
        }

        j.Name = ResourceJson.Required(o, "name", g4);
        j.User = ResourceJson.Required(o, "user", g4);
        j.Version = ResourceJson.Required(o, "version", g4);
        j.Description = JsonInput.String(o, "description");
        if (j.Description is { Length: > 1000 })
        {
            throw GenieApiException.Precondition("Max length of description is 1000 characters");
        }

        j.Metadata = JsonInput.Any(o, "metadata");
        j.Tags = Tags.CleanSet(JsonInput.StringList(o, "tags"));
        j.Configs = Tags.CleanSet(JsonInput.StringList(o, "configs"));
        j.Dependencies = Tags.CleanSet(JsonInput.StringList(o, "dependencies"));
        j.SetupFile = JsonInput.String(o, "setupFile");
        if (string.IsNullOrWhiteSpace(j.SetupFile))
        {
            j.SetupFile = null;
        }
        else if (j.SetupFile.Length > 1024)
        {
            throw GenieApiException.Precondition("Max length of setupFile is 1024 characters");
        }

        // Command arguments: a string, or (G4) a list joined with single spaces, without quoting.
        var args = JsonInput.String(o, "commandArgs");
        var argList = g4 ? JsonInput.StringList(o, "commandArguments") : null;
        if (argList is { Count: > 0 })
        {
            if (argList.Any(a => a is { Length: > MaxArgumentLength }))
            {
                throw GenieApiException.Precondition($"Command arguments are limited to {MaxArgumentLength} characters each");
            }

            args = string.Join(' ', argList.Where(a => a != null));
        }
        else if (args is { Length: > MaxArgumentLength })
        {
            throw GenieApiException.Precondition($"Command arguments are limited to {MaxArgumentLength} characters each");
        }

        if (!g4 && args != null)
        {
            args = Spaces().Replace(args.Trim(' '), " ");
        }

        j.CommandArgs = string.IsNullOrEmpty(args) ? null : args;

        // Criteria.
        var clusterCriterias = o["clusterCriterias"];
        if (clusterCriterias == null)
        {
            Missing("clusterCriterias", g4);
        }

        foreach (var c in JsonInput.AsArray(clusterCriterias, "clusterCriterias"))
        {
            var co = JsonInput.AsObject(c, "clusterCriterias element");
            var tags = Tags.CleanSet(JsonInput.StringList(co, "tags"));
            if (tags.Count == 0)
            {
                throw GenieApiException.Precondition("Invalid cluster criteria: tags can't be empty or blank");
            }

            j.ClusterCriterias.Add(tags);
        }

        if (j.ClusterCriterias.Count == 0)
        {
            throw GenieApiException.Precondition("At least one cluster criteria is required");
        }

        var commandCriteria = JsonInput.StringList(o, "commandCriteria");
        if (commandCriteria == null)
        {
            Missing("commandCriteria", g4);
        }

        j.CommandCriteria = Tags.CleanSet(commandCriteria);
        if (j.CommandCriteria.Count == 0)
        {
            throw GenieApiException.Precondition("At least one valid (e.g. non-blank) command criteria tag is required");
        }

        j.Group = JsonInput.String(o, "group");
        if (j.Group is { Length: > 255 })
        {
            throw GenieApiException.Precondition("Max length of group is 255 characters");
        }

        j.DisableLogArchival = JsonInput.Bool(o, "disableLogArchival") ?? false;
        j.Email = JsonInput.String(o, "email");
        if (!string.IsNullOrEmpty(j.Email) && (j.Email.Length > 255 || !EmailPattern().IsMatch(j.Email)))
        {
            throw GenieApiException.Precondition($"Invalid e-mail address '{j.Email}'");
        }

        if (string.IsNullOrEmpty(j.Email))
        {
            j.Email = null;
        }

        j.Cpu = JsonInput.Int(o, "cpu");
        j.Memory = JsonInput.Int(o, "memory");
        j.Timeout = JsonInput.Int(o, "timeout");
        if (j.Cpu is < 1)
        {
            throw GenieApiException.Precondition("cpu must be at least 1");
        }

        if (j.Memory is < 1)
        {
            throw GenieApiException.Precondition("memory must be at least 1");
        }

        if (j.Timeout is < 1)
        {
            throw GenieApiException.Precondition("timeout must be at least 1");
        }

        j.Applications = (JsonInput.StringList(o, "applications") ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!).ToList();
        j.Grouping = JsonInput.String(o, "grouping");
        j.GroupingInstance = JsonInput.String(o, "groupingInstance");
        if (g4)
        {
            j.RequestedRuntime = JsonInput.Any(o, "runtime");
            if (j.RequestedRuntime != null && j.RequestedRuntime is not JsonObject)
            {
                throw GenieApiException.BadRequest("JSON parse error: runtime must be an object");
            }

            if (j.RequestedRuntime?["resources"] is JsonObject res)
            {
                j.Cpu ??= JsonInput.Int(res, "cpu");
                j.Memory ??= JsonInput.Int(res, "memoryMb");
            }
        }

        return j;
    }

    private static void Missing(string name, bool g4)
    {
        if (g4)
        {
            throw GenieApiException.BadRequest($"Missing required creator property '{name}'");
        }

        throw GenieApiException.Precondition($"{name} is required");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Output

    public static string JobUrl(HttpContext ctx, string id) => $"{Http.Api(ctx)}/jobs/{Http.Enc(id)}";

    private static JsonObject Links(HttpContext ctx, string id, string self, params string[] rels)
    {
        var baseUrl = JobUrl(ctx, id);
        var links = new JsonObject { ["self"] = Http.Link(self == "job" ? baseUrl : baseUrl + "/" + self) };
        foreach (var rel in rels)
        {
            links[rel] = Http.Link(rel == "job" ? baseUrl : baseUrl + "/" + rel);
        }

        return links;
    }

    public static JsonObject Job(HttpContext ctx, JobRecord j, GenieGeneration gen) => new()
    {
        ["id"] = j.Id,
        ["created"] = TimeFormat.Timestamp(j.Created, gen),
        ["updated"] = TimeFormat.Timestamp(j.Updated, gen),
        ["version"] = j.Version,
        ["user"] = j.User,
        ["name"] = j.Name,
        ["description"] = j.Description,
        ["metadata"] = j.Metadata?.DeepClone(),
        ["tags"] = ResourceJson.StringArray(j.Tags.OrderBy(t => t, StringComparer.Ordinal)),
        ["commandArgs"] = j.CommandArgs,
        ["status"] = j.Status,
        ["statusMsg"] = j.StatusMsg,
        ["started"] = TimeFormat.TimestampNode(j.Started, gen),
        ["finished"] = TimeFormat.TimestampNode(j.Finished, gen),
        ["archiveLocation"] = j.ArchiveLocation,
        ["clusterName"] = j.ClusterName,
        ["commandName"] = j.CommandName,
        ["runtime"] = TimeFormat.Runtime(j.Started, j.Finished),
        ["grouping"] = j.Grouping,
        ["groupingInstance"] = j.GroupingInstance,
        ["_links"] = Links(ctx, j.Id, "job", "output", "request", "execution", "metadata", "status", "cluster", "command", "applications"),
    };

    public static JsonObject Request(HttpContext ctx, JobRecord j, GenieGeneration gen)
    {
        var g4 = gen == GenieGeneration.G4;
        var o = new JsonObject
        {
            ["id"] = g4 ? j.RequestedId : j.Id,
            ["created"] = g4 ? null : TimeFormat.Timestamp(j.Created, gen),
            ["updated"] = g4 ? null : TimeFormat.Timestamp(j.Updated, gen),
            ["version"] = j.Version,
            ["user"] = j.User,
            ["name"] = j.Name,
            ["description"] = j.Description,
            ["metadata"] = j.Metadata?.DeepClone(),
            ["tags"] = ResourceJson.StringArray(j.Tags.OrderBy(t => t, StringComparer.Ordinal)),
            ["setupFile"] = j.SetupFile,
            ["configs"] = ResourceJson.StringArray(j.Configs),
            ["dependencies"] = ResourceJson.StringArray(g4 ? j.Dependencies.Concat(j.AttachmentUris) : j.Dependencies),
            ["commandArgs"] = j.CommandArgs,
            ["clusterCriterias"] = new JsonArray(j.ClusterCriterias.Select(c => (JsonNode?)new JsonObject { ["tags"] = ResourceJson.StringArray(c) }).ToArray()),
            ["commandCriteria"] = ResourceJson.StringArray(j.CommandCriteria),
            ["group"] = j.Group,
            ["disableLogArchival"] = !g4 && j.DisableLogArchival,
            ["email"] = j.Email,
            ["cpu"] = j.Cpu,
            ["memory"] = j.Memory,
            ["timeout"] = j.Timeout,
            ["applications"] = ResourceJson.StringArray(j.Applications),
            ["grouping"] = j.Grouping,
            ["groupingInstance"] = j.GroupingInstance,
        };
        if (g4)
        {
            o["runtime"] = ResourceJson.RuntimeJson(j.RequestedRuntime, j.Cpu, j.Memory);
        }

        o["_links"] = Links(ctx, j.Id, "request", "job", "execution", "output", "status", "metadata");
        return o;
    }

    public static JsonObject Execution(HttpContext ctx, JobRecord j, GenieGeneration gen)
    {
        var g4 = gen == GenieGeneration.G4;
        long? timeoutAt = j.Started.HasValue ? j.Started.Value + (j.ResolvedTimeout * 1000L) : null;
        var o = new JsonObject
        {
            ["id"] = j.Id,
            ["created"] = TimeFormat.Timestamp(j.Created, gen),
            ["updated"] = TimeFormat.Timestamp(j.Updated, gen),
            ["hostName"] = j.HostName,
            ["processId"] = g4 ? null : j.ProcessId,
            ["checkDelay"] = g4 ? null : j.CheckDelay,
            ["timeout"] = timeoutAt.HasValue ? (g4 ? TimeFormat.Timestamp(timeoutAt.Value, gen) : TimeFormat.G3Offset(timeoutAt.Value)) : null,
            ["exitCode"] = g4 ? null : j.ExitCode,
            ["memory"] = j.ResolvedMemory,
        };
        if (g4)
        {
            o["archiveStatus"] = j.ArchiveStatus;
            o["launcherExt"] = j.LauncherExt?.DeepClone();
            o["runtime"] = j.IsResolved ? ResourceJson.RuntimeJson(j.RequestedRuntime, j.ResolvedCpu, j.ResolvedMemory) : null;
        }

        o["_links"] = Links(ctx, j.Id, "execution", "job", "request", "output", "status", "metadata");
        return o;
    }

    public static JsonObject Metadata(HttpContext ctx, JobRecord j, GenieGeneration gen) => new()
    {
        ["id"] = j.Id,
        ["created"] = TimeFormat.Timestamp(j.Created, gen),
        ["updated"] = TimeFormat.Timestamp(j.Updated, gen),
        ["clientHost"] = j.ClientHost,
        ["userAgent"] = j.UserAgent,
        ["numAttachments"] = j.NumAttachments,
        ["totalSizeOfAttachments"] = j.TotalSizeOfAttachments,
        ["stdOutSize"] = gen == GenieGeneration.G4 ? null : j.StdOutSize,
        ["stdErrSize"] = gen == GenieGeneration.G4 ? null : j.StdErrSize,
        ["_links"] = Links(ctx, j.Id, "metadata", "job", "request", "output", "status", "execution"),
    };

    public static JsonObject SearchResult(HttpContext ctx, JobRecord j, GenieGeneration gen) => new()
    {
        ["id"] = j.Id,
        ["name"] = j.Name,
        ["user"] = j.User,
        ["status"] = j.Status,
        ["started"] = TimeFormat.TimestampNode(j.Started, gen),
        ["finished"] = TimeFormat.TimestampNode(j.Finished, gen),
        ["clusterName"] = j.ClusterName,
        ["commandName"] = j.CommandName,
        ["runtime"] = TimeFormat.Runtime(j.Started, j.Finished),
        ["_links"] = new JsonObject { ["self"] = Http.Link(JobUrl(ctx, j.Id)) },
    };
}
