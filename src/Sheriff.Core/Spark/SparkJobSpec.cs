using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace Sheriff.Core.Spark
{
    /// <summary>
    /// Every Submit-SparkJob parameter; null = not given. JSON names are the camelCase property names
    /// (<c>executorMemory</c>, <c>pyFiles</c>, <c>class</c>, <c>tag</c>, ...). The file format, its validation and the
    /// precedence of team defaults, profile defaults, spec file and parameters are described in docs/job-spec.md.
    /// </summary>
    [JsonObject(NamingStrategyType = typeof(CamelCaseNamingStrategy), ItemNullValueHandling = NullValueHandling.Ignore)]
    public sealed class SparkJobSpec
    {
        /// <summary>The name of the JSON Schema file that <see cref="Save"/> references when a copy sits next to the spec.</summary>
        public const string SchemaFileName = "sparkjob.schema.json";

        /// <summary>The Python main file of a PySpark job (local path or URI).</summary>
        public string? Script { get; set; }
        /// <summary>The application JAR of a JVM job (local path or URI).</summary>
        public string? Jar { get; set; }
        /// <summary>The main class in <see cref="Jar"/>.</summary>
        public string? Class { get; set; }
        /// <summary>Arguments passed to the application.</summary>
        public string[]? ArgumentList { get; set; }
        /// <summary>A local project folder packaged and shipped with the job.</summary>
        public string? ProjectPath { get; set; }
        public string[]? PyFiles { get; set; }
        public string[]? Files { get; set; }
        public string[]? Jars { get; set; }
        public string[]? Archives { get; set; }
        /// <summary>Maven coordinates (groupId:artifactId:version).</summary>
        public string[]? Packages { get; set; }
        /// <summary>A Spark size such as 4g (see <see cref="SparkSize"/>).</summary>
        public string? ExecutorMemory { get; set; }
        public int? ExecutorCores { get; set; }
        /// <summary>A Spark size such as 4g (see <see cref="SparkSize"/>).</summary>
        public string? DriverMemory { get; set; }
        public int? NumExecutors { get; set; }
        /// <summary>Spark properties (<c>--conf key=value</c>), values as invariant strings.</summary>
        public IDictionary<string, string>? Conf { get; set; }
        public string? Queue { get; set; }
        /// <summary>Like 3.5 or 3.5.1.</summary>
        public string? SparkVersion { get; set; }
        public string[]? ClusterTags { get; set; }
        public string[]? CommandTags { get; set; }
        public string? Name { get; set; }
        public string[]? Tag { get; set; }
        public string? Description { get; set; }
        /// <summary>Seconds.</summary>
        public int? Timeout { get; set; }
        public string? Email { get; set; }
        public string? Grouping { get; set; }
        public string? GroupingInstance { get; set; }
        public string? JobId { get; set; }
        /// <summary>An s3:// location for staging bundles over Genie's attachment limits.</summary>
        public string? StagingUri { get; set; }

        /// <summary>
        /// Reads and validates a spec file. Relative local paths (script, jar, projectPath, pyFiles, files, jars,
        /// archives) are resolved against the file's folder; URIs (s3://, hdfs://, http(s)://, file:, local:, any
        /// scheme://) and Maven coordinates are kept as written; a leading <c>~</c> is the user's home. Sizes come back
        /// normalised (<c>4G</c> → <c>4g</c>), conf values as invariant strings.
        /// </summary>
        /// <exception cref="SparkJobSpecException">The file is missing, unreadable, not JSON, or not a valid spec; names the line, column and field.</exception>
        public static SparkJobSpec Load(string path)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("A spec file path is required.", nameof(path));
            string fullPath;
            try { fullPath = System.IO.Path.GetFullPath(path); }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                throw new SparkJobSpecException("not a valid file path: " + ex.Message, path, null, null, null, ex);
            }
            if (!File.Exists(fullPath)) throw new SparkJobSpecException("the spec file does not exist.", path, null, null, null);
            string text;
            try { text = File.ReadAllText(fullPath); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new SparkJobSpecException("cannot be read: " + ex.Message, path, null, null, null, ex);
            }
            var spec = SparkJobSpecReader.ParseSpecText(text, path);
            SparkPaths.ResolveAll(spec, System.IO.Path.GetDirectoryName(fullPath)!);
            return spec;
        }

        /// <summary>
        /// Writes the spec as indented JSON (non-null values only). Local paths below the target file's folder are written
        /// relative to it (with '/'); other paths and URIs as they are. <c>"$schema": "sparkjob.schema.json"</c> is
        /// written only when a file of that name sits next to the target. The folder is created when missing.
        /// </summary>
        public void Save(string path)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("A spec file path is required.", nameof(path));
            var fullPath = System.IO.Path.GetFullPath(path);
            var folder = System.IO.Path.GetDirectoryName(fullPath)!;
            Directory.CreateDirectory(folder);
            var json = new JObject();
            if (File.Exists(System.IO.Path.Combine(folder, SchemaFileName))) json["$schema"] = SchemaFileName;
            foreach (var field in SparkField.All)
            {
                var value = field.Get(this);
                if (value == null) continue;
                if (field.IsPath)
                {
                    value = value is string[] list
                        ? list.Select(p => SparkPaths.MakeRelative(p, folder)).ToArray()
                        : SparkPaths.MakeRelative((string)value, folder);
                }
                json[field.Name] = ToToken(value, sortConf: false);
            }
            File.WriteAllText(fullPath, json.ToString(Formatting.Indented) + Environment.NewLine, new UTF8Encoding(false));
        }

        /// <summary>
        /// SHA-256 (lower-case hex) of a canonical JSON form: non-null values only, keys (and conf keys) in ordinal order,
        /// no whitespace. Independent of the order keys were written or set in; array order counts.
        /// </summary>
        public string ComputeHash()
        {
            var json = new JObject();
            foreach (var field in SparkField.All.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                var value = field.Get(this);
                if (value != null) json[field.Name] = ToToken(value, sortConf: true);
            }
            return Hashing.Sha256Hex(json.ToString(Formatting.None));
        }

        /// <summary>A deep copy (arrays and conf are copied).</summary>
        public SparkJobSpec Clone()
        {
            var copy = new SparkJobSpec();
            foreach (var field in SparkField.All) field.Set(copy, SparkField.Copy(field.Get(this)));
            return copy;
        }

        private static JToken ToToken(object value, bool sortConf)
        {
            switch (value)
            {
                case string s: return new JValue(s);
                case int i: return new JValue(i);
                case string[] list: return new JArray(list.Select(x => (object)new JValue(x)).ToArray());
                case IDictionary<string, string> conf:
                    var o = new JObject();
                    IEnumerable<KeyValuePair<string, string>> pairs = sortConf ? conf.OrderBy(kv => kv.Key, StringComparer.Ordinal) : conf;
                    foreach (var kv in pairs) o[kv.Key] = kv.Value;
                    return o;
                default: throw new InvalidOperationException("Unexpected value type " + value.GetType());
            }
        }
    }

    /// <summary>A spec file (or a config <c>sparkDefaults</c> section, or a parameter value) is not valid.</summary>
    public sealed class SparkJobSpecException : Exception
    {
        public SparkJobSpecException(string detail, string? path, int? line, int? column, string? field, Exception? innerException = null, bool isConflict = false)
            : base(Compose(detail, path, line, column), innerException)
        {
            IsConflict = isConflict;
            Detail = detail;
            Path = path;
            Line = line;
            Column = column;
            Field = field;
        }

        /// <summary>The spec file; null for values that did not come from a file.</summary>
        public string? Path { get; }
        /// <summary>1-based line of the offending key or value.</summary>
        public int? Line { get; }
        /// <summary>1-based column of the offending key or value's first character.</summary>
        public int? Column { get; }
        /// <summary>The JSON property name (for a conf value: <c>conf.&lt;key&gt;</c>).</summary>
        public string? Field { get; }
        /// <summary>True for the conflicts between keys ('script' with 'jar', 'class' without 'jar'); false for a bad or unknown key or value.</summary>
        public bool IsConflict { get; }
        /// <summary>The message without the file and position.</summary>
        internal string Detail { get; }

        private static string Compose(string detail, string? path, int? line, int? column)
        {
            var where = line.HasValue ? $"line {line}, column {column}: " : "";
            return path != null ? $"{path}: {where}{detail}" : where + detail;
        }
    }
}
