using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Spark
{
    internal enum SparkFieldKind { Text, Path, ClassName, Size, Count, Email, Version, StagingUri, TextList, PathList, ArgumentList, Packages, Conf }

    /// <summary>One <see cref="SparkJobSpec"/> property: its JSON name, its kind, and whether it may be a config default.</summary>
    internal sealed class SparkField
    {
        private SparkField(string name, SparkFieldKind kind, bool allowedInDefaults, Func<SparkJobSpec, object?> get, Action<SparkJobSpec, object?> set)
        {
            Name = name;
            Kind = kind;
            AllowedInDefaults = allowedInDefaults;
            Get = get;
            Set = set;
        }

        public string Name { get; }
        public SparkFieldKind Kind { get; }
        public bool AllowedInDefaults { get; }
        public Func<SparkJobSpec, object?> Get { get; }
        public Action<SparkJobSpec, object?> Set { get; }
        public bool IsPath => Kind == SparkFieldKind.Path || Kind == SparkFieldKind.PathList;
        public bool IsList => Kind == SparkFieldKind.TextList || Kind == SparkFieldKind.PathList || Kind == SparkFieldKind.ArgumentList || Kind == SparkFieldKind.Packages;

        /// <summary>In the order of <see cref="SparkJobSpec"/>'s properties (the order <see cref="SparkJobSpec.Save"/> writes).</summary>
        public static readonly IReadOnlyList<SparkField> All = new[]
        {
            new SparkField("script", SparkFieldKind.Path, false, s => s.Script, (s, v) => s.Script = (string?)v),
            new SparkField("jar", SparkFieldKind.Path, false, s => s.Jar, (s, v) => s.Jar = (string?)v),
            new SparkField("class", SparkFieldKind.ClassName, false, s => s.Class, (s, v) => s.Class = (string?)v),
            new SparkField("argumentList", SparkFieldKind.ArgumentList, false, s => s.ArgumentList, (s, v) => s.ArgumentList = (string[]?)v),
            new SparkField("projectPath", SparkFieldKind.Path, false, s => s.ProjectPath, (s, v) => s.ProjectPath = (string?)v),
            new SparkField("pyFiles", SparkFieldKind.PathList, false, s => s.PyFiles, (s, v) => s.PyFiles = (string[]?)v),
            new SparkField("files", SparkFieldKind.PathList, false, s => s.Files, (s, v) => s.Files = (string[]?)v),
            new SparkField("jars", SparkFieldKind.PathList, false, s => s.Jars, (s, v) => s.Jars = (string[]?)v),
            new SparkField("archives", SparkFieldKind.PathList, false, s => s.Archives, (s, v) => s.Archives = (string[]?)v),
            new SparkField("packages", SparkFieldKind.Packages, false, s => s.Packages, (s, v) => s.Packages = (string[]?)v),
            new SparkField("executorMemory", SparkFieldKind.Size, true, s => s.ExecutorMemory, (s, v) => s.ExecutorMemory = (string?)v),
            new SparkField("executorCores", SparkFieldKind.Count, true, s => s.ExecutorCores, (s, v) => s.ExecutorCores = (int?)v),
            new SparkField("driverMemory", SparkFieldKind.Size, true, s => s.DriverMemory, (s, v) => s.DriverMemory = (string?)v),
            new SparkField("numExecutors", SparkFieldKind.Count, true, s => s.NumExecutors, (s, v) => s.NumExecutors = (int?)v),
            new SparkField("conf", SparkFieldKind.Conf, true, s => s.Conf, (s, v) => s.Conf = (IDictionary<string, string>?)v),
            new SparkField("queue", SparkFieldKind.Text, true, s => s.Queue, (s, v) => s.Queue = (string?)v),
            new SparkField("sparkVersion", SparkFieldKind.Version, true, s => s.SparkVersion, (s, v) => s.SparkVersion = (string?)v),
            new SparkField("clusterTags", SparkFieldKind.TextList, true, s => s.ClusterTags, (s, v) => s.ClusterTags = (string[]?)v),
            new SparkField("commandTags", SparkFieldKind.TextList, true, s => s.CommandTags, (s, v) => s.CommandTags = (string[]?)v),
            new SparkField("name", SparkFieldKind.Text, false, s => s.Name, (s, v) => s.Name = (string?)v),
            new SparkField("tag", SparkFieldKind.TextList, true, s => s.Tag, (s, v) => s.Tag = (string[]?)v),
            new SparkField("description", SparkFieldKind.Text, false, s => s.Description, (s, v) => s.Description = (string?)v),
            new SparkField("timeout", SparkFieldKind.Count, true, s => s.Timeout, (s, v) => s.Timeout = (int?)v),
            new SparkField("email", SparkFieldKind.Email, true, s => s.Email, (s, v) => s.Email = (string?)v),
            new SparkField("grouping", SparkFieldKind.Text, false, s => s.Grouping, (s, v) => s.Grouping = (string?)v),
            new SparkField("groupingInstance", SparkFieldKind.Text, false, s => s.GroupingInstance, (s, v) => s.GroupingInstance = (string?)v),
            new SparkField("jobId", SparkFieldKind.Text, false, s => s.JobId, (s, v) => s.JobId = (string?)v),
            new SparkField("stagingUri", SparkFieldKind.StagingUri, true, s => s.StagingUri, (s, v) => s.StagingUri = (string?)v),
        };

        public static readonly IReadOnlyDictionary<string, SparkField> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

        public static object? Copy(object? value) => value switch
        {
            string[] list => (string[])list.Clone(),
            IDictionary<string, string> conf => new Dictionary<string, string>(conf, StringComparer.Ordinal),
            _ => value,
        };

        private static readonly Regex EmailPattern = new Regex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant);
        private static readonly Regex VersionPattern = new Regex(@"^[0-9]+\.[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex ClassPattern = new Regex(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$", RegexOptions.CultureInvariant);
        private static readonly Regex StagingPattern = new Regex(@"^[sS]3://[^/\s]{3,63}(/\S*)?$", RegexOptions.CultureInvariant);

        /// <summary>Checks a string value (or, for lists, one item); returns the error or null, and the normalised value.</summary>
        public string? CheckText(string value, int? item, out string normalized)
        {
            normalized = value;
            var what = item.HasValue ? $"'{Name}' item {item + 1}" : $"'{Name}'";
            if (Kind == SparkFieldKind.ArgumentList) return null;
            if (string.IsNullOrWhiteSpace(value)) return $"{what} must not be empty.";
            switch (Kind)
            {
                case SparkFieldKind.Size:
                    if (!SparkSize.TryNormalize(value, out var size, out _)) return $"'{Name}' is '{value}': use a Spark size such as 512m or 4g.";
                    normalized = size;
                    return null;
                case SparkFieldKind.Email:
                    return EmailPattern.IsMatch(value) ? null : $"'{Name}' is '{value}': use an email address such as someone@example.com.";
                case SparkFieldKind.Version:
                    return VersionPattern.IsMatch(value) ? null : $"'{Name}' is '{value}': use a Spark version such as 3.5 or 3.5.1.";
                case SparkFieldKind.ClassName:
                    return ClassPattern.IsMatch(value) ? null : $"'{Name}' is '{value}': use a fully qualified class name such as com.example.Main.";
                case SparkFieldKind.StagingUri:
                    return StagingPattern.IsMatch(value) ? null : $"'{Name}' is '{value}': use an s3:// URI such as s3://bucket/prefix.";
                case SparkFieldKind.Packages:
                    return SparkPaths.IsMavenCoordinate(value) ? null : $"{what} is '{value}': use a Maven coordinate groupId:artifactId:version such as org.apache.spark:spark-avro_2.12:3.5.1.";
                default:
                    return null;
            }
        }

        public string? CheckCount(long value)
        {
            if (value < 1) return $"'{Name}' must be at least 1, not {value.ToString(CultureInfo.InvariantCulture)}.";
            if (value > int.MaxValue) return $"'{Name}' is too large (at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)}).";
            return null;
        }

        public string WrongType => Kind switch
        {
            SparkFieldKind.Count => $"'{Name}' must be an integer.",
            SparkFieldKind.Size => $"'{Name}' must be a string such as \"4g\".",
            SparkFieldKind.Version => $"'{Name}' must be a string such as \"3.5\".",
            SparkFieldKind.Conf => $"'{Name}' must be an object of Spark properties, such as {{ \"spark.sql.shuffle.partitions\": 400 }}.",
            _ when IsList => $"'{Name}' must be an array of strings.",
            _ => $"'{Name}' must be a string.",
        };
    }

    /// <summary>Local paths, URIs and Maven coordinates in specs.</summary>
    internal static class SparkPaths
    {
        private static readonly Regex SchemeWithSlashes = new Regex(@"^[A-Za-z][A-Za-z0-9+.\-]+://", RegexOptions.CultureInvariant);
        private static readonly Regex Maven = new Regex(@"^[^:/\\\s]+:[^:/\\\s]+:[^:/\\\s]+$", RegexOptions.CultureInvariant);

        public static bool IsUri(string p)
            => SchemeWithSlashes.IsMatch(p) || p.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || p.StartsWith("local:", StringComparison.OrdinalIgnoreCase);

        public static bool IsMavenCoordinate(string p) => Maven.IsMatch(p);

        private static bool IsWindows => System.IO.Path.DirectorySeparatorChar == '\\';
        private static StringComparison PathComparison => IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>A relative local path against <paramref name="folder"/>; URIs, Maven coordinates and absolute paths as they are (a leading ~ is the home folder).</summary>
        public static string Resolve(string p, string folder)
        {
            if (p.Length == 0 || IsUri(p) || IsMavenCoordinate(p)) return p;
            try
            {
                if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal) || p.StartsWith("~\\", StringComparison.Ordinal))
                {
                    var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                    return string.IsNullOrEmpty(home) ? p : System.IO.Path.GetFullPath(System.IO.Path.Combine(home, p.Substring(Math.Min(2, p.Length))));
                }
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, p));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return p;
            }
        }

        /// <summary>An absolute local path below (or equal to) <paramref name="folder"/> as a relative path with '/'; anything else as it is.</summary>
        public static string MakeRelative(string p, string folder)
        {
            if (p.Length == 0 || IsUri(p) || IsMavenCoordinate(p)) return p;
            string full;
            try
            {
                if (!System.IO.Path.IsPathRooted(p)) return p;
                full = System.IO.Path.GetFullPath(p);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return p;
            }
            var seps = new[] { System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar };
            var root = folder.TrimEnd(seps);
            if (string.Equals(full.TrimEnd(seps), root, PathComparison)) return full.Length > root.Length ? "./" : ".";
            root += System.IO.Path.DirectorySeparatorChar;
            return full.StartsWith(root, PathComparison) ? full.Substring(root.Length).Replace('\\', '/') : p;
        }

        public static void ResolveAll(SparkJobSpec spec, string folder)
        {
            foreach (var field in SparkField.All.Where(f => f.IsPath))
            {
                var value = field.Get(spec);
                if (value is string s) field.Set(spec, Resolve(s, folder));
                else if (value is string[] list) field.Set(spec, list.Select(x => Resolve(x, folder)).ToArray());
            }
        }
    }

    /// <summary>Reads spec files and config <c>sparkDefaults</c> sections; validates in-memory specs.</summary>
    internal static class SparkJobSpecReader
    {
        public const string SparkCommandTagKey = "sparkCommandTag";
        public const string SparkVersionTagFormatKey = "sparkVersionTagFormat";

        private sealed class Context
        {
            public Context(JsonSourceText source, string? path) { Source = source; Path = path; }
            public JsonSourceText Source { get; }
            public string? Path { get; }

            public SparkJobSpecException Error(JToken at, string? field, string detail, bool isConflict = false)
            {
                var (line, column) = Source.StartOf(at);
                return new SparkJobSpecException(detail, Path, line, column, field, isConflict: isConflict);
            }
        }

        /// <summary>A whole spec file's text (paths not yet resolved).</summary>
        public static SparkJobSpec ParseSpecText(string text, string? path)
        {
            if (string.IsNullOrWhiteSpace(text))
                throw new SparkJobSpecException("the file is empty; a spec file is a JSON object, like { \"script\": \"main.py\" }.", path, null, null, null);
            JToken root;
            try
            {
                using var reader = NewReader(text);
                root = JToken.ReadFrom(reader, new JsonLoadSettings
                {
                    LineInfoHandling = LineInfoHandling.Load,
                    CommentHandling = CommentHandling.Ignore,
                    DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Replace,
                });
                while (reader.Read()) { } // anything but comments after the object is an error
            }
            catch (JsonReaderException ex)
            {
                // Newtonsoft's position here is the 0-based index of the offending character in its line.
                throw new SparkJobSpecException("not valid JSON: " + CleanReaderMessage(ex.Message), path,
                    ex.LineNumber > 0 ? ex.LineNumber : (int?)null, ex.LineNumber > 0 ? ex.LinePosition + 1 : (int?)null, null, ex);
            }
            var source = new JsonSourceText(text);
            CheckDuplicates(text, source, path);
            var context = new Context(source, path);
            if (root is not JObject obj)
                throw context.Error(root, null, "a spec file must be a JSON object, like { \"script\": \"main.py\" }.");
            return ReadObject(obj, context, defaults: false, out _, out _);
        }

        /// <summary>A config <c>sparkDefaults</c> object; errors carry the config file path and positions.</summary>
        public static SparkDefaults ReadDefaults(JToken token, JsonSourceText source, string? path)
        {
            var context = new Context(source, path);
            if (token is not JObject obj)
                throw context.Error(token, null, "'sparkDefaults' must be an object, like { \"executorMemory\": \"8g\" }.");
            var spec = ReadObject(obj, context, defaults: true, out var commandTag, out var versionFormat);
            return new SparkDefaults(spec, commandTag, versionFormat);
        }

        private static JsonTextReader NewReader(string text) => new JsonTextReader(new StringReader(text))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };

        private static readonly Regex ReaderMessageTail = new Regex(@"\s*Path '.*', line \d+, position \d+\.\s*$", RegexOptions.CultureInvariant);

        private static string CleanReaderMessage(string message) => ReaderMessageTail.Replace(message, "");

        private static void CheckDuplicates(string text, JsonSourceText source, string? path)
        {
            using var reader = NewReader(text);
            var stack = new Stack<Dictionary<string, (int Line, int Column)>?>();
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonToken.StartObject: stack.Push(new Dictionary<string, (int, int)>(StringComparer.Ordinal)); break;
                    case JsonToken.StartArray:
                    case JsonToken.StartConstructor: stack.Push(null); break;
                    case JsonToken.EndObject:
                    case JsonToken.EndArray:
                    case JsonToken.EndConstructor: stack.Pop(); break;
                    case JsonToken.PropertyName:
                        var seen = stack.Peek();
                        if (seen == null) break;
                        var name = (string)reader.Value!;
                        var here = source.StartOfPropertyAt(reader.LineNumber, reader.LinePosition);
                        if (seen.TryGetValue(name, out var first))
                        {
                            var field = reader.Depth == 1 ? name
                                : reader.Depth == 2 && (reader.Path.StartsWith("conf.", StringComparison.Ordinal) || reader.Path.StartsWith("conf[", StringComparison.Ordinal)) ? "conf." + name
                                : reader.Path;
                            throw new SparkJobSpecException($"duplicate key '{name}' (first given at line {first.Line}, column {first.Column}).", path, here.Line, here.Column, field);
                        }
                        seen[name] = here;
                        break;
                }
            }
        }

        private static SparkJobSpec ReadObject(JObject obj, Context context, bool defaults, out string? commandTag, out string? versionFormat)
        {
            commandTag = null;
            versionFormat = null;
            var spec = new SparkJobSpec();
            foreach (var property in obj.Properties())
            {
                var name = property.Name;
                var value = property.Value;
                if (!defaults && name == "$schema")
                {
                    if (value.Type != JTokenType.String) throw context.Error(value, name, "'$schema' must be a string.");
                    continue;
                }
                if (defaults && (name == SparkCommandTagKey || name == SparkVersionTagFormatKey))
                {
                    if (value.Type != JTokenType.String) throw context.Error(value, name, $"'{name}' must be a string.");
                    var text = (string)value!;
                    if (string.IsNullOrWhiteSpace(text)) throw context.Error(value, name, $"'{name}' must not be empty.");
                    if (name == SparkCommandTagKey) commandTag = text;
                    else versionFormat = CheckVersionFormat(text) is string error ? throw context.Error(value, name, error) : text;
                    continue;
                }
                if (!SparkField.ByName.TryGetValue(name, out var field))
                    throw context.Error(property, name, UnknownKey(name, defaults));
                if (defaults && !field.AllowedInDefaults)
                    throw context.Error(property, name, $"'{name}' cannot be a default: it belongs in a job spec or a Submit-SparkJob parameter (defaults: {string.Join(", ", KnownKeys(true))}).");
                field.Set(spec, ReadValue(field, value, context));
            }
            if (!defaults)
            {
                if (spec.Script != null && spec.Jar != null)
                {
                    var later = obj.Properties().Last(p => p.Name == "script" || p.Name == "jar");
                    throw context.Error(later, later.Name, "'script' and 'jar' are both given: a job runs either a Python script or a JAR.", isConflict: true);
                }
                if (spec.Class != null && spec.Jar == null)
                    throw context.Error(obj.Property("class")!, "class", "'class' is given without 'jar': the main class belongs to a JAR job.", isConflict: true);
            }
            return spec;
        }

        private static object ReadValue(SparkField field, JToken value, Context context)
        {
            switch (field.Kind)
            {
                case SparkFieldKind.Count:
                    if (value.Type != JTokenType.Integer) throw context.Error(value, field.Name, field.WrongType);
                    var number = ((JValue)value).Value;
                    var error = number is long l ? field.CheckCount(l) : number is int i ? field.CheckCount(i) : field.CheckCount(long.MaxValue);
                    if (error != null) throw context.Error(value, field.Name, error);
                    return Convert.ToInt32(number, CultureInfo.InvariantCulture);
                case SparkFieldKind.Conf:
                    if (value is not JObject confObject) throw context.Error(value, field.Name, field.WrongType);
                    var conf = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var entry in confObject.Properties())
                    {
                        if (string.IsNullOrWhiteSpace(entry.Name)) throw context.Error(entry, field.Name, "'conf' has an empty key.");
                        var text = ConfValue(entry.Value);
                        if (text == null)
                            throw context.Error(entry.Value, "conf." + entry.Name, $"'conf' value of '{entry.Name}' must be a string, a number or a boolean.");
                        conf[entry.Name] = text;
                    }
                    return conf;
                default:
                    if (field.IsList)
                    {
                        if (value is not JArray array) throw context.Error(value, field.Name, field.WrongType);
                        var items = new string[array.Count];
                        for (var k = 0; k < array.Count; k++)
                        {
                            var item = array[k];
                            if (item.Type != JTokenType.String) throw context.Error(item, field.Name, $"'{field.Name}' item {k + 1} must be a string.");
                            var itemError = field.CheckText((string)item!, k, out var normalizedItem);
                            if (itemError != null) throw context.Error(item, field.Name, itemError);
                            items[k] = normalizedItem;
                        }
                        return items;
                    }
                    if (value.Type != JTokenType.String) throw context.Error(value, field.Name, field.WrongType);
                    var textError = field.CheckText((string)value!, null, out var normalized);
                    if (textError != null) throw context.Error(value, field.Name, textError);
                    return normalized;
            }
        }

        /// <summary>Strings as they are, numbers in invariant form, booleans as true/false; null for anything else.</summary>
        private static string? ConfValue(JToken token)
        {
            switch (token.Type)
            {
                case JTokenType.String: return (string)token!;
                case JTokenType.Boolean: return (bool)token ? "true" : "false";
                case JTokenType.Integer:
                case JTokenType.Float:
                    var v = ((JValue)token).Value;
                    return v switch
                    {
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        float f => f.ToString("R", CultureInfo.InvariantCulture),
                        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
                    };
                default: return null;
            }
        }

        private static string? CheckVersionFormat(string format)
        {
            if (format.IndexOf("{0}", StringComparison.Ordinal) < 0)
                return $"'{SparkVersionTagFormatKey}' is '{format}': it must contain {{0}} where the Spark version goes, as in \"ver:{{0}}\".";
            try { string.Format(CultureInfo.InvariantCulture, format, "3.5"); }
            catch (FormatException)
            {
                return $"'{SparkVersionTagFormatKey}' is '{format}': only {{0}} may be a placeholder (write a literal brace as {{{{ or }}}}).";
            }
            return null;
        }

        private static IEnumerable<string> KnownKeys(bool defaults)
            => defaults
                ? SparkField.All.Where(f => f.AllowedInDefaults).Select(f => f.Name).Concat(new[] { SparkCommandTagKey, SparkVersionTagFormatKey })
                : SparkField.All.Select(f => f.Name);

        private static string UnknownKey(string name, bool defaults)
        {
            if (name.StartsWith("spark.", StringComparison.Ordinal))
                return $"unknown key '{name}': Spark properties go in 'conf', as in \"conf\": {{ \"{name}\": ... }}.";
            var known = KnownKeys(defaults).ToList();
            var suggestion = Suggest(name, known);
            return suggestion != null
                ? $"unknown key '{name}': did you mean '{suggestion}'?"
                : $"unknown key '{name}' (known keys: {string.Join(", ", known)}).";
        }

        /// <summary>The known key closest to <paramref name="name"/> (ignoring case, '_' and '-'), if close enough.</summary>
        internal static string? Suggest(string name, IEnumerable<string> candidates)
        {
            static string Fold(string s) => new string(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
            var folded = Fold(name);
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in candidates)
            {
                var c = Fold(candidate);
                var distance = Levenshtein(folded, c);
                if (distance <= Math.Max(2, c.Length / 3) && distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }
            return best;
        }

        private static int Levenshtein(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) previous[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                (previous, current) = (current, previous);
            }
            return previous[b.Length];
        }

        /// <summary>
        /// Checks an in-memory spec (parameters, or a spec built in code) the way a file is checked, and returns a copy with
        /// sizes normalised. Errors carry the field but no file or position.
        /// </summary>
        public static SparkJobSpec Normalize(SparkJobSpec spec, string? path = null)
        {
            var copy = spec.Clone();
            foreach (var field in SparkField.All)
            {
                var value = field.Get(copy);
                switch (value)
                {
                    case null: break;
                    case string s:
                        var error = field.CheckText(s, null, out var normalized);
                        if (error != null) throw new SparkJobSpecException(error, path, null, null, field.Name);
                        field.Set(copy, normalized);
                        break;
                    case int n:
                        var countError = field.CheckCount(n);
                        if (countError != null) throw new SparkJobSpecException(countError, path, null, null, field.Name);
                        break;
                    case string[] list:
                        for (var k = 0; k < list.Length; k++)
                        {
                            if (list[k] == null) throw new SparkJobSpecException($"'{field.Name}' item {k + 1} is null.", path, null, null, field.Name);
                            var itemError = field.CheckText(list[k], k, out var item);
                            if (itemError != null) throw new SparkJobSpecException(itemError, path, null, null, field.Name);
                            list[k] = item;
                        }
                        break;
                    case IDictionary<string, string> conf:
                        foreach (var kv in conf)
                        {
                            if (string.IsNullOrWhiteSpace(kv.Key)) throw new SparkJobSpecException("'conf' has an empty key.", path, null, null, field.Name);
                            if (kv.Value == null) throw new SparkJobSpecException($"'conf' value of '{kv.Key}' is null.", path, null, null, "conf." + kv.Key);
                        }
                        break;
                }
            }
            return copy;
        }
    }
}
