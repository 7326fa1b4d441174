using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;
using Sheriff.GenieLocal.Resolution;

namespace Sheriff.GenieLocal.Store;

/// <summary>
/// Registers resources from a seed file at start: <c>{"applications":[...],"clusters":[...],"commands":[...]}</c> in the
/// v3 JSON shapes (commands may carry <c>clusterCriteria</c> and, as an extension, <c>applications</c>: ids in setup
/// order). Idempotent: ids that already exist are skipped. In G3 mode, seeded commands are appended to the ordered
/// command list of every cluster matching one of their cluster criteria.
/// Placeholders in every string value (not in keys): <c>{seedDir}</c> becomes the absolute folder of the seed file,
/// <c>{seedDir:sh}</c> the same folder as one bash word (single-quoted when it holds anything but
/// <c>[A-Za-z0-9_./+,:@%=-]</c>), for <c>executableAndArguments</c>, which the run script joins into a bash command line.
/// <c>{warehouse}</c> / <c>{warehouse:sh}</c> are the SQL engine's warehouse folder (<c>--warehouse</c>, by default
/// <c>&lt;data-dir&gt;/warehouse</c>), and <c>{genieLocal:sh}</c> is how to start this same server binary, as bash words
/// (the apphost, or the dotnet host and the dll), e.g. <c>{genieLocal:sh} sql-engine</c>.
/// </summary>
internal static class Seeder
{
    public static string DefaultSeedPath => Path.Combine(AppContext.BaseDirectory, "seed", "default.json");

    /// <summary>Loads a seed file; throws <see cref="InvalidDataException"/> with a readable message.</summary>
    public static (int Added, int Skipped) Load(GenieServer server, string file)
    {
        JsonObject root;
        try
        {
            root = JsonInput.AsObject(JsonInput.Parse(File.ReadAllBytes(file)), "seed");
            ReplacePlaceholders(root, Placeholders(Path.GetDirectoryName(Path.GetFullPath(file))!, server.Options.Warehouse));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or GenieApiException)
        {
            throw new InvalidDataException($"cannot read seed file {file}: {e.Message}", e);
        }

        var added = 0;
        var skipped = 0;
        var now = TimeFormat.NowMs();
        var newCommands = new List<Resource>();
        foreach (var (key, kind) in new[] { ("applications", ResourceKind.Application), ("clusters", ResourceKind.Cluster), ("commands", ResourceKind.Command) })
        {
            if (root[key] is null)
            {
                continue;
            }

            if (root[key] is not JsonArray items)
            {
                throw new InvalidDataException($"seed file {file}: '{key}' must be an array");
            }

            for (var i = 0; i < items.Count; i++)
            {
                Resource r;
                try
                {
                    var item = JsonInput.AsObject(items[i], key);
                    if (kind == ResourceKind.Command && !server.IsG4 && item["checkDelay"] == null)
                    {
                        item = (JsonObject)item.DeepClone();
                        item["checkDelay"] = 10000;
                    }

                    // Parse with G4 rules so cluster criteria and executableAndArguments are kept in every mode.
                    r = ResourceJson.Parse(kind, item, GenieGeneration.G4);
                    if (kind == ResourceKind.Command)
                    {
                        r.CheckDelay = JsonInput.Long(item, "checkDelay") ?? 10000;
                        r.ApplicationIds = Tags.CleanSet(JsonInput.StringList(item, "applications"));
                    }
                }
                catch (GenieApiException e)
                {
                    throw new InvalidDataException($"seed file {file}: {key}[{i}]: {e.Message}", e);
                }

                if (string.IsNullOrWhiteSpace(r.Id))
                {
                    r.Id = Guid.NewGuid().ToString();
                }

                r.Created = r.Updated = now;
                if (server.Store.TryAdd(r))
                {
                    added++;
                    if (kind == ResourceKind.Command)
                    {
                        newCommands.Add(r);
                    }
                }
                else
                {
                    skipped++;
                }
            }
        }

        if (!server.IsG4)
        {
            foreach (var command in newCommands)
            {
                foreach (var cluster in server.Store.All(ResourceKind.Cluster))
                {
                    if (command.ClusterCriteria.Any(c => JobResolver.Matches(cluster, c, null)) && !cluster.CommandIds.Contains(command.Id))
                    {
                        server.Store.Update(ResourceKind.Cluster, cluster.Id, x => x.CommandIds.Add(command.Id), now);
                    }
                }
            }
        }

        return (added, skipped);
    }

    /// <summary>The placeholders of a seed file and their values, in replacement order.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Placeholders(string seedDir, string warehouse) =>
    [
        new("{seedDir:sh}", ShellWord(seedDir)),
        new("{seedDir}", seedDir),
        new("{warehouse:sh}", ShellWord(warehouse)),
        new("{warehouse}", warehouse),
        new("{genieLocal:sh}", GenieLocalCommand()),
    ];

    /// <summary>
    /// The command that starts this server binary, as bash words: the apphost when the server runs as one, else the
    /// dotnet host followed by the entry dll.
    /// </summary>
    internal static string GenieLocalCommand()
    {
        var host = Environment.ProcessPath;
        var dll = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(dll))
        {
            dll = Path.Combine(AppContext.BaseDirectory, "sheriff-genie-local.dll");
        }

        if (host is null)
        {
            return "dotnet " + ShellWord(dll);
        }

        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? ShellWord(host) + " " + ShellWord(dll)
            : ShellWord(host);
    }

    /// <summary>Replaces the placeholders in every string value of the tree, in place.</summary>
    internal static void ReplacePlaceholders(JsonNode? node, IReadOnlyList<KeyValuePair<string, string>> placeholders)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (IsString(o[key], out var s))
                    {
                        o[key] = Replace(s, placeholders);
                    }
                    else
                    {
                        ReplacePlaceholders(o[key], placeholders);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (IsString(a[i], out var s))
                    {
                        a[i] = Replace(s, placeholders);
                    }
                    else
                    {
                        ReplacePlaceholders(a[i], placeholders);
                    }
                }

                break;
        }
    }

    private static bool IsString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        return false;
    }

    private static string Replace(string s, IReadOnlyList<KeyValuePair<string, string>> placeholders)
    {
        if (!s.Contains('{', StringComparison.Ordinal))
        {
            return s;
        }

        foreach (var (name, value) in placeholders)
        {
            s = s.Replace(name, value, StringComparison.Ordinal);
        }

        return s;
    }

    /// <summary>The value as one bash word: unchanged when it is plain, else single-quoted.</summary>
    internal static string ShellWord(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "_./+,:@%=-".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
