using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Spark;

namespace Sheriff.Core.Config
{
    /// <summary>A named Genie connection in the config file.</summary>
    public sealed class GenieProfile
    {
        public GenieProfile(string name, Uri uri, TimeSpan? requestTimeout, SparkDefaults? sparkDefaults = null, string? sqlEngine = null)
        {
            Name = name;
            Uri = uri;
            RequestTimeout = requestTimeout;
            SparkDefaults = sparkDefaults;
            SqlEngine = sqlEngine;
        }

        public string Name { get; }
        public Uri Uri { get; }
        public TimeSpan? RequestTimeout { get; }
        /// <summary>The profile's <c>sparkDefaults</c> (above the team's, below a spec file); null when absent.</summary>
        public SparkDefaults? SparkDefaults { get; }
        /// <summary>The profile's <c>sqlEngine</c> ("spark" or "duckdb", lower case); null when absent (then "spark").</summary>
        public string? SqlEngine { get; }
        /// <summary>Retries, timeouts, TLS and auth of the profile (docs/reliability.md); never null.</summary>
        public Genie.Transport.ProfileTransportSettings Transport { get; internal set; } = new Genie.Transport.ProfileTransportSettings();
    }

    /// <summary>The config file is unreadable or not the documented shape; names the file, the place and the field.</summary>
    public sealed class SheriffConfigException : Exception
    {
        public SheriffConfigException(string path, string message, Exception? inner = null) : base($"{path}: {message}", inner) => Path = path;
        public string Path { get; }
    }

    /// <summary>
    /// Sheriff's config file: <c>$env:SHERIFF_CONFIG</c>, else <c>sheriff/config.json</c> in the user's config folder
    /// (<c>$XDG_CONFIG_HOME</c> or <c>~/.config</c> on Linux and macOS, <c>%APPDATA%</c> on Windows).
    /// <code>
    /// { "defaultProfile": "prod",
    ///   "sparkDefaults": { "executorMemory": "8g", "clusterTags": ["sched:adhoc"] },
    ///   "profiles": { "prod": { "uri": "https://genie.example.com", "requestTimeoutSec": 100,
    ///                           "sparkDefaults": { "queue": "prod" } } } }
    /// </code>
    /// Unknown top-level sections are kept for other features; within a profile and within <c>sparkDefaults</c>,
    /// unknown keys are errors. <c>sparkDefaults</c> is described in docs/job-spec.md.
    /// </summary>
    public sealed class SheriffConfig
    {
        public const string PathVariable = "SHERIFF_CONFIG";
        private static readonly HashSet<string> ProfileKeys = new HashSet<string>(StringComparer.Ordinal) { "uri", "requestTimeoutSec", "sparkDefaults", "sqlEngine",
            "requestTimeoutSeconds", "retry", "maxConsecutiveFailures", "skipCertificateCheck", "trustedCertificateThumbprint", "auth" };

        private SheriffConfig(string? path, string? defaultProfile, IReadOnlyDictionary<string, GenieProfile> profiles, JObject raw, SparkDefaults? teamSparkDefaults)
        {
            Path = path;
            DefaultProfile = defaultProfile;
            Profiles = profiles;
            Raw = raw;
            TeamSparkDefaults = teamSparkDefaults;
        }

        /// <summary>The file this came from; null when there is none.</summary>
        public string? Path { get; }
        public string? DefaultProfile { get; }
        public IReadOnlyDictionary<string, GenieProfile> Profiles { get; }
        /// <summary>The whole document, for sections other features read.</summary>
        public JObject Raw { get; }
        /// <summary>The top-level <c>sparkDefaults</c> (team defaults for Submit-SparkJob); null when absent.</summary>
        public SparkDefaults? TeamSparkDefaults { get; }

        public static string DefaultPath()
        {
            var fromEnv = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv!;
            var folder = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            if (string.IsNullOrEmpty(folder))
                folder = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return System.IO.Path.Combine(folder, "sheriff", "config.json");
        }

