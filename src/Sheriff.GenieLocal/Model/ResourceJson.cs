using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;

namespace Sheriff.GenieLocal.Model;

/// <summary>Converts applications, clusters and commands between their v3 JSON form and <see cref="Resource"/>.</summary>
internal static class ResourceJson
{
    public static string Noun(ResourceKind kind) => kind switch
    {
        ResourceKind.Application => "application",
        ResourceKind.Cluster => "cluster",
        _ => "command",
    };

    public static string Title(ResourceKind kind) => kind switch
    {
        ResourceKind.Application => "Application",
        ResourceKind.Cluster => "Cluster",
        _ => "Command",
    };

    /// <summary>
    /// Parses and validates a create/update body. Missing required fields: 400 (G4) or 412 (G3); blank or
    /// oversized values: 412; wrong JSON types or bad enum values: 400.
    /// </summary>
    public static Resource Parse(ResourceKind kind, JsonNode body, GenieGeneration generation)
    {
        var o = JsonInput.AsObject(body, Noun(kind));
        var g4 = generation == GenieGeneration.G4;
        var r = new Resource { Kind = kind };

        r.Id = JsonInput.String(o, "id") ?? "";
        if (r.Id.Length > 255)
        {
            throw GenieApiException.Precondition("Max length of id is 255 characters");
        }

        r.Name = Required(o, "name", g4);
        r.User = Required(o, "user", g4);
        r.Version = Required(o, "version", g4);
        r.Description = JsonInput.String(o, "description");
        if (r.Description is { Length: > 1000 })
        {
            throw GenieApiException.Precondition("Max length of description is 1000 characters");
        }

        r.Metadata = JsonInput.Any(o, "metadata");
        r.Tags = Tags.Clean(JsonInput.StringList(o, "tags"));
        r.Configs = Tags.CleanSet(JsonInput.StringList(o, "configs"));
        r.Dependencies = Tags.CleanSet(JsonInput.StringList(o, "dependencies"));
        r.SetupFile = JsonInput.String(o, "setupFile");
        if (string.IsNullOrWhiteSpace(r.SetupFile))
        {
            r.SetupFile = null;
        }
        else if (r.SetupFile.Length > 1024)
        {
            throw GenieApiException.Precondition("Max length of setupFile is 1024 characters");
        }

        foreach (var t in r.Tags.Concat(r.Configs).Concat(r.Dependencies))
        {
            if (t.Length > 1024)
            {
                throw GenieApiException.Precondition("Max length of a tag, config or dependency is 1024 characters");
            }
        }

        var status = JsonInput.String(o, "status");
        if (status == null)
        {
            if (g4)
            {
                throw GenieApiException.BadRequest($"Missing required creator property 'status' for {Noun(kind)}");
            }

            r.Status = Statuses.DefaultG3(kind);
        }
        else
        {
            r.Status = ParseEnum(status, Statuses.For(kind), g4, Title(kind) + "Status");
        }

        if (kind == ResourceKind.Application)
        {
            r.Type = JsonInput.String(o, "type");
        }

        if (kind == ResourceKind.Command)
        {
            ParseCommand(o, r, g4);
        }

        return r;
    }

