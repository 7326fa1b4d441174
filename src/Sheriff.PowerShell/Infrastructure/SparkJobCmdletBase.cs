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

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that submit Spark jobs (Submit-SparkJob, Invoke-SparkSql, the table statistics cmdlets):
    /// the routing, resource, metadata and spec-file parameters they share, and the steps every Spark submission
    /// takes through Core (spec file, config defaults, resolution, preparation, staging, submission, waiting), with
    /// their error records.
    /// </summary>
    public abstract partial class SparkJobCmdletBase : GenieCmdletBase
    {
        /// <summary><para type="description">Files for --files, placed in each executor's working directory (and the job directory).</para></summary>
        [Parameter]
        public string[]? Files { get; set; }

        /// <summary><para type="description">Jars for --jars (driver and executor classpaths).</para></summary>
        [Parameter]
        public string[]? Jars { get; set; }

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

        /// <summary><para type="description">The job's name (default: user, program and time).</para></summary>
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

        /// <summary>The shared parameters, as bound.</summary>
        protected static readonly string[] SharedSpecParameters =
        {
            nameof(Files), nameof(Jars), nameof(Packages), nameof(ExecutorMemory), nameof(ExecutorCores), nameof(DriverMemory),
            nameof(NumExecutors), nameof(Conf), nameof(Queue), nameof(SparkVersion), nameof(ClusterTags), nameof(CommandTags),
            nameof(Name), nameof(Tag), nameof(Description), nameof(Timeout), nameof(Email), nameof(Grouping), nameof(GroupingInstance),
            nameof(JobId), nameof(StagingUri),
        };

        /// <summary>The current location (a file system path).</summary>
        protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        /// <summary>A local path made absolute against the current location; URIs as they are.</summary>
        protected string? PathOf(string? path, string cwd) => path == null || SparkJobPreparer.IsRemote(path) ? path : Path.GetFullPath(Path.Combine(cwd, path));

        /// <summary>Puts the shared parameters the user gave into <paramref name="spec"/> (local paths made absolute).</summary>
        protected void AddSharedParameters(SparkJobSpec spec, string cwd)
        {
            var bound = MyInvocation.BoundParameters;
            string[]? PathsOf(string[]? ps) => ps?.Select(p => PathOf(p, cwd)!).ToArray();
            foreach (var name in SharedSpecParameters.Where(bound.ContainsKey))
            {
                switch (name)
                {
                    case nameof(Files): spec.Files = PathsOf(Files); break;
                    case nameof(Jars): spec.Jars = PathsOf(Jars); break;
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
        }

        /// <summary>Loads -SpecFile (null without one); a bad file is a terminating SparkJobSpecInvalid.</summary>
        protected (SparkJobSpec? Spec, string? Hash) LoadSpecFile()
        {
            if (SpecFile == null) return (null, null);
            var specPath = GetUnresolvedProviderPathFromPSPath(SpecFile);
            try
            {
                var spec = SparkJobSpec.Load(specPath);
                return (spec, spec.ComputeHash());
            }
            catch (SparkJobSpecException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkJobSpecInvalid, File.Exists(specPath) ? ErrorCategory.InvalidData : ErrorCategory.ObjectNotFound,
                    specPath, "Fix the spec file at the line and column the message names (docs/job-spec.md describes the format)."));
                return (null, null);
            }
        }

        /// <summary>The config file; a bad one is a terminating SheriffConfigInvalid.</summary>
        protected SheriffConfig LoadConfig()
        {
            try { return SheriffConfig.Load(); }
            catch (SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
                return null!;
            }
        }

        /// <summary>Maps what resolving the Spark settings threw (a bad parameter value, or an unknown profile) to a terminating error.</summary>
        protected void ThrowResolveError(Exception ex, SparkJobSpec parameters, GenieSession? session)
        {
            switch (ex)
            {
                case SparkJobSpecException spec:
                    // the spec file was checked on load and the config on its own load: what is left is the parameters' values
                    ThrowTerminatingError(NewError(spec, spec.IsConflict ? ErrorIds.SparkJobConflict : ErrorIds.SparkJobInvalid, ErrorCategory.InvalidArgument,
                        OffendingValue(parameters, spec.Field) ?? spec.Field, spec.Field is "executorMemory" or "driverMemory" ? "Use a Spark size such as 512m or 4g." : null));
                    break;
                case ArgumentException argument:
                    ThrowTerminatingError(NewError(argument, ErrorIds.GenieProfileNotFound, ErrorCategory.ObjectNotFound, session?.ProfileName));
                    break;
            }
        }

        /// <summary>A job that cannot be prepared (SparkJobException) as a terminating error with the matching id.</summary>
        protected void ThrowPrepareError(SparkJobException ex)
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
        }

        /// <summary>Stages what goes to S3, then submits; returns the job id (remembered for completion). Failures are terminating errors.</summary>
        protected string StageAndSubmit(GenieSession session, PreparedSparkJob job)
        {
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
                    return null!;
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
                return null!;
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, job.Request.Id));
                return null!;
            }
            RunspaceState.Current.RememberJobId(id);
            return id;
        }

        /// <summary>For -WhatIf: the command and cluster the registered resources give these criteria today (as Resolve-GenieJob).</summary>
        protected string WouldRunWith(GenieSession session, PreparedSparkJob plan)
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

        /// <summary>
        /// Waits for one job on the pipeline thread (progress at most once a second, after the first second; Ctrl+C stops
        /// waiting) and returns it finished, without emitting it. Null when <paramref name="timeout"/> passed first: then a
        /// GenieJobWaitTimeout error has been written (the job keeps running).
        /// </summary>
        protected GenieJob? WaitForJob(GenieSession session, string id, TimeSpan? timeout, string activity)
        {
            var watcher = new JobWatcher(session.Client, new[] { new KeyValuePair<string, GenieJob?>(id, null) }, new JobWatchOptions
            {
                MinInterval = TimeSpan.FromMilliseconds(250),
                MaxInterval = TimeSpan.FromSeconds(10),
            });
            var start = DateTime.UtcNow;
            var deadline = timeout == null ? DateTime.MaxValue : start + timeout.Value;
            var lastProgress = DateTime.MinValue;
            var shown = false;
            try
            {
                while (true)
                {
                    IReadOnlyList<JobWatchEvent> events;
                    try { events = Await(watcher.PollOnceAsync(Token)); }
                    catch (GenieException ex)
                    {
                        ThrowTerminatingError(GenieError(ex, id));
                        return null;
                    }
                    foreach (var e in events)
                    {
                        if (e.Job != null) return e.Job;
                        ThrowTerminatingError(GenieError(e.Error!, id, ErrorIds.GenieJobNotFound));
                    }
                    if (watcher.LastTransientError != null) WriteVerbose($"Polling Genie failed ({watcher.LastTransientError.Message}); trying again.");
                    var now = DateTime.UtcNow;
                    if (now - start >= TimeSpan.FromSeconds(1) && now - lastProgress >= TimeSpan.FromSeconds(1))
                    {
                        var status = watcher.Pending.FirstOrDefault()?.Status ?? "waiting";
                        WriteProgress(new ProgressRecord(1, activity, $"Job {id}: {status}, {(int)(now - start).TotalSeconds} s"));
                        lastProgress = now;
                        shown = true;
                    }
                    var remaining = deadline - now;
                    if (remaining <= TimeSpan.Zero)
                    {
                        var message = $"Genie job {id} was still {watcher.Pending.FirstOrDefault()?.Status ?? "running"} after {timeout!.Value.TotalSeconds:0.#} s.";
                        WriteError(NewError(new TimeoutException(message), ErrorIds.GenieJobWaitTimeout, ErrorCategory.OperationTimeout, id,
                            $"Wait longer (Wait-GenieJob -Id '{id}'), or stop it with Stop-GenieJob -Id '{id}'."));
                        return null;
                    }
                    var delay = watcher.NextDelay();
                    if (delay > remaining) delay = remaining;
                    if (Token.WaitHandle.WaitOne(delay)) throw new PipelineStoppedException();
                }
            }
            finally
            {
                if (shown) WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });
            }
        }

        /// <summary>The value the user gave for a spec field (for an error's target), or null.</summary>
        protected static object? OffendingValue(SparkJobSpec parameters, string? field)
        {
            if (string.IsNullOrEmpty(field)) return null;
            var property = typeof(SparkJobSpec).GetProperty(char.ToUpperInvariant(field![0]) + field.Substring(1));
            var value = property?.GetValue(parameters);
            return value is string[] list ? string.Join(",", list) : value;
        }

        /// <summary>-Conf as Spark properties (values as invariant strings; true/false lower case).</summary>
        protected IDictionary<string, string>? ConfOf(Hashtable? table)
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
