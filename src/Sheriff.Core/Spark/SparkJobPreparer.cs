using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Genie;
using Sheriff.Core.Packaging;
using Sheriff.Core.Staging;

namespace Sheriff.Core.Spark
{
    /// <summary>What kind of problem stopped a Spark job before anything was sent.</summary>
    public enum SparkJobProblem { InvalidValue, MissingFile, Conflict, TooLarge }

    /// <summary>A Spark job that cannot be submitted as given; nothing was sent.</summary>
    public sealed class SparkJobException : Exception
    {
        public SparkJobException(SparkJobProblem problem, string message, string? parameter, object? target, string? recommendedAction = null, Exception? inner = null)
            : base(message, inner)
        {
            Problem = problem;
            Parameter = parameter;
            Target = target;
            RecommendedAction = recommendedAction;
        }

        public SparkJobProblem Problem { get; }
        /// <summary>The parameter (spec key) at fault, when there is one.</summary>
        public string? Parameter { get; }
        public object? Target { get; }
        public string? RecommendedAction { get; }
    }

    /// <summary>Facts about the submitting environment and the server's limits.</summary>
    public sealed class SubmitContext
    {
        public string User { get; set; } = Environment.UserName;
        public string HostName { get; set; } = Environment.MachineName;
        /// <summary>Folder relative paths given on the command line resolve against.</summary>
        public string WorkingDirectory { get; set; } = Environment.CurrentDirectory;
        /// <summary>Genie's attachment limits (genie-api.md §7): 100 MB each, 150 MB in all.</summary>
        public long MaxAttachmentBytes { get; set; } = 100L * 1024 * 1024;
        public long MaxTotalAttachmentBytes { get; set; } = 150L * 1024 * 1024;
        /// <summary>Hash of the spec file the job came from, if any.</summary>
        public string? SpecFileHash { get; set; }
        public DateTimeOffset Now { get; set; } = DateTimeOffset.Now;
        /// <summary>The client-chosen id used when the job names none (fixed per submission, so a plan and its submit agree).</summary>
        public string DefaultJobId { get; set; } = "sheriff-" + Guid.NewGuid().ToString("n");
    }

    /// <summary>A local file that travels with the job: as a multipart attachment, or staged on S3.</summary>
    public sealed class PlannedFile
    {
        internal PlannedFile(string role, string localPath, string name, long size, string? sha256)
        {
            Role = role;
            LocalPath = localPath;
            Name = name;
            Size = size;
            Sha256 = sha256;
        }

        /// <summary>script, jar, bundle, py-file, file, jar-dependency, archive.</summary>
        public string Role { get; }
        public string LocalPath { get; }
        /// <summary>The bare file name it has in the job directory.</summary>
        public string Name { get; }
        public long Size { get; }
        public string? Sha256 { get; internal set; }
        /// <summary>Where it is staged on S3 (null for an attachment).</summary>
        public string? StagedUri { get; internal set; }
    }

    /// <summary>A Spark job ready to send: the Genie request, the files that go with it, and how it was resolved.</summary>
    public sealed class PreparedSparkJob
    {
        internal PreparedSparkJob(ResolvedSparkJob resolved, JobRequestDto request, IReadOnlyList<string> arguments, IReadOnlyList<PlannedFile> files,
            BundleResult? bundle, IReadOnlyList<BundleEntry>? bundlePlan, S3Location? staging, string requestHash)
        {
            Resolved = resolved;
            Request = request;
            SparkSubmitArguments = arguments;
            Files = files;
            Bundle = bundle;
            BundlePlan = bundlePlan;
            Staging = staging;
            RequestHash = requestHash;
        }