    private static void ParseCommand(JsonObject o, Resource r, bool g4)
    {
        var exeArgs = g4 ? JsonInput.StringList(o, "executableAndArguments") : null;
        var executable = JsonInput.String(o, "executable");
        if (exeArgs is { Count: > 0 })
        {
            if (exeArgs.Any(string.IsNullOrEmpty))
            {
                throw GenieApiException.Precondition("executableAndArguments must not contain blank elements");
            }

            r.ExecutableAndArguments = exeArgs.Select(x => x!).ToList();
        }
        else if (!string.IsNullOrWhiteSpace(executable))
        {
            if (executable.Length > (g4 ? 1024 : 255))
            {
                throw GenieApiException.Precondition($"Max length of executable is {(g4 ? 1024 : 255)} characters");
            }

            r.ExecutableAndArguments = executable.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        else if (executable == null && exeArgs == null && g4)
        {
            throw GenieApiException.BadRequest("Missing required property 'executable' or 'executableAndArguments' for command");
        }
        else
        {
            throw GenieApiException.Precondition("Executable is required and can't be blank");
        }

        var checkDelay = JsonInput.Long(o, "checkDelay");
        if (!g4)
        {
            if (checkDelay is null or < 1)
            {
                throw GenieApiException.Precondition("checkDelay must be at least 1");
            }

            r.CheckDelay = checkDelay;
        }

        r.Memory = JsonInput.Int(o, "memory");
        if (g4)
        {
            r.Runtime = JsonInput.Any(o, "runtime");
            if (r.Runtime != null && r.Runtime is not JsonObject)
            {
                throw GenieApiException.BadRequest("JSON parse error: runtime must be an object");
            }

            if (r.Memory == null && r.Runtime?["resources"] is JsonObject res)
            {
                r.Memory = JsonInput.Int(res, "memoryMb");
            }

            var criteria = o["clusterCriteria"];
            if (criteria != null)
            {
                foreach (var c in JsonInput.AsArray(criteria, "clusterCriteria"))
                {
                    r.ClusterCriteria.Add(ParseCriterion(c));
                }
            }
        }

        if (r.Memory is < 1)
        {
            throw GenieApiException.Precondition("memory must be at least 1");
        }
    }

    public static Criterion ParseCriterion(JsonNode? node)
    {
        var o = JsonInput.AsObject(node, "criterion");
        var c = new Criterion
        {
            Id = Blank(JsonInput.String(o, "id")),
            Name = Blank(JsonInput.String(o, "name")),
            Version = Blank(JsonInput.String(o, "version")),
            Status = Blank(JsonInput.String(o, "status")),
            Tags = Tags.CleanSet(JsonInput.StringList(o, "tags")),
        };
        if (c.IsBlank)
        {
            throw GenieApiException.Precondition("Invalid criterion: at least one of id, name, version, status or tags must be non-blank");
        }

        return c;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    public static string Required(JsonObject o, string name, bool g4)
    {
        var v = JsonInput.String(o, name);
        if (v == null)
        {
            if (g4)
            {
                throw GenieApiException.BadRequest($"Missing required creator property '{name}'");
            }

            throw GenieApiException.Precondition($"{name} is required");
        }

        if (string.IsNullOrWhiteSpace(v))
        {
            throw GenieApiException.Precondition($"{name} can't be blank");
        }

        if (v.Length > 255)
        {
            throw GenieApiException.Precondition($"Max length of {name} is 255 characters");
        }

        return v;
    }

    /// <summary>Enum input: G4 case-insensitive, G3 exact; unknown → 400.</summary>
    public static string ParseEnum(string value, string[] allowed, bool caseInsensitive, string enumName)
    {
        foreach (var a in allowed)
        {
            if (string.Equals(a, value, caseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                return a;
            }
        }

        throw GenieApiException.BadRequest(
            $"JSON parse error: cannot deserialize {enumName} from '{value}': not one of the values accepted ({string.Join(", ", allowed)})");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Output

    /// <summary>The v3 JSON form without links.</summary>
    public static JsonObject ToJson(Resource r, GenieGeneration generation)
    {
        var g4 = generation == GenieGeneration.G4;
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["created"] = TimeFormat.Timestamp(r.Created, generation),
            ["updated"] = TimeFormat.Timestamp(r.Updated, generation),
            ["version"] = r.Version,
            ["user"] = r.User,
            ["name"] = r.Name,
            ["description"] = r.Description,
            ["metadata"] = r.Metadata?.DeepClone(),
            ["tags"] = StringArray(r.AllTags()),
            ["setupFile"] = r.SetupFile,
            ["configs"] = StringArray(r.Configs),
            ["dependencies"] = StringArray(r.Dependencies),
            ["status"] = r.Status,
        };
        if (r.Kind == ResourceKind.Application)
        {
            o["type"] = r.Type;
        }

        if (r.Kind == ResourceKind.Command)
        {
            o["executable"] = r.Executable;
            if (g4)
            {
                o["executableAndArguments"] = StringArray(r.ExecutableAndArguments);
                o["checkDelay"] = 10000;
            }
            else
            {
                o["checkDelay"] = r.CheckDelay;
            }

            o["memory"] = r.Memory;
            if (g4)
            {
                o["clusterCriteria"] = new JsonArray(r.ClusterCriteria.Select(c => (JsonNode?)CriterionJson(c)).ToArray());
                o["runtime"] = RuntimeJson(r.Runtime, null, r.Memory);
            }
        }

        return o;
    }

    public static JsonObject CriterionJson(Criterion c) => new()
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["version"] = c.Version,
        ["status"] = c.Status,
        ["tags"] = StringArray(c.Tags),
    };

    /// <summary>A full Runtime object (genie-api.md §2.9) from a stored partial one plus cpu/memory overrides.</summary>
    public static JsonObject RuntimeJson(JsonNode? given, int? cpu, int? memory)
    {
        var res = given?["resources"] as JsonObject;
        JsonNode? Field(string name) => res?[name]?.DeepClone();
        var images = given?["images"] is JsonObject img ? img.DeepClone() : new JsonObject();
        return new JsonObject
        {
            ["resources"] = new JsonObject
            {
                ["cpu"] = cpu.HasValue ? JsonValue.Create(cpu.Value) : Field("cpu"),
                ["gpu"] = Field("gpu"),
                ["memoryMb"] = memory.HasValue ? JsonValue.Create(memory.Value) : Field("memoryMb"),
                ["diskMb"] = Field("diskMb"),
                ["networkMbps"] = Field("networkMbps"),
            },
            ["images"] = images,
        };
    }

    public static JsonArray StringArray(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
