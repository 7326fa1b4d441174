using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Config;
using Sheriff.Core.Genie;
using Sheriff.Core.Packaging;
using Sheriff.Core.Spark;
using Sheriff.Core.Staging;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Packages a PySpark script or a jar with its dependencies and submits it to Genie as a Spark job.</para>
    /// <para type="description">Builds a spark-submit job from a -Script (PySpark) or a -Jar and -Class, a -ProjectPath folder of
    /// Python modules (zipped for --py-files, honouring .gitignore and .sheriffignore), and the files, jars, archives and
    /// Maven packages it needs. Resources and Spark settings start from the team defaults (executor memory 4g, executor
    /// cores 3, driver memory 4g), then the config file's sparkDefaults (team, then the connection profile), then a
    /// -SpecFile, then the parameters given. The Spark version is a Genie command tag (ver:3.5), never a path, and
    /// -ClusterTags is an ordered fallback list of cluster tag sets. Every argument is quoted for bash, so spaces, quotes,
    /// $, backticks, globs and non-ASCII arrive exactly. Small bundles travel as attachments; over Genie's limits, or
    /// with -StagingUri, files are uploaded to S3 under their content hash (once). -WhatIf shows the resolved request,
    /// where each value came from, and the bundle, and sends nothing. The job is emitted at once, or when it finishes
    /// with -Wait.</para>
    /// </summary>
    /// <example>
    /// <code>Submit-SparkJob -Script ./etl/main.py -ProjectPath ./etl -SparkVersion 3.5 -ClusterTags sched:adhoc -ArgumentList '--date', '2026-11-26'</code>
    /// <para>Submits a PySpark job with its project's modules, on Spark 3.5, to an ad-hoc cluster.</para>
    /// </example>
    /// <example>
    /// <code>Submit-SparkJob -SpecFile ./jobs/nightly.json -ExecutorMemory 8g -Wait -ErrorAction Stop</code>
    /// <para>Runs the job described in a versioned spec file with one override, waits for it, and fails loudly if it fails.</para>
    /// </example>
    /// <example>
    /// <code>Submit-SparkJob -Jar ./app.jar -Class com.example.Main -Conf @{ 'spark.sql.shuffle.partitions' = 400 } -WhatIf</code>
    /// <para>Shows the request, the source of every setting and the files that would travel, without sending anything.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Submit, "SparkJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(GenieJob))]
    public sealed class SubmitSparkJobCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The PySpark script to run (a local file, or an s3:// URI).</para></summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Script { get; set; }

        /// <summary><para type="description">The application jar to run (with -Class), a local file or a URI.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Jar { get; set; }

        /// <summary><para type="description">The main class of the -Jar.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Class { get; set; }

        /// <summary><para type="description">The program's own arguments, passed exactly as given.</para></summary>
        [Parameter(Position = 1)]
        [AllowEmptyString]
        public string[]? ArgumentList { get; set; }

        /// <summary><para type="description">A folder of Python modules, zipped for --py-files (honours .gitignore and .sheriffignore; leaves out .git, __pycache__, virtual environments and build output).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProjectPath { get; set; }

        /// <summary><para type="description">More .py, .zip or .egg files for --py-files (local files travel with the job; URIs pass through).</para></summary>
        [Parameter]
        public string[]? PyFiles { get; set; }

        /// <summary><para type="description">Files for --files, placed in each executor's working directory.</para></summary>
        [Parameter]
        public string[]? Files { get; set; }

        /// <summary><para type="description">Jars for --jars (driver and executor classpaths).</para></summary>
        [Parameter]
        public string[]? Jars { get; set; }

        /// <summary><para type="description">Archives for --archives (extracted in each executor's working directory).</para></summary>
        [Parameter]
        public string[]? Archives { get; set; }

        /// <summary><para type="description">Maven coordinates (group:artifact:version) for --packages.</para></summary>
        [Parameter]
        public string[]? Packages { get; set; }

        /// <summary><para type="description">Memory per executor, a Spark size such as 4g or 512m (team default 4g).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ExecutorMemory { get; set; }

        /// <summary><para type="description">Cores per executor (team default 3).</para></summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ExecutorCores { get; set; }

        /// <summary><para type="description">Memory of the driver, a Spark size such as 4g (team default 4g).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DriverMemory { get; set; }

        /// <summary><para type="description">Number of executors (default: the cluster's dynamic allocation).</para></summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int NumExecutors { get; set; }

        /// <summary><para type="description">Spark properties, e.g. @{ 'spark.sql.shuffle.partitions' = 400 }.</para></summary>
        [Parameter]
        public Hashtable? Conf { get; set; }

        /// <summary><para type="description">The YARN queue.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Queue { get; set; }

        /// <summary><para type="description">The Spark version, e.g. 3.5: becomes the command tag ver:3.5, so the platform team decides which build that is.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SparkVersion { get; set; }

        /// <summary><para type="description">Cluster tag sets in order of preference; each entry is one set, tags within it separated by commas (e.g. 'sched:sla,type:yarn', 'sched:adhoc').</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? ClusterTags { get; set; }

        /// <summary><para type="description">More command tags the command must carry.</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? CommandTags { get; set; }

        /// <summary><para type="description">The job's name (default: user, script and time).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">Tags of the job itself (searchable with Get-GenieJob -Tag).</para></summary>
        [Parameter]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A description of the job.</para></summary>
        [Parameter]
        public string? Description { get; set; }

        /// <summary><para type="description">Seconds after which Genie kills the job (Genie's default is 7 days).</para></summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary><para type="description">An address Genie mails when the job finishes.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Email { get; set; }

        /// <summary><para type="description">The scheduler's grouping (e.g. its workflow name); searchable.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Grouping { get; set; }

        /// <summary><para type="description">The scheduler's run of the grouping (e.g. its run id); searchable.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GroupingInstance { get; set; }

        /// <summary><para type="description">The job's id (default: a fresh sheriff-… id chosen by the client).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JobId { get; set; }

        /// <summary><para type="description">s3://bucket/prefix to stage the job's files on instead of attaching them (required over Genie's attachment limits).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StagingUri { get; set; }

        /// <summary><para type="description">A JSON job spec (see docs/job-spec.md); parameters given on the command line override it.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SpecFile { get; set; }

        /// <summary><para type="description">Write the job (spec file and parameters, not config defaults) as a spec file to this path instead of submitting.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ExportSpec { get; set; }

        /// <summary><para type="description">Wait until the job finishes and emit it then; a failed job also writes GenieJobFailed.</para></summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary><para type="description">With -Wait: seconds to wait at most (default: no limit).</para></summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int WaitTimeout { get; set; }

        private static readonly string[] SpecParameters =
        {
            nameof(Script), nameof(Jar), nameof(Class), nameof(ArgumentList), nameof(ProjectPath), nameof(PyFiles), nameof(Files),
            nameof(Jars), nameof(Archives), nameof(Packages), nameof(ExecutorMemory), nameof(ExecutorCores), nameof(DriverMemory),
            nameof(NumExecutors), nameof(Conf), nameof(Queue), nameof(SparkVersion), nameof(ClusterTags), nameof(CommandTags),
            nameof(Name), nameof(Tag), nameof(Description), nameof(Timeout), nameof(Email), nameof(Grouping), nameof(GroupingInstance),
            nameof(JobId), nameof(StagingUri),
        };

        protected override void ProcessRecord()
        {
            var cwd = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            var parameters = ParametersAsSpec(cwd);

            SparkJobSpec? spec = null;
            string? specHash = null;
            if (SpecFile != null)
            {
                var specPath = GetUnresolvedProviderPathFromPSPath(SpecFile);
                try
                {
                    spec = SparkJobSpec.Load(specPath);
                    specHash = spec.ComputeHash();
                }
                catch (SparkJobSpecException ex)
                {
                    ThrowTerminatingError(NewError(ex, ErrorIds.SparkJobSpecInvalid, File.Exists(specPath) ? ErrorCategory.InvalidData : ErrorCategory.ObjectNotFound,
                        specPath, "Fix the spec file at the line and column the message names (docs/job-spec.md describes the format)."));
                    return;
                }
            }

            if (ExportSpec != null)
            {
                Export(spec, parameters);
                return;
            }

            var session = TryResolveSession();
            SheriffConfig config;
            try { config = SheriffConfig.Load(); }
            catch (SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
                return;
            }
            ResolvedSparkJob resolved;
            try { resolved = SparkJobResolver.Resolve(config, session?.ProfileName, spec, parameters); }
            catch (SparkJobSpecException ex)
            {
                // the spec file was checked on load and the config on its own load: what is left is the parameters' values
                ThrowTerminatingError(NewError(ex, ex.IsConflict ? ErrorIds.SparkJobConflict : ErrorIds.SparkJobInvalid, ErrorCategory.InvalidArgument,
                    OffendingValue(parameters, ex.Field) ?? ex.Field, ex.Field is "executorMemory" or "driverMemory" ? "Use a Spark size such as 512m or 4g." : null));
                return;
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieProfileNotFound, ErrorCategory.ObjectNotFound, session?.ProfileName));
                return;
            }

            var context = new SubmitContext { WorkingDirectory = cwd, SpecFileHash = specHash };
            var packager = new ProjectPackager(ProjectPackager.DefaultCacheDirectory);
            var plan = Prepare(resolved, context, packager, build: false);
            var description = plan.Describe(session?.Uri);
            if (MyInvocation.BoundParameters.ContainsKey("WhatIf") && session != null)
                description += Environment.NewLine + "Genie would run it with: " + WouldRunWith(session, plan);
            if (!ShouldProcess(description, $"Submit Spark job '{plan.Request.Name}'?", "Submit-SparkJob"))
                return;

            session ??= ResolveSession();
            var job = Prepare(resolved, context, packager, build: true);
            if (job.Bundle != null)
                WriteVerbose($"Bundle {job.Bundle.SuggestedFileName}: {job.Bundle.Entries.Count} files, {job.Bundle.Size:N0} bytes{(job.Bundle.FromCache ? " (unchanged: from the cache)" : "")}.");

            if (job.Uploads.Any())
            {
                try
                {
                    using var stager = new S3Stager();
                    var uploaded = Await(SparkJobSubmitter.StageAsync(job, stager, Token));
                    WriteVerbose($"Staged {job.Uploads.Count()} file(s) on {job.Staging}: {uploaded} uploaded, {job.Uploads.Count() - uploaded} already there.");
                }
                catch (StagingException ex)
                {
                    ThrowTerminatingError(NewError(ex, ErrorIds.StagingFailed, ErrorCategory.ConnectionError, ex.Target,
                        "Check the S3 location, your AWS credentials and the network; nothing was submitted."));
                    return;
                }
            }

            string id;
            try
            {
                WriteVerbose($"Submitting job {job.Request.Id} with {job.Attachments.Count()} attachment(s): spark-submit {BashQuoting.Join(job.SparkSubmitArguments)}");
                id = Await(SparkJobSubmitter.SubmitAsync(job, session.Client, Token));
            }
            catch (GenieApiException ex) when ((int)ex.StatusCode == 412)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieJobSubmitFailed, ErrorCategory.InvalidArgument, job.Request.Id,
                    $"Genie found no cluster and command for cluster tags [{string.Join("] then [", job.Request.ClusterCriterias.Select(c => string.Join(",", c.Tags)))}] " +
                    $"and command tags [{string.Join(",", job.Request.CommandCriteria)}]: check -SparkVersion, -ClusterTags and -CommandTags."));
                return;
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, job.Request.Id));
                return;
            }
            RunspaceState.Current.RememberJobId(id);

            if (Wait)
            {
                WaitAndEmit(session, new[] { new KeyValuePair<string, GenieJob?>(id, null) }, new JobWaitSettings
                {
                    Timeout = WaitTimeout > 0 ? TimeSpan.FromSeconds(WaitTimeout) : (TimeSpan?)null,
                });
                return;
            }
            try { WriteObject(Await(session.Client.GetJobAsync(id, Token))); }
            catch (GenieException ex) { WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound)); }
        }

        /// <summary>For -WhatIf: the command and cluster the registered resources give these criteria today (as Resolve-GenieJob).</summary>
        private string WouldRunWith(GenieSession session, PreparedSparkJob plan)
        {
            try
            {
                var inventory = Core.Genie.Admin.JobResolution.Load(new GenieAdminClient(session.Client), Core.Genie.Admin.GenieGeneration.Genie4, Token);
                var resolution = Core.Genie.Admin.JobResolution.Resolve(inventory,
                    plan.Request.ClusterCriterias.Select(c => (IEnumerable<string>)c.Tags), plan.Request.CommandCriteria);
                return resolution.ToString();
            }
            catch (GenieException ex)
            {
                return "(not computed: " + ex.Message + ")";
            }
        }

        /// <summary>The value the user gave for a spec field (for an error's target), or null.</summary>
        private static object? OffendingValue(SparkJobSpec parameters, string? field)
        {
            if (string.IsNullOrEmpty(field)) return null;
            var property = typeof(SparkJobSpec).GetProperty(char.ToUpperInvariant(field![0]) + field.Substring(1));
            var value = property?.GetValue(parameters);
            return value is string[] list ? string.Join(",", list) : value;
        }

        private PreparedSparkJob Prepare(ResolvedSparkJob resolved, SubmitContext context, ProjectPackager packager, bool build)
        {
            try
            {
                return SparkJobPreparer.Prepare(resolved, context, packager, build, Token);
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (SparkJobException ex)
            {
                var (id, category) = ex.InnerException is PackagingException
                    ? (ErrorIds.PackageBuildFailed, ErrorCategory.ReadError)
                    : ex.Problem switch
                    {
                        SparkJobProblem.MissingFile => (ErrorIds.SparkJobFileNotFound, ErrorCategory.ObjectNotFound),
                        SparkJobProblem.Conflict => (ErrorIds.SparkJobConflict, ErrorCategory.InvalidArgument),
                        SparkJobProblem.TooLarge => (ErrorIds.SparkJobTooLarge, ErrorCategory.LimitsExceeded),
                        _ => (ErrorIds.SparkJobInvalid, ErrorCategory.InvalidArgument),
                    };
                ThrowTerminatingError(NewError(ex, id, category, ex.Target ?? ex.Parameter, ex.RecommendedAction));
                return null!;
            }
        }

        private void Export(SparkJobSpec? spec, SparkJobSpec parameters)
        {
            var path = GetUnresolvedProviderPathFromPSPath(ExportSpec!);
            if (Directory.Exists(path))
                ThrowTerminatingError(NewError(new IOException($"-ExportSpec '{ExportSpec}' is a folder; give a file path such as job.json."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, ExportSpec));
            var merged = SparkJobResolver.Resolve(SheriffConfig.Parse("{}", "(none)"), null, spec, parameters).Values;
            var exported = OnlyGiven(merged, spec, parameters);
            if (!ShouldProcess(path, "Write Spark job spec")) return;
            try { exported.Save(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.WriteError, path));
                return;
            }
            WriteObject(new FileInfo(path));
        }

        /// <summary>Keeps what the spec file and the parameters gave (not the built-in defaults) for an exported spec.</summary>
        private static SparkJobSpec OnlyGiven(SparkJobSpec merged, SparkJobSpec? spec, SparkJobSpec parameters)
        {
            var result = new SparkJobSpec();
            foreach (var property in typeof(SparkJobSpec).GetProperties().Where(p => p.CanRead && p.CanWrite))
            {
                var given = property.GetValue(parameters) ?? (spec == null ? null : property.GetValue(spec));
                if (given != null) property.SetValue(result, property.GetValue(merged));
            }
            return result;
        }

        /// <summary>The parameters the user gave, as a spec layer (local paths made absolute against the current location).</summary>
        private SparkJobSpec ParametersAsSpec(string cwd)
        {
            var bound = MyInvocation.BoundParameters;
            var spec = new SparkJobSpec();
            string? PathOf(string? p) => p == null || SparkJobPreparer.IsRemote(p) ? p : Path.GetFullPath(Path.Combine(cwd, p));
            string[]? PathsOf(string[]? ps) => ps?.Select(p => PathOf(p)!).ToArray();
            foreach (var name in SpecParameters.Where(bound.ContainsKey))
            {
                switch (name)
                {
                    case nameof(Script): spec.Script = PathOf(Script); break;
                    case nameof(Jar): spec.Jar = PathOf(Jar); break;
                    case nameof(Class): spec.Class = Class; break;
                    case nameof(ArgumentList): spec.ArgumentList = ArgumentList ?? Array.Empty<string>(); break;
                    case nameof(ProjectPath): spec.ProjectPath = PathOf(ProjectPath); break;
                    case nameof(PyFiles): spec.PyFiles = PathsOf(PyFiles); break;
                    case nameof(Files): spec.Files = PathsOf(Files); break;
                    case nameof(Jars): spec.Jars = PathsOf(Jars); break;
                    case nameof(Archives): spec.Archives = PathsOf(Archives); break;
                    case nameof(Packages): spec.Packages = Packages; break;
                    case nameof(ExecutorMemory): spec.ExecutorMemory = ExecutorMemory; break;
                    case nameof(ExecutorCores): spec.ExecutorCores = ExecutorCores; break;
                    case nameof(DriverMemory): spec.DriverMemory = DriverMemory; break;
                    case nameof(NumExecutors): spec.NumExecutors = NumExecutors; break;
                    case nameof(Conf): spec.Conf = ConfOf(Conf); break;
                    case nameof(Queue): spec.Queue = Queue; break;
                    case nameof(SparkVersion): spec.SparkVersion = SparkVersion; break;
                    case nameof(ClusterTags): spec.ClusterTags = ClusterTags; break;
                    case nameof(CommandTags): spec.CommandTags = CommandTags; break;
                    case nameof(Name): spec.Name = Name; break;
                    case nameof(Tag): spec.Tag = Tag; break;
                    case nameof(Description): spec.Description = Description; break;
                    case nameof(Timeout): spec.Timeout = Timeout; break;
                    case nameof(Email): spec.Email = Email; break;
                    case nameof(Grouping): spec.Grouping = Grouping; break;
                    case nameof(GroupingInstance): spec.GroupingInstance = GroupingInstance; break;
                    case nameof(JobId): spec.JobId = JobId; break;
                    case nameof(StagingUri): spec.StagingUri = StagingUri; break;
                }
            }
            return spec;
        }

        private IDictionary<string, string>? ConfOf(Hashtable? table)
        {
            if (table == null) return null;
            var conf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
                if (value == null || value is IDictionary || (value is IEnumerable && value is not string))
                    ThrowTerminatingError(NewError(new ArgumentException($"-Conf '{key}' must be a single value (a string, number or boolean)."),
                        ErrorIds.SparkJobInvalid, ErrorCategory.InvalidArgument, key));
                conf[key] = value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture)!;
            }
            return conf;
        }
    }
}