        public ResolvedSparkJob Resolved { get; }
        public JobRequestDto Request { get; }
        /// <summary>The spark-submit arguments, unquoted (the request's commandArgs is their bash-quoted form).</summary>
        public IReadOnlyList<string> SparkSubmitArguments { get; }
        public IReadOnlyList<PlannedFile> Files { get; }
        public IEnumerable<PlannedFile> Attachments => Files.Where(f => f.StagedUri == null);
        public IEnumerable<PlannedFile> Uploads => Files.Where(f => f.StagedUri != null);
        /// <summary>The packaged project (null without -ProjectPath, or when only planned).</summary>
        public BundleResult? Bundle { get; }
        /// <summary>The bundle's planned entries when it was not built (-WhatIf).</summary>
        public IReadOnlyList<BundleEntry>? BundlePlan { get; }
        public S3Location? Staging { get; }
        /// <summary>SHA-256 of the request without its id and metadata: the same job submitted twice has the same hash.</summary>
        public string RequestHash { get; }

        /// <summary>A readable account of the job for -WhatIf: the request, each value's source, the bundle and the files.</summary>
        public string Describe(Uri? server)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"Submit Spark job '{Request.Name}' (id {Request.Id}) to {(server == null ? "Genie" : server + "api/v3/jobs")}");
            sb.AppendLine("Settings (and where each came from):");
            foreach (var pair in Resolved.Sources.OrderBy(p => p.Key, StringComparer.Ordinal))
                sb.AppendLine($"  {pair.Key,-22} = {ValueText(pair.Key)}  ({SourceText(pair.Value)})");
            sb.AppendLine("spark-submit arguments:");
            sb.AppendLine("  " + BashQuoting.Join(SparkSubmitArguments));
            var entries = Bundle?.Entries ?? BundlePlan;
            if (entries != null)
            {
                var size = Bundle != null ? $"{Bundle.Size:N0} bytes zipped{(Bundle.FromCache ? ", from cache" : "")}" : $"{entries.Sum(e => e.Size):N0} bytes before compression";
                sb.AppendLine($"Project bundle: {entries.Count} files, {size}");
                foreach (var e in entries.Take(40)) sb.AppendLine($"  {e.Path} ({e.Size:N0} bytes)");
                if (entries.Count > 40) sb.AppendLine($"  ... and {entries.Count - 40} more");
            }
            foreach (var f in Files)
                sb.AppendLine(f.StagedUri == null
                    ? $"Attachment: {f.Name} ({f.Size:N0} bytes) from {f.LocalPath}"
                    : $"Staged on S3: {f.StagedUri} ({f.Size:N0} bytes) from {f.LocalPath}");
            sb.AppendLine("Genie request:");
            sb.Append(JsonConvert.SerializeObject(Request, Formatting.Indented, GenieJson.Settings));
            return sb.ToString();
        }

        private string ValueText(string key)
        {
            var v = Resolved.Values;
            if (key.StartsWith("conf.", StringComparison.Ordinal))
                return v.Conf != null && v.Conf.TryGetValue(key.Substring(5), out var c) ? c : "";
            var property = typeof(SparkJobSpec).GetProperty(char.ToUpperInvariant(key[0]) + key.Substring(1));
            var value = property?.GetValue(v);
            return value switch
            {
                null => "",
                string s => s,
                string[] a => string.Join(", ", a),
                IDictionary<string, string> d => string.Join(", ", d.Select(p => p.Key + "=" + p.Value)),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
            };
        }

        private static string SourceText(ValueSource source) => source switch
        {
            ValueSource.BuiltIn => "built-in default",
            ValueSource.TeamConfig => "team config",
            ValueSource.ProfileConfig => "profile config",
            ValueSource.SpecFile => "spec file",
            _ => "parameter",
        };
    }

    /// <summary>
    /// Turns a resolved Spark job into a Genie request: checks every input before anything is sent, packages the
    /// project, chooses attachments or S3 staging, builds the spark-submit command line (bash-quoted) and the
    /// request's routing (Spark version as a command tag, cluster tags as an ordered fallback) and metadata.
    /// </summary>
    public static class SparkJobPreparer
    {
        private static readonly Regex MavenCoordinate = new Regex(@"^[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-+]+$", RegexOptions.CultureInvariant);
        private static readonly Regex VersionText = new Regex(@"^\d+(\.\d+){0,2}$", RegexOptions.CultureInvariant);

        /// <summary>Is this a remote URI Spark reads itself (not a local path)?</summary>
        public static bool IsRemote(string path)
            => Regex.IsMatch(path, "^[A-Za-z][A-Za-z0-9+.-]*://", RegexOptions.CultureInvariant) && !path.StartsWith("file://", StringComparison.OrdinalIgnoreCase);

        /// <summary>Checks and prepares the job; with build false (-WhatIf) the bundle is only planned and nothing is hashed for upload.</summary>
        public static PreparedSparkJob Prepare(ResolvedSparkJob resolved, SubmitContext context, ProjectPackager packager, bool build, CancellationToken ct)
        {
            var v = resolved.Values;
            var files = new List<PlannedFile>();

            // ---- the program ----
            if (v.Script == null && v.Jar == null)
                throw new SparkJobException(SparkJobProblem.InvalidValue, "No program to run: give -Script (PySpark) or -Jar (with -Class).", "Script", null,
                    "Submit-SparkJob -Script ./main.py, or -Jar ./app.jar -Class com.example.Main");
            if (v.Script != null && v.Jar != null)
                throw new SparkJobException(SparkJobProblem.Conflict, "-Script and -Jar cannot both be given: a job runs one program.", "Jar", v.Jar);
            if (v.Class != null && v.Jar == null)
                throw new SparkJobException(SparkJobProblem.Conflict, "-Class names the main class of a -Jar; it means nothing for a -Script.", "Class", v.Class);
            if (v.ProjectPath != null && v.Jar != null)
                throw new SparkJobException(SparkJobProblem.Conflict, "-ProjectPath packages Python modules for a -Script; it cannot be used with -Jar (use -Jars for dependencies).", "ProjectPath", v.ProjectPath);

            string? project = null;
            if (v.ProjectPath != null)
            {
                project = FullPath(v.ProjectPath, context);
                if (!Directory.Exists(project))
                    throw new SparkJobException(File.Exists(project) ? SparkJobProblem.InvalidValue : SparkJobProblem.MissingFile,
                        File.Exists(project) ? $"-ProjectPath '{v.ProjectPath}' is a file; it must be the project's folder." : $"-ProjectPath '{v.ProjectPath}' does not exist.",
                        "ProjectPath", v.ProjectPath);
            }

            string primary;
            if (v.Script != null)
            {
                if (IsRemote(v.Script)) primary = v.Script;
                else
                {
                    var script = LocalFile(v.Script, "Script", context);
                    if (project != null && !IsUnder(script, project))
                        throw new SparkJobException(SparkJobProblem.Conflict, $"-Script '{v.Script}' is outside -ProjectPath '{v.ProjectPath}'.", "Script", v.Script,
                            "Move the script into the project folder, or point -ProjectPath at the folder that holds it.");
                    primary = Add(files, "script", script).Name;
                }
            }
            else
            {
                primary = IsRemote(v.Jar!) ? v.Jar! : Add(files, "jar", LocalFile(v.Jar!, "Jar", context)).Name;
            }

            // ---- values ----
            CheckSize(v.ExecutorMemory, "ExecutorMemory");
            CheckSize(v.DriverMemory, "DriverMemory");
            if (v.ExecutorCores is < 1) throw Invalid("ExecutorCores", v.ExecutorCores, "-ExecutorCores must be 1 or more.");
            if (v.NumExecutors is < 1) throw Invalid("NumExecutors", v.NumExecutors, "-NumExecutors must be 1 or more.");
            if (v.Timeout is < 1) throw Invalid("Timeout", v.Timeout, "-Timeout must be 1 second or more.");
            if (v.SparkVersion != null && !VersionText.IsMatch(v.SparkVersion))
                throw Invalid("SparkVersion", v.SparkVersion, $"-SparkVersion '{v.SparkVersion}' is not a version such as 3.5 or 3.5.1.");
            if (v.JobId != null && (v.JobId.Length > 255 || v.JobId.IndexOfAny(new[] { '/', '\\', '?', '#', ' ' }) >= 0 || v.JobId.Trim().Length == 0))
                throw Invalid("JobId", v.JobId, "-JobId must be 1 to 255 characters without spaces, '/', '\\', '?' or '#'.");
            if (v.Name != null && (v.Name.Trim().Length == 0 || v.Name.Length > 255)) throw Invalid("Name", v.Name, "-Name must be 1 to 255 characters.");
            if (v.Email != null && !Regex.IsMatch(v.Email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$")) throw Invalid("Email", v.Email, $"-Email '{v.Email}' is not an e-mail address.");
            foreach (var p in v.Packages ?? Array.Empty<string>())
                if (!MavenCoordinate.IsMatch(p)) throw Invalid("Packages", p, $"-Packages '{p}' is not a Maven coordinate group:artifact:version.");
            foreach (var key in (v.Conf ?? new Dictionary<string, string>()).Keys)
                if (key.Length == 0 || key.Any(char.IsWhiteSpace) || key.Contains("=")) throw Invalid("Conf", key, $"-Conf key '{key}' is not a Spark property name.");
            var clusterCriteria = ClusterCriteria(v.ClusterTags);
            foreach (var tag in (v.Tag ?? Array.Empty<string>()).Concat(v.CommandTags ?? Array.Empty<string>()))
                if (string.IsNullOrWhiteSpace(tag)) throw Invalid("Tag", tag, "Tags cannot be empty.");

            // ---- dependencies ----
            var pyFiles = new List<string>();
            BundleResult? bundle = null;
            IReadOnlyList<BundleEntry>? plan = null;
            if (project != null)
            {
                try
                {
                    if (build)
                    {
                        bundle = packager.Package(project, ct);
                        pyFiles.Add(Add(files, "bundle", bundle.ZipPath, bundle.SuggestedFileName, bundle.Size, bundle.Sha256).Name);
                    }
                    else plan = packager.Plan(project, ct);
                }
                catch (PackagingException ex)
                {
                    throw new SparkJobException(SparkJobProblem.InvalidValue, ex.Message, "ProjectPath", ex.Path ?? v.ProjectPath, null, ex);
                }
            }
            pyFiles.AddRange(Dependencies(v.PyFiles, "PyFiles", "py-file", files, context));
            var sparkFiles = Dependencies(v.Files, "Files", "file", files, context);
            var jars = Dependencies(v.Jars, "Jars", "jar-dependency", files, context);
            var archives = Dependencies(v.Archives, "Archives", "archive", files, context);

            var duplicate = files.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate != null)
                throw new SparkJobException(SparkJobProblem.Conflict,
                    $"Two files would have the same name '{duplicate.Key}' in the job directory: {string.Join(", ", duplicate.Select(f => f.LocalPath))}.",
                    null, duplicate.Key, "Rename one of them; files land side by side in the job directory.");
            var badName = files.FirstOrDefault(f => f.Name.Contains(","));
            if (badName != null)
                throw Invalid(null, badName.LocalPath, $"'{badName.Name}' has a comma in its name; spark-submit's file lists are comma-separated.");

            // ---- transport: attachments, or S3 ----
            S3Location? staging = null;
            if (v.StagingUri != null && !S3Location.TryParse(v.StagingUri, out staging, out var s3Error))
                throw Invalid("StagingUri", v.StagingUri, s3Error!);
            var total = files.Sum(f => f.Size);
            var largest = files.OrderByDescending(f => f.Size).FirstOrDefault();
            var overLimits = largest != null && (largest.Size > context.MaxAttachmentBytes || total > context.MaxTotalAttachmentBytes);
            if (overLimits && staging == null)
                throw new SparkJobException(SparkJobProblem.TooLarge,
                    $"The job's files ({total:N0} bytes in all, the largest {largest!.Name} {largest.Size:N0} bytes) exceed Genie's attachment limits " +
                    $"({context.MaxAttachmentBytes:N0} bytes each, {context.MaxTotalAttachmentBytes:N0} in all).", "StagingUri", largest.LocalPath,
                    "Give -StagingUri s3://bucket/prefix (or sparkDefaults.stagingUri in the config) so the files are staged on S3.");
            if (staging != null && build)
            {
                foreach (var f in files)
                {
                    f.Sha256 ??= Hashing.Sha256FileHex(f.LocalPath, ct, out _);
                    f.StagedUri = S3Stager.UriFor(staging, f.Sha256, f.Name);
                }
            }

            // ---- spark-submit command line ----
            var name = v.Name ?? DefaultName(context, v);
            var args = new List<string> { "--name", name };
            if (v.Queue != null) args.AddRange(new[] { "--queue", v.Queue });
            if (v.DriverMemory != null) args.AddRange(new[] { "--driver-memory", Normalize(v.DriverMemory) });
            if (v.ExecutorMemory != null) args.AddRange(new[] { "--executor-memory", Normalize(v.ExecutorMemory) });
            if (v.ExecutorCores != null) args.AddRange(new[] { "--executor-cores", v.ExecutorCores.Value.ToString(CultureInfo.InvariantCulture) });
            if (v.NumExecutors != null) args.AddRange(new[] { "--num-executors", v.NumExecutors.Value.ToString(CultureInfo.InvariantCulture) });
            foreach (var pair in (v.Conf ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
                args.AddRange(new[] { "--conf", pair.Key + "=" + pair.Value });
            AddList(args, "--py-files", pyFiles);
            AddList(args, "--files", sparkFiles);
            AddList(args, "--jars", jars);
            AddList(args, "--archives", archives);
            AddList(args, "--packages", v.Packages ?? Array.Empty<string>());
            if (v.Class != null) args.AddRange(new[] { "--class", v.Class });
            args.Add(primary);
            args.AddRange(v.ArgumentList ?? Array.Empty<string>());

            // ---- the Genie request ----
            var commandCriteria = new List<string> { resolved.SparkCommandTag };
            if (v.SparkVersion != null) commandCriteria.Add(string.Format(CultureInfo.InvariantCulture, resolved.SparkVersionTagFormat, v.SparkVersion));
            commandCriteria.AddRange(v.CommandTags ?? Array.Empty<string>());
            var tags = new List<string>(v.Tag ?? Array.Empty<string>()) { "sheriff.version:" + SheriffInfo.Version };
            var request = new JobRequestDto
            {
                Id = v.JobId ?? context.DefaultJobId,
                Name = name,
                User = context.User,
                Version = "NA",
                Description = v.Description,
                Tags = tags.Distinct(StringComparer.Ordinal).ToList(),
                ClusterCriterias = clusterCriteria,
                CommandCriteria = commandCriteria.Distinct(StringComparer.Ordinal).ToList(),
                CommandArgs = BashQuoting.Join(args),
                Dependencies = files.Where(f => f.StagedUri != null).Select(f => f.StagedUri!).ToList(),
                Timeout = v.Timeout,
                Email = v.Email,
                Grouping = v.Grouping,
                GroupingInstance = v.GroupingInstance,
            };
            var requestHash = HashRequest(request);
            var git = GitInfo.TryRead(project ?? Path.GetDirectoryName(files.FirstOrDefault()?.LocalPath ?? context.WorkingDirectory) ?? context.WorkingDirectory);
            request.Metadata = new JObject
            {
                ["sheriff"] = new JObject
                {
                    ["version"] = SheriffInfo.Version,
                    ["host"] = context.HostName,
                    ["git"] = git == null ? JValue.CreateNull() : new JObject { ["commit"] = git.Commit, ["dirty"] = git.Dirty },
                    ["specFileHash"] = context.SpecFileHash == null ? JValue.CreateNull() : (JToken)context.SpecFileHash,
                    ["requestHash"] = requestHash,
                },
            };
            return new PreparedSparkJob(resolved, request, args, files, bundle, plan, staging, requestHash);
        }

        private static List<ClusterCriteriaDto> ClusterCriteria(string[]? clusterTags)
        {
            var criteria = new List<ClusterCriteriaDto>();
            foreach (var entry in clusterTags ?? Array.Empty<string>())
            {
                var tags = (entry ?? "").Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
                if (tags.Count == 0) throw Invalid("ClusterTags", entry, "-ClusterTags entries cannot be empty.");
                criteria.Add(new ClusterCriteriaDto { Tags = tags });
            }
            if (criteria.Count == 0)
                throw Invalid("ClusterTags", null, "No cluster tags: Genie needs at least one set to choose a cluster.",
                    "Give -ClusterTags (e.g. sched:adhoc), or set sparkDefaults.clusterTags in the config file.");
            return criteria;
        }

        private static IEnumerable<string> Dependencies(string[]? paths, string parameter, string role, List<PlannedFile> files, SubmitContext context)
        {
            var result = new List<string>();
            foreach (var path in paths ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(path)) throw Invalid(parameter, path, $"-{parameter} has an empty entry.");
                result.Add(IsRemote(path) ? path : Add(files, role, LocalFile(path, parameter, context)).Name);
            }
            return result;
        }

        private static PlannedFile Add(List<PlannedFile> files, string role, string fullPath, string? name = null, long? size = null, string? sha256 = null)
        {
            var file = new PlannedFile(role, fullPath, name ?? Path.GetFileName(fullPath), size ?? new FileInfo(fullPath).Length, sha256);
            files.Add(file);
            return file;
        }

        private static string LocalFile(string path, string parameter, SubmitContext context)
        {
            if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) path = new Uri(path).LocalPath;
            var full = FullPath(path, context);
            if (Directory.Exists(full))
                throw new SparkJobException(SparkJobProblem.InvalidValue, $"-{parameter} '{path}' is a folder; a file is expected{(parameter == "Script" ? " (use -ProjectPath for a folder of modules)" : "")}.", parameter, path);
            if (!File.Exists(full))
                throw new SparkJobException(SparkJobProblem.MissingFile, $"-{parameter} '{path}' does not exist (looked for {full}).", parameter, path);
            try
            {
                using (File.OpenRead(full)) { }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new SparkJobException(SparkJobProblem.MissingFile, $"-{parameter} '{path}' cannot be read: {ex.Message}", parameter, path, null, ex);
            }
            return full;
        }

        private static string FullPath(string path, SubmitContext context) => Path.GetFullPath(Path.Combine(context.WorkingDirectory, path));

        private static bool IsUnder(string file, string folder)
        {
            var root = folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return file.StartsWith(root, Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }

        private static void CheckSize(string? size, string parameter)
        {
            if (size != null && !SparkSize.TryNormalize(size, out _, out var error))
                throw new SparkJobException(SparkJobProblem.InvalidValue, $"-{parameter} '{size}' is not a Spark size: {error}", parameter, size,
                    "Use a Spark size such as 512m or 4g.");
        }

        private static string Normalize(string size) => SparkSize.TryNormalize(size, out var n, out _) ? n : size;

        private static void AddList(List<string> args, string option, IEnumerable<string> values)
        {
            var list = values.ToList();
            if (list.Count > 0) args.AddRange(new[] { option, string.Join(",", list) });
        }

        private static string DefaultName(SubmitContext context, SparkJobSpec v)
        {
            var program = v.Script ?? v.Jar ?? "job";
            var stem = Path.GetFileNameWithoutExtension(program.TrimEnd('/'));
            var clean = new string(stem.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray());
            var user = new string(context.User.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray());
            return $"{user}-{clean}-{context.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        }

        private static SparkJobException Invalid(string? parameter, object? target, string message, string? action = null)
            => new SparkJobException(SparkJobProblem.InvalidValue, message, parameter, target, action);

        private static string HashRequest(JobRequestDto request)
        {
            var copy = JObject.FromObject(request, JsonSerializer.Create(GenieJson.Settings));
            copy.Remove("id");
            copy.Remove("metadata");
            copy.Remove("name"); // a default name carries the time; the hash is of what the job does
            var canonical = Canonical(copy).ToString(Formatting.None);
            return Hashing.Sha256Hex(canonical);
        }

        private static JToken Canonical(JToken token) => token switch
        {
            JObject o => new JObject(o.Properties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Canonical(p.Value)))),
            JArray a => new JArray(a.Select(Canonical)),
            _ => token.DeepClone(),
        };
    }
}
