using System;
using System.Collections.Generic;
using System.Linq;

namespace Sheriff.Core.Genie.Admin
{
    /// <summary>
    /// "Would the new cluster be selected?": for a job whose only cluster criterion is the moved tags, which clusters
    /// would each ACTIVE command run it on, once the tags are moved (genie-api.md §9.3, Genie 4)? For each command, its
    /// cluster criteria are walked in priority order, each merged with the job's criterion (tag union, status UP when
    /// absent); the first merged criterion that matches any cluster gives the command's clusters. The target "would be
    /// selected" when at least one command's clusters include it. The job's command criterion is unknown here, so every
    /// ACTIVE command counts.
    /// </summary>
    public sealed class SwitchSelection
    {
        private SwitchSelection(bool evaluated, IReadOnlyList<string> commandsToTarget, IReadOnlyList<SwitchResource> otherClusters)
        {
            Evaluated = evaluated;
            CommandsToTarget = commandsToTarget;
            OtherClusters = otherClusters;
        }

        /// <summary>False when no ACTIVE command has cluster criteria (a Genie 3 server, or nothing runnable): no verdict.</summary>
        public bool Evaluated { get; }
        /// <summary>Names of the commands that would run such a job on the target.</summary>
        public IReadOnlyList<string> CommandsToTarget { get; }
        /// <summary>Clusters other than the target that such a job could also land on (Genie picks among them).</summary>
        public IReadOnlyList<SwitchResource> OtherClusters { get; }
        public bool WouldSelectTarget => CommandsToTarget.Count > 0;

        /// <summary>
        /// Evaluates against <paramref name="clustersAfter"/>, the clusters carrying the tags as they will be after the
        /// move (the caller adds the target and takes the source out).
        /// </summary>
        public static SwitchSelection Evaluate(IReadOnlyCollection<string> jobTags, IReadOnlyList<SwitchResource> clustersAfter,
            IReadOnlyList<CommandDto> activeCommands, string targetId)
        {
            var withCriteria = activeCommands.Where(c => c.ClusterCriteria.Count > 0).ToList();
            if (withCriteria.Count == 0) return new SwitchSelection(false, Array.Empty<string>(), Array.Empty<SwitchResource>());
            var job = new CriterionDto { Tags = jobTags.ToList() };
            var toTarget = new List<string>();
            var others = new Dictionary<string, SwitchResource>(StringComparer.Ordinal);
            foreach (var command in withCriteria)
            {
                foreach (var criterion in command.ClusterCriteria)
                {
                    var merged = Merge(criterion, job);
                    if (merged == null) continue;
                    var hits = clustersAfter.Where(c => Matches(c, merged)).ToList();
                    if (hits.Count == 0) continue;
                    if (hits.Any(c => c.Id == targetId)) toTarget.Add(command.Name ?? command.Id ?? "?");
                    foreach (var other in hits.Where(c => c.Id != targetId)) others[other.Id] = other;
                    break;
                }
            }
            return new SwitchSelection(true, toTarget.Distinct(StringComparer.Ordinal).ToList(), others.Values.ToList());
        }

        /// <summary>Union of tags; scalar fields must agree (null when they do not).</summary>
        internal static CriterionDto? Merge(CriterionDto a, CriterionDto b)
        {
            static bool Pick(string? x, string? y, out string? value)
            {
                value = string.IsNullOrEmpty(x) ? y : x;
                return string.IsNullOrEmpty(x) || string.IsNullOrEmpty(y) || string.Equals(x, y, StringComparison.Ordinal);
            }
            if (!Pick(a.Id, b.Id, out var id) || !Pick(a.Name, b.Name, out var name) || !Pick(a.Version, b.Version, out var version)
                || !Pick(a.Status, b.Status, out var status))
                return null;
            return new CriterionDto
            {
                Id = id, Name = name, Version = version, Status = status,
                Tags = a.Tags.Concat(b.Tags).Distinct(StringComparer.Ordinal).ToList(),
            };
        }

        /// <summary>Every present field equal (status UP when absent) and every tag carried (genie.id/genie.name included).</summary>
        internal static bool Matches(SwitchResource cluster, CriterionDto criterion)
        {
            if (!string.IsNullOrEmpty(criterion.Id) && cluster.Id != criterion.Id) return false;
            if (!string.IsNullOrEmpty(criterion.Name) && cluster.Name != criterion.Name) return false;
            if (!string.IsNullOrEmpty(criterion.Version) && cluster.Version != criterion.Version) return false;
            var status = string.IsNullOrEmpty(criterion.Status) ? "UP" : criterion.Status!;
            if (!string.Equals(cluster.Status, status, StringComparison.OrdinalIgnoreCase)) return false;
            var tags = new HashSet<string>(cluster.Tags, StringComparer.Ordinal) { "genie.id:" + cluster.Id, "genie.name:" + cluster.Name };
            return criterion.Tags.All(tags.Contains);
        }

        public override string ToString()
        {
            if (!Evaluated) return "not evaluated: no ACTIVE command has cluster criteria (a Genie 3 server?)";
            var text = WouldSelectTarget ? "yes, through command(s) " + string.Join(", ", CommandsToTarget) : "no ACTIVE command would run it there";
            if (OtherClusters.Count > 0) text += "; it could also land on " + string.Join(", ", OtherClusters.Select(c => c.ToString()));
            return text;
        }
    }
}
