using Sheriff.GenieLocal.Model;
using Sheriff.GenieLocal.Store;

namespace Sheriff.GenieLocal.Resolution;

/// <summary>Picks one candidate: deterministic (lowest id, ordinal) or uniformly random.</summary>
internal sealed class Selector(SelectorMode mode)
{
    public T Pick<T>(IReadOnlyList<T> candidates, Func<T, string> id)
    {
        if (candidates.Count == 0)
        {
            throw new ArgumentException("no candidates", nameof(candidates));
        }

        return mode == SelectorMode.Random
            ? candidates[Random.Shared.Next(candidates.Count)]
            : candidates.OrderBy(id, StringComparer.Ordinal).First();
    }
}

/// <summary>Raised when no cluster/command combination satisfies a job request.</summary>
internal sealed class ResolutionException(string message) : Exception(message);

/// <summary>The outcome of job resolution.</summary>
internal sealed record ResolvedJob(Resource Cluster, Resource Command, List<Resource> Applications);

/// <summary>Job resolution: genie-api.md §9.3 (G4) and §9.2 (G3).</summary>
internal sealed class JobResolver(GenieStore store, Selector selector, GenieGeneration generation)
{
    public ResolvedJob Resolve(IReadOnlyList<IReadOnlyList<string>> clusterCriterias, IReadOnlyList<string> commandCriteria, IReadOnlyList<string> applicationIds)
    {
        lock (store.Gate)
        {
            var (cluster, command) = generation == GenieGeneration.G4
                ? ResolveG4(clusterCriterias, commandCriteria)
                : ResolveG3(clusterCriterias, commandCriteria);
            var apps = new List<Resource>();
            if (applicationIds.Count > 0)
            {
                foreach (var id in applicationIds)
                {
                    apps.Add(store.Get(ResourceKind.Application, id) ?? throw new ResolutionException($"No application with id {id} exists"));
                }
            }
            else
            {
                foreach (var id in command.ApplicationIds)
                {
                    var app = store.Get(ResourceKind.Application, id);
                    if (app != null)
                    {
                        apps.Add(app);
                    }
                }
            }

            return new ResolvedJob(cluster, command, apps);
        }
    }

    /// <summary>True when the resource satisfies every present field of the criterion (tags: superset).</summary>
    public static bool Matches(Resource r, Criterion c, string? defaultStatus)
    {
        if (c.Id != null && !string.Equals(r.Id, c.Id, StringComparison.Ordinal))
        {
            return false;
        }

        if (c.Name != null && !string.Equals(r.Name, c.Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (c.Version != null && !string.Equals(r.Version, c.Version, StringComparison.Ordinal))
        {
            return false;
        }

        var status = c.Status ?? defaultStatus;
        if (status != null && !string.Equals(r.Status, status, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (c.Tags.Count == 0)
        {
            return true;
        }

        var tags = new HashSet<string>(r.AllTags(), StringComparer.Ordinal);
        return c.Tags.All(tags.Contains);
    }

    /// <summary>Merges a command's cluster criterion with a job's; null when scalar fields disagree.</summary>
    public static Criterion? Merge(Criterion a, Criterion b)
    {
        static bool Pick(string? x, string? y, out string? result)
        {
            if (x != null && y != null && !string.Equals(x, y, StringComparison.Ordinal))
            {
                result = null;
                return false;
            }

            result = x ?? y;
            return true;
        }

        if (!Pick(a.Id, b.Id, out var id) || !Pick(a.Name, b.Name, out var name) ||
            !Pick(a.Version, b.Version, out var version) || !Pick(a.Status, b.Status, out var status))
        {
            return null;
        }

        return new Criterion
        {
            Id = id,
            Name = name,
            Version = version,
            Status = status,
            Tags = a.Tags.Concat(b.Tags).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private (Resource Cluster, Resource Command) ResolveG4(IReadOnlyList<IReadOnlyList<string>> clusterCriterias, IReadOnlyList<string> commandCriteria)
    {
        var commandCriterion = Criterion.FromJobTags(commandCriteria);
        var jobCriteria = clusterCriterias.Select(Criterion.FromJobTags).ToList();
        var commands = store.All(ResourceKind.Command).Where(c => Matches(c, commandCriterion, "ACTIVE")).ToList();
        if (commands.Count == 0)
        {
            throw new ResolutionException("No command matching command criterion found");
        }

        var clusters = store.All(ResourceKind.Cluster);
        var candidates = new Dictionary<string, List<Resource>>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            foreach (var cmdCriterion in command.ClusterCriteria)
            {
                List<Resource>? hits = null;
                foreach (var jobCriterion in jobCriteria)
                {
                    var merged = Merge(cmdCriterion, jobCriterion);
                    if (merged == null)
                    {
                        continue;
                    }

                    var matched = clusters.Where(c => Matches(c, merged, "UP")).ToList();
                    if (matched.Count > 0)
                    {
                        hits = matched;
                        break;
                    }
                }

                if (hits != null)
                {
                    candidates[command.Id] = hits;
                    break;
                }
            }
        }

        if (candidates.Count == 0)
        {
            throw new ResolutionException("No clusters available to run any candidate command on");
        }

        var survivors = commands.Where(c => candidates.ContainsKey(c.Id)).ToList();
        var chosenCommand = selector.Pick(survivors, c => c.Id);
        var chosenCluster = selector.Pick(candidates[chosenCommand.Id], c => c.Id);
        return (chosenCluster, chosenCommand);
    }

    private (Resource Cluster, Resource Command) ResolveG3(IReadOnlyList<IReadOnlyList<string>> clusterCriterias, IReadOnlyList<string> commandCriteria)
    {
        var commandCriterion = new Criterion { Tags = commandCriteria.ToList(), Status = "ACTIVE" };
        var clusters = store.All(ResourceKind.Cluster);
        Resource? FirstCommand(Resource cluster)
        {
            foreach (var id in cluster.CommandIds)
            {
                var command = store.Get(ResourceKind.Command, id);
                if (command != null && Matches(command, commandCriterion, null))
                {
                    return command;
                }
            }

            return null;
        }

        foreach (var criteria in clusterCriterias)
        {
            var c = new Criterion { Tags = criteria.ToList(), Status = "UP" };
            var matched = clusters.Where(x => Matches(x, c, null) && FirstCommand(x) != null).ToList();
            if (matched.Count > 0)
            {
                var cluster = selector.Pick(matched, x => x.Id);
                return (cluster, FirstCommand(cluster)!);
            }
        }

        throw new ResolutionException(StatusMessages.ResolutionFailedG3);
    }
}
