using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace Sheriff.Core.Genie.Admin
{
    /// <summary>Which Genie server generation's resolution algorithm to imitate (genie-api.md §9.2 and §9.3).</summary>
    public enum GenieGeneration
    {
        Genie3 = 3,
        Genie4 = 4,
    }

    /// <summary>The registered resources a resolution works on: every cluster and command (and, for Genie 3, each cluster's ordered command list).</summary>
    public sealed class ResolutionInventory
    {
        public ResolutionInventory(IEnumerable<ClusterDto> clusters, IEnumerable<CommandDto> commands,
            IReadOnlyDictionary<string, IReadOnlyList<string>>? clusterCommandIds = null, Uri? serverUri = null)
        {
            Clusters = Distinct(clusters ?? throw new ArgumentNullException(nameof(clusters)), c => c.Id);
            Commands = Distinct(commands ?? throw new ArgumentNullException(nameof(commands)), c => c.Id);
            ClusterCommandIds = clusterCommandIds ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            ServerUri = serverUri;
        }

        public IReadOnlyList<ClusterDto> Clusters { get; }
        public IReadOnlyList<CommandDto> Commands { get; }
        /// <summary>Genie 3 only: cluster id → ids of its commands in priority order.</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> ClusterCommandIds { get; }
        public Uri? ServerUri { get; }

        // Paged searches can repeat an item when resources change between pages: keep the first of each id.
        private static IReadOnlyList<T> Distinct<T>(IEnumerable<T> items, Func<T, string?> id)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return items.Where(i => i != null && seen.Add(id(i) ?? "")).ToList();
        }
    }

    /// <summary>One command that could run the job, with the clusters it would run on.</summary>
    public sealed class ResolutionCandidate
    {
        internal ResolutionCandidate(GenieCommand command, IReadOnlyList<GenieCluster> clusters, GenieCriterion criterion, int commandCriterionIndex, int jobCriterionIndex)
        {
            Command = command;
            Clusters = clusters;
            Criterion = criterion;
            CommandCriterionIndex = commandCriterionIndex;
            JobCriterionIndex = jobCriterionIndex;
        }

        public GenieCommand Command { get; }
        /// <summary>The clusters this command would run on, by id (ordinal).</summary>
        public IReadOnlyList<GenieCluster> Clusters { get; }
        /// <summary>The criterion that matched: Genie 4, the command's criterion merged with the job's tag set; Genie 3, the job's tag set.</summary>
        public GenieCriterion Criterion { get; }
        /// <summary>0-based index of the command's cluster criterion that matched (Genie 4); -1 for Genie 3.</summary>
        public int CommandCriterionIndex { get; }
        /// <summary>0-based index of the job's cluster tag set that matched.</summary>
        public int JobCriterionIndex { get; }

        public override string ToString()
            => $"{Command.Id} on {string.Join(", ", Clusters.Select(c => c.Id))} ({Criterion})";
    }

    /// <summary>
    /// What Genie would do with a job's criteria, worked out client-side from the registered resources (Resolve-GenieJob).
    /// <see cref="Command"/> and <see cref="Cluster"/> are the deterministic pick (lowest id, ordinal: GenieLocal's default
    /// selector); a real Genie picks at random when <see cref="IsAmbiguous"/> (see <see cref="Selection"/>).
    /// </summary>
    public sealed class GenieResolution
    {
        public int Generation { get; internal set; }
        /// <summary>The job's cluster tag sets in order, each as comma-separated tags.</summary>
        public IReadOnlyList<string> ClusterCriterias { get; internal set; } = Array.Empty<string>();
        public IReadOnlyList<string> CommandCriteria { get; internal set; } = Array.Empty<string>();
        /// <summary>The command picked (deterministically); null when nothing matches.</summary>
        public GenieCommand? Command { get; internal set; }
        /// <summary>The cluster picked (deterministically); null when nothing matches.</summary>
        public GenieCluster? Cluster { get; internal set; }
        /// <summary>Genie 4: the picked command's clusters. Genie 3: every cluster the selector chooses from.</summary>
        public IReadOnlyList<GenieCluster> Clusters { get; internal set; } = Array.Empty<GenieCluster>();
        /// <summary>Every command that could run the job, with its clusters, by command id.</summary>
        public IReadOnlyList<ResolutionCandidate> Candidates { get; internal set; } = Array.Empty<ResolutionCandidate>();
        /// <summary>True when more than one command or cluster qualifies, so a real Genie's pick is random.</summary>
        public bool IsAmbiguous { get; internal set; }
        /// <summary>How the pick is made, in words.</summary>
        public string? Selection { get; internal set; }
        /// <summary>Why nothing matches (Genie's own message, then the details); null when something does.</summary>
        public string? Reason { get; internal set; }
        /// <summary>Resources that nearly matched and why they did not (wrong status, no cluster criteria, …).</summary>
        public IReadOnlyList<string> Notes { get; internal set; } = Array.Empty<string>();
        public bool Matched => Command != null && Cluster != null;

        public override string ToString()
            => Matched
                ? $"command {Command!.Id} on cluster {Cluster!.Id}{(IsAmbiguous ? $" (deterministic pick among {Candidates.Count} command(s), {Clusters.Count} cluster(s))" : "")}"
                : "no match: " + Reason;
    }

    /// <summary>
    /// Client-side job resolution (genie-api.md §9): which command and clusters a job with the given criteria would get
    /// from the registered resources. Pure logic over the wire DTOs; <see cref="Load"/> fetches them.
    /// </summary>
    public static class JobResolution
    {
        public const string ClusterUp = "UP";
        public const string CommandActive = "ACTIVE";
        public const string NoCommandMessage = "No command matching command criterion found";
        public const string NoClusterMessage = "No clusters available to run any candidate command on";
        public const string NoMatchG3Message = "No cluster/command combination found for the given criteria. Unable to continue";

        /// <summary>
        /// Fetches every cluster and command (paged searches; blocking, so call it on the pipeline thread), and for Genie 3
        /// each cluster's ordered command list.
        /// </summary>
        public static ResolutionInventory Load(GenieAdminClient admin, GenieGeneration generation, CancellationToken ct)
        {
            if (admin == null) throw new ArgumentNullException(nameof(admin));
            var clusters = admin.SearchClusters(new ResourceSearchQuery { Size = 500 }, ct).ToList();
            var commands = admin.SearchCommands(new ResourceSearchQuery { Size = 500 }, ct).ToList();
            Dictionary<string, IReadOnlyList<string>>? links = null;
            if (generation == GenieGeneration.Genie3)
            {
                links = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var cluster in clusters.Where(c => c.Id != null))
                    links[cluster.Id!] = admin.GetClusterCommandsAsync(cluster.Id!, ct).GetAwaiter().GetResult()
                        .Where(c => c.Id != null).Select(c => c.Id!).ToList();
            }
            return new ResolutionInventory(clusters, commands, links, admin.Client.BaseUri);
        }

        /// <summary>
        /// Resolves a job's criteria. <paramref name="clusterCriterias"/>: the job's cluster tag sets in order (≥1, each with
        /// ≥1 non-blank tag); <paramref name="commandCriteria"/>: the command tags (≥1 non-blank). genie.id:/genie.name: tags
        /// pin a resource by id or name.
        /// </summary>
        /// <exception cref="ArgumentException">The criteria are empty or blank (Genie would answer 412).</exception>
        public static GenieResolution Resolve(ResolutionInventory inventory, IEnumerable<IEnumerable<string>> clusterCriterias,
            IEnumerable<string> commandCriteria, GenieGeneration generation = GenieGeneration.Genie4)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            var jobSets = (clusterCriterias ?? throw new ArgumentNullException(nameof(clusterCriterias)))
                .Select(set => Clean(set)).ToList();
            if (jobSets.Count == 0) throw new ArgumentException("A job needs at least one set of cluster tags.", nameof(clusterCriterias));
            if (jobSets.Any(s => s.Count == 0)) throw new ArgumentException("A set of cluster tags is empty.", nameof(clusterCriterias));
            var commandTags = Clean(commandCriteria ?? throw new ArgumentNullException(nameof(commandCriteria)));
            if (commandTags.Count == 0) throw new ArgumentException("A job needs at least one command tag.", nameof(commandCriteria));

            var result = new GenieResolution
            {
                Generation = (int)generation,
                ClusterCriterias = jobSets.Select(s => string.Join(",", s)).ToArray(),
                CommandCriteria = commandTags.ToArray(),
            };
            if (generation == GenieGeneration.Genie3) ResolveG3(inventory, jobSets, commandTags, result);
            else ResolveG4(inventory, jobSets, commandTags, result);
            return result;
        }

        // ---- Genie 4 (§9.3) ----

        private static void ResolveG4(ResolutionInventory inv, List<List<string>> jobSets, List<string> commandTags, GenieResolution result)
        {
            var notes = new List<string>();
            var commandCriterion = FromJobTags(commandTags);
            var jobCriteria = jobSets.Select(FromJobTags).ToList();
            var tagged = inv.Commands.Where(c => Matches(c, c.Status, commandCriterion, null)).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            var active = tagged.Where(c => IsStatus(c.Status, CommandActive)).ToList();
            foreach (var c in tagged.Where(c => !IsStatus(c.Status, CommandActive)))
                notes.Add($"Command {Describe(c)} carries the command tags but is {c.Status ?? "without a status"}: only ACTIVE commands are selected.");

            var candidates = new List<ResolutionCandidate>();
            foreach (var command in active)
            {
                var criteria = command.ClusterCriteria ?? new List<CriterionDto>();
                if (criteria.Count == 0)
                {
                    notes.Add($"Command {Describe(command)} has no cluster criteria: Genie 4 never selects it.");
                    continue;
                }
                ResolutionCandidate? found = null;
                for (var ci = 0; ci < criteria.Count && found == null; ci++)
                {
                    for (var ji = 0; ji < jobCriteria.Count; ji++)
                    {
                        var merged = Merge(criteria[ci], jobCriteria[ji]);
                        if (merged == null) continue;
                        var clusters = inv.Clusters.Where(cl => Matches(cl, cl.Status, merged, ClusterUp)).ToList();
                        if (clusters.Count == 0) continue;
                        found = new ResolutionCandidate(GenieCommand.FromDto(command, inv.ServerUri), Clusters(clusters, inv.ServerUri),
                            GenieCriterion.FromDto(merged), ci, ji);
                        break;
                    }
                }
                if (found != null)
                {
                    candidates.Add(found);
                    continue;
                }
                notes.Add($"Command {Describe(command)}: no UP cluster matches any of its cluster criteria [{string.Join("] then [", criteria.Select(c => GenieCriterion.FromDto(c).ToString()))}] combined with the job's cluster tags.");
                foreach (var cmdCriterion in criteria)
                    foreach (var jobCriterion in jobCriteria)
                    {
                        var merged = Merge(cmdCriterion, jobCriterion);
                        if (merged == null || merged.Status != null) continue;
                        foreach (var cl in inv.Clusters.Where(cl => !IsStatus(cl.Status, ClusterUp) && Matches(cl, cl.Status, merged, null)))
                        {
                            var note = $"Cluster {Describe(cl)} matches [{GenieCriterion.FromDto(merged)}] but is {cl.Status ?? "without a status"}: only UP clusters are selected.";
                            if (!notes.Contains(note)) notes.Add(note);
                        }
                    }
            }

            result.Notes = notes;
            result.Candidates = candidates;
            if (active.Count == 0)
            {
                result.Reason = $"{NoCommandMessage}: no ACTIVE command carries all of [{string.Join(", ", commandTags)}].";
                return;
            }
            if (candidates.Count == 0)
            {
                result.Reason = $"{NoClusterMessage}: {active.Count} ACTIVE command(s) carry [{string.Join(", ", commandTags)}] ({string.Join(", ", active.Select(c => c.Id))}), " +
                    $"but no UP cluster matches their cluster criteria combined with the job's cluster tags [{string.Join("] then [", jobSets.Select(s => string.Join(",", s)))}].";
                return;
            }
            var chosen = candidates[0]; // ordered by command id
            result.Command = chosen.Command;
            result.Clusters = chosen.Clusters;
            result.Cluster = chosen.Clusters[0];
            result.IsAmbiguous = candidates.Count > 1 || chosen.Clusters.Count > 1;
            result.Selection = candidates.Count == 1 && chosen.Clusters.Count == 1
                ? "Only one command and one cluster qualify: any Genie picks these."
                : $"Genie's default selectors pick at random among {candidates.Count} command(s), then among that command's cluster(s) " +
                  $"({chosen.Clusters.Count} for {chosen.Command.Id}); shown is the deterministic pick (lowest id), as GenieLocal's default selector makes.";
        }

        // ---- Genie 3 (§9.2) ----

        private static void ResolveG3(ResolutionInventory inv, List<List<string>> jobSets, List<string> commandTags, GenieResolution result)
        {
            var notes = new List<string>();
            var commandsById = new Dictionary<string, CommandDto>(StringComparer.Ordinal);
            foreach (var c in inv.Commands.Where(c => c.Id != null)) commandsById[c.Id!] = c;
            var commandCriterion = new CriterionDto { Tags = commandTags };

            CommandDto? FirstCommand(ClusterDto cluster)
            {
                if (cluster.Id == null || !inv.ClusterCommandIds.TryGetValue(cluster.Id, out var ids)) return null;
                foreach (var id in ids)
                    if (commandsById.TryGetValue(id, out var command) && Matches(command, command.Status, commandCriterion, CommandActive))
                        return command;
                return null;
            }

            for (var i = 0; i < jobSets.Count; i++)
            {
                var criterion = new CriterionDto { Tags = jobSets[i] };
                var tagged = inv.Clusters.Where(c => Matches(c, c.Status, criterion, null)).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
                var matched = new List<(ClusterDto Cluster, CommandDto Command)>();
                foreach (var cluster in tagged)
                {
                    if (!IsStatus(cluster.Status, ClusterUp))
                    {
                        notes.Add($"Cluster {Describe(cluster)} matches [{string.Join(",", jobSets[i])}] but is {cluster.Status ?? "without a status"}: only UP clusters are selected.");
                        continue;
                    }
                    var command = FirstCommand(cluster);
                    if (command == null)
                        notes.Add($"Cluster {Describe(cluster)} matches [{string.Join(",", jobSets[i])}] but none of its commands is ACTIVE and carries [{string.Join(", ", commandTags)}].");
                    else
                        matched.Add((cluster, command));
                }
                if (matched.Count == 0) continue;

                var jobCriterion = GenieCriterion.FromDto(criterion);
                var candidates = matched.GroupBy(m => m.Command.Id ?? "", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ResolutionCandidate(GenieCommand.FromDto(g.First().Command, inv.ServerUri),
                        Clusters(g.Select(m => m.Cluster), inv.ServerUri), jobCriterion, -1, i))
                    .ToList();
                var pool = Clusters(matched.Select(m => m.Cluster), inv.ServerUri);
                var picked = matched[0]; // tagged is ordered by id
                result.Candidates = candidates;
                result.Clusters = pool;
                result.Cluster = pool[0];
                result.Command = candidates.First(c => string.Equals(c.Command.Id, picked.Command.Id, StringComparison.Ordinal)).Command;
                result.IsAmbiguous = pool.Count > 1;
                result.Selection = pool.Count == 1
                    ? "Only one cluster qualifies; the command is the first matching one in its command list."
                    : $"Genie 3's default selector picks one of {pool.Count} clusters at random, and the command is the first matching one in that cluster's " +
                      "command list; shown is the deterministic pick (lowest id), as GenieLocal's default selector makes.";
                result.Notes = notes;
                return;
            }
            result.Notes = notes;
            result.Reason = $"{NoMatchG3Message}: no UP cluster matching [{string.Join("] then [", jobSets.Select(s => string.Join(",", s)))}] " +
                $"lists an ACTIVE command carrying [{string.Join(", ", commandTags)}].";
        }

        // ---- building blocks (shared with Get-GenieCommand -Cluster) ----

        /// <summary>
        /// The commands with at least one cluster criterion that <paramref name="cluster"/> matches (no implicit status,
        /// like GET /commands/{id}/clusters in Genie 4), ordered by id.
        /// </summary>
        public static IReadOnlyList<CommandDto> CommandsTargeting(IEnumerable<CommandDto> commands, ClusterDto cluster)
        {
            if (commands == null) throw new ArgumentNullException(nameof(commands));
            if (cluster == null) throw new ArgumentNullException(nameof(cluster));
            return commands.Where(c => (c.ClusterCriteria ?? new List<CriterionDto>()).Any(cr => Matches(cluster, cluster.Status, cr, null)))
                .OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// True when the resource satisfies every present field of the criterion: id, name and version equal, status equal
        /// (case-insensitive; <paramref name="defaultStatus"/> when the criterion has none), and every tag carried — the
        /// synthesized genie.id:/genie.name: tags count as carried.
        /// </summary>
        public static bool Matches(GenieResourceDto resource, string? status, CriterionDto criterion, string? defaultStatus)
        {
            if (resource == null) throw new ArgumentNullException(nameof(resource));
            if (criterion == null) throw new ArgumentNullException(nameof(criterion));
            if (criterion.Id != null && !string.Equals(resource.Id, criterion.Id, StringComparison.Ordinal)) return false;
            if (criterion.Name != null && !string.Equals(resource.Name, criterion.Name, StringComparison.Ordinal)) return false;
            if (criterion.Version != null && !string.Equals(resource.Version, criterion.Version, StringComparison.Ordinal)) return false;
            var wanted = criterion.Status ?? defaultStatus;
            if (wanted != null && !IsStatus(status, wanted)) return false;
            var tags = criterion.Tags ?? new List<string>();
            if (tags.Count == 0) return true;
            var carried = new HashSet<string>(resource.Tags ?? new List<string>(), StringComparer.Ordinal);
            if (resource.Id != null) carried.Add(GenieResource.IdTagPrefix + resource.Id);
            if (resource.Name != null) carried.Add(GenieResource.NameTagPrefix + resource.Name);
            return tags.All(carried.Contains);
        }

        /// <summary>Merges a command's cluster criterion with one of the job's: union of tags; null when a scalar field disagrees.</summary>
        public static CriterionDto? Merge(CriterionDto commandCriterion, CriterionDto jobCriterion)
        {
            if (commandCriterion == null) throw new ArgumentNullException(nameof(commandCriterion));
            if (jobCriterion == null) throw new ArgumentNullException(nameof(jobCriterion));
            if (!Agree(commandCriterion.Id, jobCriterion.Id, StringComparison.Ordinal, out var id)
                || !Agree(commandCriterion.Name, jobCriterion.Name, StringComparison.Ordinal, out var name)
                || !Agree(commandCriterion.Version, jobCriterion.Version, StringComparison.Ordinal, out var version)
                || !Agree(commandCriterion.Status, jobCriterion.Status, StringComparison.OrdinalIgnoreCase, out var status))
                return null;
            return new CriterionDto
            {
                Id = id,
                Name = name,
                Version = version,
                Status = status,
                Tags = (commandCriterion.Tags ?? new List<string>()).Concat(jobCriterion.Tags ?? new List<string>()).Distinct(StringComparer.Ordinal).ToList(),
            };
        }

        /// <summary>A job's tag set as a criterion (Genie 4): the first genie.id:X / genie.name:N become the id / name fields.</summary>
        public static CriterionDto FromJobTags(IEnumerable<string> tags)
        {
            var criterion = new CriterionDto();
            foreach (var tag in Clean(tags))
            {
                if (criterion.Id == null && tag.StartsWith(GenieResource.IdTagPrefix, StringComparison.Ordinal))
                    criterion.Id = tag.Substring(GenieResource.IdTagPrefix.Length);
                else if (criterion.Name == null && tag.StartsWith(GenieResource.NameTagPrefix, StringComparison.Ordinal))
                    criterion.Name = tag.Substring(GenieResource.NameTagPrefix.Length);
                else
                    criterion.Tags.Add(tag);
            }
            return criterion;
        }

        private static bool Agree(string? a, string? b, StringComparison comparison, out string? value)
        {
            value = a ?? b;
            return a == null || b == null || string.Equals(a, b, comparison);
        }

        private static bool IsStatus(string? status, string wanted) => string.Equals(status, wanted, StringComparison.OrdinalIgnoreCase);

        private static List<string> Clean(IEnumerable<string>? tags)
            => (tags ?? Enumerable.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();

        private static IReadOnlyList<GenieCluster> Clusters(IEnumerable<ClusterDto> clusters, Uri? serverUri)
            => clusters.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => GenieCluster.FromDto(c, serverUri)).ToList();

        private static string Describe(GenieResourceDto r)
            => string.IsNullOrEmpty(r.Name) || string.Equals(r.Name, r.Id, StringComparison.Ordinal)
                ? $"'{r.Id}'"
                : string.Format(CultureInfo.InvariantCulture, "'{0}' ({1})", r.Id, r.Name);
    }
}
