using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// The parameters of New-/Set-GenieCluster, -Command and -Application that map to resource fields, applied to a
    /// wire DTO from the bound parameters (so Set-* changes exactly what was given). Parameter names are the same on
    /// every cmdlet that has them.
    /// </summary>
    internal static class ResourceFields
    {
        public static readonly string[] Names =
        {
            "Name", "Version", "User", "Status", "Tag", "Description", "SetupFile", "Configs", "Dependencies",
            "Executable", "ExecutableAndArguments", "ClusterCriteria", "Memory", "CheckDelay", "Type",
        };

        /// <summary>The field parameters present in <paramref name="bound"/>, in a stable order.</summary>
        public static List<string> Given(IDictionary bound) => Names.Where(bound.Contains).ToList();

        /// <summary>Writes every bound field parameter into <paramref name="dto"/>; blank strings clear a field.</summary>
        public static void Apply(ExecutionEnvironmentDto dto, IDictionary bound)
        {
            foreach (var name in Given(bound))
            {
                var value = bound[name] is PSObject pso ? pso.BaseObject : bound[name];
                switch (name)
                {
                    case "Name": dto.Name = Text(value); break;
                    case "Version": dto.Version = Text(value); break;
                    case "User": dto.User = Text(value); break;
                    case "Status": SetStatus(dto, Text(value)?.ToUpperInvariant()); break;
                    case "Tag": dto.Tags = Strings(value).Where(t => !GenieResource.IsSynthesizedTag(t)).ToList(); break;
                    case "Description": dto.Description = Text(value); break;
                    case "SetupFile": dto.SetupFile = Text(value); break;
                    case "Configs": dto.Configs = Strings(value); break;
                    case "Dependencies": dto.Dependencies = Strings(value); break;
                    case "Executable":
                        if (dto is CommandDto exe)
                        {
                            exe.Executable = Text(value);
                            // Genie 4 prefers the list form when both are sent: drop it so the new line wins (Genie splits it).
                            if (!bound.Contains("ExecutableAndArguments")) exe.ExecutableAndArguments = null;
                        }
                        break;
                    case "ExecutableAndArguments":
                        if (dto is CommandDto args)
                        {
                            args.ExecutableAndArguments = Strings(value, asSet: false);
                            if (!bound.Contains("Executable")) args.Executable = string.Join(" ", args.ExecutableAndArguments);
                        }
                        break;
                    case "ClusterCriteria":
                        if (dto is CommandDto withCriteria) withCriteria.ClusterCriteria = Criteria(value).Select(c => c.ToDto()).ToList();
                        break;
                    case "Memory":
                        if (dto is CommandDto withMemory) withMemory.Memory = value == null ? (int?)null : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case "CheckDelay":
                        if (dto is CommandDto withDelay) withDelay.CheckDelay = value == null ? (long?)null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case "Type":
                        if (dto is ApplicationDto app) app.Type = Text(value);
                        break;
                }
            }
        }

        /// <summary>Prepares a fetched DTO to be sent back with PUT: no links, no synthesized tags.</summary>
        public static void ForUpdate(ExecutionEnvironmentDto dto)
        {
            dto.Links = null;
            dto.Tags = (dto.Tags ?? new List<string>()).Where(t => !string.IsNullOrWhiteSpace(t) && !GenieResource.IsSynthesizedTag(t)).Distinct(StringComparer.Ordinal).ToList();
            var extra = dto switch
            {
                ClusterDto c => c.Extra,
                CommandDto c => c.Extra,
                ApplicationDto a => a.Extra,
                _ => null,
            };
            extra?.Remove("links");
            extra?.Remove("_links");
        }

        private static void SetStatus(ExecutionEnvironmentDto dto, string? status)
        {
            switch (dto)
            {
                case ClusterDto c: c.Status = status; break;
                case CommandDto c: c.Status = status; break;
                case ApplicationDto a: a.Status = status; break;
            }
        }

        private static string? Text(object? value)
        {
            var s = value?.ToString();
            return string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
        }

        internal static List<string> Strings(object? value, bool asSet = true)
        {
            IEnumerable<object?> items = value switch
            {
                null => Enumerable.Empty<object?>(),
                string s => new object?[] { s },
                IEnumerable e => e.Cast<object?>(),
                _ => new[] { value },
            };
            var list = items.Select(i => (i is PSObject p ? p.BaseObject : i)?.ToString())
                .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => asSet ? s!.Trim() : s!);
            return asSet ? list.Distinct(StringComparer.Ordinal).ToList() : list.ToList();
        }

        private static IEnumerable<GenieCriterion> Criteria(object? value) => value switch
        {
            null => Enumerable.Empty<GenieCriterion>(),
            GenieCriterion c => new[] { c },
            IEnumerable e => e.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).OfType<GenieCriterion>(),
            _ => Enumerable.Empty<GenieCriterion>(),
        };
    }
}
