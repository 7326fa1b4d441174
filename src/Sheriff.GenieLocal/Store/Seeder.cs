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
}
