using System;
using System.Collections.Generic;
using Sheriff.Core.Config;

namespace Sheriff.Core.Spark
{
    /// <summary>Where a resolved value came from, lowest precedence first.</summary>
    public enum ValueSource { BuiltIn, TeamConfig, ProfileConfig, SpecFile, Parameter }

    /// <summary>A parsed, validated <c>sparkDefaults</c> section of the config file (team level or in a profile).</summary>
    public sealed class SparkDefaults
    {
        internal SparkDefaults(SparkJobSpec spec, string? sparkCommandTag, string? sparkVersionTagFormat)
        {
            Spec = spec;
            SparkCommandTag = sparkCommandTag;
            SparkVersionTagFormat = sparkVersionTagFormat;
        }

        /// <summary>The default values (only the keys allowed as defaults are ever set); sizes normalised.</summary>
        public SparkJobSpec Spec { get; }
        /// <summary>The Genie command tag of spark-submit; null when not given here.</summary>
        public string? SparkCommandTag { get; }
        /// <summary>The format of the Spark version command tag, with {0} for the version; null when not given here.</summary>
        public string? SparkVersionTagFormat { get; }
    }

    /// <summary>The merged job: every value with the layer it came from.</summary>
    public sealed class ResolvedSparkJob
    {
        internal ResolvedSparkJob(SparkJobSpec values, IReadOnlyDictionary<string, ValueSource> sources, string sparkCommandTag, string sparkVersionTagFormat)
        {
            Values = values;
            Sources = sources;
            SparkCommandTag = sparkCommandTag;
            SparkVersionTagFormat = sparkVersionTagFormat;
        }

        /// <summary>The merged result, every default filled; sizes normalised.</summary>
        public SparkJobSpec Values { get; }
        /// <summary>By JSON property name, for every non-null value of <see cref="Values"/>; for conf, keys <c>conf.&lt;key&gt;</c>.</summary>
        public IReadOnlyDictionary<string, ValueSource> Sources { get; }
        /// <summary>The command tag of spark-submit; default <c>type:spark-submit</c>.</summary>
        public string SparkCommandTag { get; }
        /// <summary>The format of the Spark version tag; default <c>ver:{0}</c>.</summary>
        public string SparkVersionTagFormat { get; }
    }

    /// <summary>Merges built-in defaults, config defaults, a spec file and parameters.</summary>
    public static class SparkJobResolver
    {
        public const string DefaultSparkCommandTag = "type:spark-submit";
        public const string DefaultSparkVersionTagFormat = "ver:{0}";

        private static SparkJobSpec BuiltIn() => new SparkJobSpec { ExecutorMemory = "4g", ExecutorCores = 3, DriverMemory = "4g" };

        /// <summary>
        /// built-in &lt; config "sparkDefaults" (team, top level of the config file) &lt; the profile's "sparkDefaults" &lt; spec file &lt; parameters.
        /// Scalars: the highest layer that gives one wins; arrays: replaced wholesale (an empty array clears); conf: merged
        /// per key. The main resource is one unit: a layer that gives 'script' or 'jar' discards 'script', 'jar' and
        /// 'class' of the layers below it (so -Jar overrides a spec's script), while 'class' alone overrides only 'class'.
        /// <paramref name="profileName"/> null: no profile layer (the session was not made from a profile).
        /// </summary>
        /// <exception cref="ArgumentException">The config has no profile <paramref name="profileName"/>.</exception>
        /// <exception cref="SparkJobSpecException">A value of <paramref name="specFile"/> or <paramref name="parameters"/> is invalid
        /// (Field names it; no file or position), or (IsConflict) the result has both script and jar, or class without jar.</exception>
        public static ResolvedSparkJob Resolve(SheriffConfig config, string? profileName, SparkJobSpec? specFile, SparkJobSpec parameters)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            if (parameters == null) throw new ArgumentNullException(nameof(parameters));
            SparkDefaults? profileDefaults = null;
            if (profileName != null)
            {
                if (!config.Profiles.TryGetValue(profileName, out var profile))
                    throw new ArgumentException($"The config file has no profile '{profileName}' (profiles: {string.Join(", ", config.Profiles.Keys)}).", nameof(profileName));
                profileDefaults = profile.SparkDefaults;
            }
            var team = config.TeamSparkDefaults;

            var layers = new List<(ValueSource Source, SparkJobSpec Spec)> { (ValueSource.BuiltIn, BuiltIn()) };
            if (team != null) layers.Add((ValueSource.TeamConfig, team.Spec));
            if (profileDefaults != null) layers.Add((ValueSource.ProfileConfig, profileDefaults.Spec));
            if (specFile != null) layers.Add((ValueSource.SpecFile, SparkJobSpecReader.Normalize(specFile)));
            layers.Add((ValueSource.Parameter, SparkJobSpecReader.Normalize(parameters)));

            var values = new SparkJobSpec();
            var sources = new Dictionary<string, ValueSource>(StringComparer.Ordinal);
            var conf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (source, spec) in layers)
            {
                if (spec.Script != null || spec.Jar != null)
                {
                    values.Script = values.Jar = values.Class = null;
                    sources.Remove("script");
                    sources.Remove("jar");
                    sources.Remove("class");
                }
                foreach (var field in SparkField.All)
                {
                    var value = field.Get(spec);
                    if (value == null) continue;
                    if (value is IDictionary<string, string> layerConf)
                    {
                        foreach (var kv in layerConf)
                        {
                            conf[kv.Key] = kv.Value;
                            sources["conf." + kv.Key] = source;
                        }
                        continue;
                    }
                    field.Set(values, SparkField.Copy(value));
                    sources[field.Name] = source;
                }
            }
            values.Conf = conf.Count > 0 ? conf : null;

            if (values.Script != null && values.Jar != null)
                throw new SparkJobSpecException("'script' and 'jar' are both given: a job runs either a Python script or a JAR.", null, null, null, "jar", isConflict: true);
            if (values.Class != null && values.Jar == null)
                throw new SparkJobSpecException("'class' is given without 'jar': the main class belongs to a JAR job.", null, null, null, "class", isConflict: true);

            var commandTag = profileDefaults?.SparkCommandTag ?? team?.SparkCommandTag ?? DefaultSparkCommandTag;
            var versionFormat = profileDefaults?.SparkVersionTagFormat ?? team?.SparkVersionTagFormat ?? DefaultSparkVersionTagFormat;
            return new ResolvedSparkJob(values, sources, commandTag, versionFormat);
        }
    }
}
