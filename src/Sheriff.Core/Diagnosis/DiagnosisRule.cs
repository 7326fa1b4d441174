using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Diagnosis
{
    /// <summary>The failure categories the built-in rules use (team rules may add others).</summary>
    public static class DiagnosisCategories
    {
        public const string None = "None";
        public const string Unknown = "Unknown";

        public static readonly IReadOnlyList<string> Known = new[]
        {
            "UserCode", "MissingModule", "MissingClass", "DriverOOM", "ExecutorOOM", "ContainerKilledMemory", "DiskFull",
            "ShuffleFetchFailure", "ExecutorLost", "DataSkew", "BroadcastTooLarge", "AnalysisError", "TypeMismatch",
            "SparkVersionMismatch", "S3AccessDenied", "S3SlowDown", "S3PathNotFound", "MetastoreError", "SerializationError",
            "Timeout", "PythonWorkerCrash", "QueueCapacity", "GenieNoMatch", "GenieTimeout", "GenieKilled",
            "GenieSetupFailure", "Unknown",
        };
    }

    /// <summary>
    /// One failure signature: regular expressions over log lines, and what to say when one matches. Title, cause and
    /// recommendation may use <c>{group}</c> placeholders filled from the pattern's named groups.
    /// </summary>
    public sealed class DiagnosisRule
    {
        /// <summary>How long one pattern may run on one line before the match is abandoned.</summary>
        public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

        private static readonly Regex Placeholder = new Regex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);

        internal DiagnosisRule(string id, string category, IReadOnlyList<Regex> patterns, IReadOnlyList<Regex> context,
            string titleTemplate, string cause, string recommendation, int priority, string? source)
        {
            Id = id;
            Category = category;
            Patterns = patterns;
            Context = context;
            TitleTemplate = titleTemplate;
            Cause = cause;
            Recommendation = recommendation;
            Priority = priority;
            Source = source;
        }

        public string Id { get; }
        public string Category { get; }
        /// <summary>Any one of these matching a line is a hit.</summary>
        public IReadOnlyList<Regex> Patterns { get; }
        /// <summary>When not empty, a hit also needs one of these to match the line or the log record the line belongs to.</summary>
        public IReadOnlyList<Regex> Context { get; }
        public string TitleTemplate { get; }
        public string Cause { get; }
        public string Recommendation { get; }
        /// <summary>Specificity: when several rules match, the highest priority wins, then the earliest line.</summary>
        public int Priority { get; }
        /// <summary>The file the rule came from (null: built in).</summary>
        public string? Source { get; }

        /// <summary>Replaces <c>{name}</c> with the named group's value (trimmed, at most 300 characters).</summary>
        public static string Render(string template, Match? match)
        {
            if (string.IsNullOrEmpty(template)) return "";
            var text = Placeholder.Replace(template, m =>
            {
                var g = match?.Groups[m.Groups["name"].Value];
                if (g == null || !g.Success) return "";
                var value = g.Value.Trim();
                return value.Length > 300 ? value.Substring(0, 297) + "..." : value;
            });
            // Placeholders of groups that did not take part leave gaps: close them up.
            while (text.Contains("  ")) text = text.Replace("  ", " ");
            return text.Replace(" :", ":").Replace(" .", ".").TrimEnd(' ', ':', '-', ',');
        }

        internal static IEnumerable<string> PlaceholderNames(string template)
            => Placeholder.Matches(template ?? "").Cast<Match>().Select(m => m.Groups["name"].Value);

        public override string ToString() => $"{Id} ({Category}, priority {Priority})";
    }

    /// <summary>A rule file that cannot be used: names the file, the rule and the field.</summary>
    public sealed class RuleFileException : Exception
    {
        public RuleFileException(string file, string? ruleId, string? field, string problem, int? line = null, Exception? inner = null)
            : base(Format(file, ruleId, field, problem, line), inner)
        {
            File = file;
            RuleId = ruleId;
            Field = field;
            Line = line;
        }

        public string File { get; }
        public string? RuleId { get; }
        public string? Field { get; }
        public int? Line { get; }

        private static string Format(string file, string? ruleId, string? field, string problem, int? line)
        {
            var where = file;
            if (line.HasValue) where += $" (line {line})";
            if (ruleId != null) where += $", rule '{ruleId}'";
            if (field != null) where += $", field '{field}'";
            return $"Rule file {where}: {problem}";
        }
    }

    /// <summary>
    /// An ordered set of rules: the built-in ones (embedded <c>Diagnosis/rules.json</c>) plus team files that add rules
    /// or override them by id. A team entry with a known id replaces only the fields it gives; <c>"disabled": true</c>
    /// removes the rule.
    /// </summary>
    public sealed class RuleSet
    {
        public const string BuiltInName = "<built-in rules.json>";
        private const string ResourceName = "Sheriff.Core.Diagnosis.rules.json";
        private static readonly string[] KnownFields =
            { "id", "category", "patterns", "context", "titleTemplate", "cause", "recommendation", "priority", "source", "disabled" };

        private static readonly object BuiltInLock = new object();
        private static RuleSet? _builtIn;

        private readonly object _prefilterLock = new object();
        private ScanPrefilter? _prefilter;

        private RuleSet(IReadOnlyList<DiagnosisRule> rules) => Rules = rules;

        public IReadOnlyList<DiagnosisRule> Rules { get; }

        /// <summary>The literal prefilter of these rules and the scan's own patterns (built once, on first use).</summary>
        internal ScanPrefilter Prefilter
        {
            get
            {
                lock (_prefilterLock)
                    return _prefilter ??= ScanPrefilter.Build(Rules, DiagnosisScan.EngineRegexes);
            }
        }

        /// <summary>The rules that ship in Sheriff.Core (parsed once per process).</summary>
        public static RuleSet BuiltIn
        {
            get
            {
                lock (BuiltInLock)
                {
                    if (_builtIn != null) return _builtIn;
                    using (var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(ResourceName)
                                        ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing."))
                    using (var reader = new StreamReader(stream))
                        _builtIn = Build(Merge(new List<JObject>(), Parse(reader.ReadToEnd(), BuiltInName), BuiltInName), BuiltInName);
                    return _builtIn;
                }
            }
        }

        /// <summary>The built-in rules plus each file in order (later files override earlier ones).</summary>
        public static RuleSet Load(IEnumerable<string>? files)
        {
            var list = files?.Where(f => !string.IsNullOrWhiteSpace(f)).ToList() ?? new List<string>();
            if (list.Count == 0) return BuiltIn;
            string builtInJson;
            using (var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(ResourceName)!)
            using (var reader = new StreamReader(stream))
                builtInJson = reader.ReadToEnd();
            var merged = Merge(new List<JObject>(), Parse(builtInJson, BuiltInName), BuiltInName);
            foreach (var file in list)
            {
                string text;
                try { text = File.ReadAllText(file); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
                {
                    throw new RuleFileException(file, null, null, "cannot be read: " + ex.Message, null, ex);
                }
                merged = Merge(merged, Parse(text, file), file);
            }
            return Build(merged, null);
        }

        /// <summary>Rules from JSON text alone (tests, or a team file checked on its own).</summary>
        public static RuleSet FromJson(string json, string file = "<text>")
            => Build(Merge(new List<JObject>(), Parse(json, file), file), file);

        private sealed class FileAnnotation
        {
            public FileAnnotation(string file) => File = file;
            public string File { get; }
        }

        private static List<JObject> Parse(string json, string file)
        {
            JToken root;
            try
            {
                using (var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None })
                {
                    root = JToken.Load(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
                    while (reader.Read()) { /* trailing comments */ }
                }
            }
            catch (JsonReaderException ex)
            {
                throw new RuleFileException(file, null, null, $"not valid JSON (column {ex.LinePosition}): {ex.Message}", ex.LineNumber, ex);
            }
            JArray array;
            if (root is JArray a) array = a;
            else if (root is JObject o && o["rules"] is JArray r) array = r;
            else throw new RuleFileException(file, null, "rules", "the file must be a JSON array of rules or an object with a 'rules' array.", LineOf(root));
            var result = new List<JObject>();
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is not JObject rule)
                    throw new RuleFileException(file, $"#{i + 1}", null, "each rule must be a JSON object.", LineOf(array[i]));
                var id = rule["id"];
                if (id == null || id.Type != JTokenType.String || string.IsNullOrWhiteSpace((string?)id))
                    throw new RuleFileException(file, $"#{i + 1}", "id", "each rule needs a non-empty string 'id'.", LineOf(rule));
                var unknown = rule.Properties().FirstOrDefault(p => !KnownFields.Contains(p.Name));
                if (unknown != null)
                    throw new RuleFileException(file, (string)id!, unknown.Name, $"unknown field (known: {string.Join(", ", KnownFields)}).", LineOf(unknown));
                rule.AddAnnotation(new FileAnnotation(file));
                result.Add(rule);
            }
            return result;
        }

        private static List<JObject> Merge(List<JObject> baseRules, List<JObject> overlay, string file)
        {
            var result = baseRules.Select(r => r).ToList();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in overlay)
            {
                var id = (string)rule["id"]!;
                if (!seen.Add(id)) throw new RuleFileException(file, id, "id", "the id appears twice in this file.", LineOf(rule));
                var index = result.FindIndex(r => (string)r["id"]! == id);
                if (rule["disabled"]?.Type == JTokenType.Boolean && (bool)rule["disabled"]!)
                {
                    if (index >= 0) result.RemoveAt(index);
                    continue;
                }
                if (index < 0)
                {
                    result.Add(rule);
                    continue;
                }
                var combined = (JObject)result[index].DeepClone();
                foreach (var p in rule.Properties()) combined[p.Name] = p.Value.DeepClone();
                combined.AddAnnotation(new FileAnnotation(file));
                result[index] = combined;
            }
            return result;
        }

        private static RuleSet Build(List<JObject> objects, string? file)
        {
            var rules = new List<DiagnosisRule>(objects.Count);
            foreach (var o in objects)
            {
                var id = (string)o["id"]!;
                var from = o.Annotation<FileAnnotation>()?.File ?? file ?? BuiltInName;
                rules.Add(BuildRule(o, id, from));
            }
            return new RuleSet(rules);
        }

        private static DiagnosisRule BuildRule(JObject o, string id, string file)
        {
            string RequiredString(string field)
            {
                var t = o[field];
                if (t == null || t.Type != JTokenType.String || string.IsNullOrWhiteSpace((string?)t))
                    throw new RuleFileException(file, id, field, "a non-empty string is required.", LineOf((JToken?)t ?? o));
                return (string)t!;
            }
            string OptionalString(string field)
            {
                var t = o[field];
                if (t == null || t.Type == JTokenType.Null) return "";
                if (t.Type != JTokenType.String) throw new RuleFileException(file, id, field, "must be a string.", LineOf(t));
                return (string)t!;
            }
            List<Regex> Regexes(string field, bool required)
            {
                var t = o[field];
                var list = new List<Regex>();
                if (t == null || t.Type == JTokenType.Null)
                {
                    if (required) throw new RuleFileException(file, id, field, "at least one pattern is required.", LineOf(o));
                    return list;
                }
                var items = t is JArray arr ? arr.ToList() : new List<JToken> { t };
                if (required && items.Count == 0) throw new RuleFileException(file, id, field, "at least one pattern is required.", LineOf(t));
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    if (item.Type != JTokenType.String || string.IsNullOrEmpty((string?)item))
                        throw new RuleFileException(file, id, $"{field}[{i}]", "each pattern must be a non-empty string.", LineOf(item));
                    try
                    {
                        // Interpreted: the scan's literal prefilter runs a rule's patterns only on the few lines that hold
                        // one of their literals, so compiling ~200 patterns to IL would cost start time and memory for nothing.
                        list.Add(new Regex((string)item!, RegexOptions.CultureInvariant, DiagnosisRule.MatchTimeout));
                    }
                    catch (ArgumentException ex)
                    {
                        throw new RuleFileException(file, id, $"{field}[{i}]", "not a valid .NET regular expression: " + ex.Message, LineOf(item), ex);
                    }
                }
                return list;
            }

            var category = RequiredString("category");
            var patterns = Regexes("patterns", required: true);
            var context = Regexes("context", required: false);
            var title = RequiredString("titleTemplate");
            var cause = OptionalString("cause");
            var recommendation = OptionalString("recommendation");
            var priority = 50;
            var pt = o["priority"];
            if (pt != null && pt.Type != JTokenType.Null)
            {
                if (pt.Type != JTokenType.Integer) throw new RuleFileException(file, id, "priority", "must be an integer (higher wins).", LineOf(pt));
                priority = (int)pt;
            }
            var groups = new HashSet<string>(patterns.SelectMany(r => r.GetGroupNames()), StringComparer.Ordinal);
            foreach (var pair in new[] { new KeyValuePair<string, string>("titleTemplate", title), new KeyValuePair<string, string>("cause", cause), new KeyValuePair<string, string>("recommendation", recommendation) })
            {
                var field = pair.Key;
                var text = pair.Value;
                var missing = DiagnosisRule.PlaceholderNames(text).FirstOrDefault(n => !groups.Contains(n));
                if (missing != null)
                    throw new RuleFileException(file, id, field, $"the placeholder {{{missing}}} is not a named group of any pattern.", LineOf(o[field] ?? o));
            }
            return new DiagnosisRule(id, category, patterns, context, title, cause, recommendation, priority, file == BuiltInName ? null : file);
        }

        private static int? LineOf(JToken? token)
            => token is IJsonLineInfo info && info.HasLineInfo() ? info.LineNumber : (int?)null;
    }
}