        /// <summary>Loads the config at <paramref name="path"/> (default: <see cref="DefaultPath"/>); an absent default file is an empty config.</summary>
        public static SheriffConfig Load(string? path = null)
        {
            var explicitPath = path != null || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PathVariable));
            path ??= DefaultPath();
            if (!File.Exists(path))
            {
                if (explicitPath) throw new SheriffConfigException(path, "the config file does not exist.");
                return new SheriffConfig(null, null, new Dictionary<string, GenieProfile>(), new JObject(), null);
            }
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new SheriffConfigException(path, "cannot be read: " + ex.Message, ex);
            }
            return Parse(text, path);
        }

        public static SheriffConfig Parse(string json, string path)
        {
            JObject root;
            try
            {
                using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
                var token = JToken.ReadFrom(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
                root = token as JObject ?? throw new SheriffConfigException(path, "the top level must be a JSON object.");
            }
            catch (JsonReaderException ex)
            {
                throw new SheriffConfigException(path, $"not valid JSON at line {ex.LineNumber}, column {ex.LinePosition}: {ex.Message}", ex);
            }

            string? defaultProfile = null;
            if (root.TryGetValue("defaultProfile", out var dp) && dp.Type != JTokenType.Null)
            {
                if (dp.Type != JTokenType.String) throw Error(path, dp, "'defaultProfile' must be a string.");
                defaultProfile = (string?)dp;
            }

            JsonSourceText? source = null;
            SparkDefaults? ReadSparkDefaults(JToken section, string where)
            {
                if (section.Type == JTokenType.Null) return null;
                source ??= new JsonSourceText(json);
                try { return SparkJobSpecReader.ReadDefaults(section, source, path); }
                catch (SparkJobSpecException ex)
                {
                    throw new SheriffConfigException(path, $"line {ex.Line}, column {ex.Column}: {where}: {ex.Detail}", ex);
                }
            }

            var teamSparkDefaults = root.TryGetValue("sparkDefaults", out var sd) ? ReadSparkDefaults(sd, "'sparkDefaults'") : null;

            var profiles = new Dictionary<string, GenieProfile>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetValue("profiles", out var ps) && ps.Type != JTokenType.Null)
            {
                if (ps is not JObject profilesObject) throw Error(path, ps, "'profiles' must be an object of named profiles.");
                foreach (var property in profilesObject.Properties())
                {
                    if (property.Value is not JObject p) throw Error(path, property.Value, $"profile '{property.Name}' must be an object.");
                    var unknown = p.Properties().FirstOrDefault(x => !ProfileKeys.Contains(x.Name));
                    if (unknown != null) throw Error(path, unknown, $"profile '{property.Name}' has an unknown key '{unknown.Name}' (known: {string.Join(", ", ProfileKeys)}).");
                    var uriToken = p["uri"];
                    if (uriToken == null || uriToken.Type != JTokenType.String) throw Error(path, (JToken?)uriToken ?? p, $"profile '{property.Name}' needs a 'uri' string.");
                    if (!Uri.TryCreate((string?)uriToken, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                        throw Error(path, uriToken, $"profile '{property.Name}': 'uri' must be an absolute http(s) URI, not '{(string?)uriToken}'.");
                    TimeSpan? timeout = null;
                    var t = p["requestTimeoutSec"];
                    if (t != null && t.Type != JTokenType.Null)
                    {
                        if ((t.Type != JTokenType.Integer && t.Type != JTokenType.Float) || (double)t <= 0)
                            throw Error(path, t, $"profile '{property.Name}': 'requestTimeoutSec' must be a positive number.");
                        timeout = TimeSpan.FromSeconds((double)t);
                    }
                    var profileSparkDefaults = p.TryGetValue("sparkDefaults", out var psd) ? ReadSparkDefaults(psd, $"profile '{property.Name}' 'sparkDefaults'") : null;
                    string? sqlEngine = null;
                    var se = p["sqlEngine"];
                    if (se != null && se.Type != JTokenType.Null)
                    {
                        var engineText = se.Type == JTokenType.String ? (se.Value<string>() ?? "").ToLowerInvariant() : null;
                        if (engineText != "spark" && engineText != "duckdb")
                            throw Error(path, se!, $"profile '{property.Name}': 'sqlEngine' must be \"spark\" or \"duckdb\".");
                        sqlEngine = engineText;
                    }
                    var transport = Genie.Transport.ProfileTransportSettings.Read(p, property.Name, (token, message) => Error(path, token, message));
                    profiles[property.Name] = new GenieProfile(property.Name, uri, timeout ?? transport.RequestTimeout, profileSparkDefaults, sqlEngine) { Transport = transport };
                }
            }
            if (defaultProfile != null && !profiles.ContainsKey(defaultProfile))
                throw Error(path, root["defaultProfile"]!, $"'defaultProfile' names '{defaultProfile}', which is not among the profiles ({string.Join(", ", profiles.Keys)}).");
            return new SheriffConfig(path, defaultProfile, profiles, root, teamSparkDefaults);
        }

        private static SheriffConfigException Error(string path, JToken token, string message)
        {
            var info = (IJsonLineInfo)token;
            var where = info.HasLineInfo() ? $"line {info.LineNumber}, column {info.LinePosition}: " : "";
            return new SheriffConfigException(path, where + message);
        }
    }
}
