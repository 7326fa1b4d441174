using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using Sheriff.Core.Config;
using Sheriff.Core.Genie;
using Sheriff.Core.Packaging;
using Sheriff.Core.Spark;
using Sheriff.Core.Sql;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>Where and how a SQL job runs: the session (null only for -WhatIf without one), the config and the engine.</summary>
    public sealed class SqlJobTarget
    {
        internal SqlJobTarget(GenieSession? session, SheriffConfig config, SqlEngine engine, SparkJobSpec parameters, SparkJobSpec? spec, string? specHash)
        {
            Session = session;
            Config = config;
            Engine = engine;
            Parameters = parameters;
            Spec = spec;
            SpecHash = specHash;
        }

        public GenieSession? Session { get; }
        public SheriffConfig Config { get; }
        public SqlEngine Engine { get; }
        internal SparkJobSpec Parameters { get; }
        internal SparkJobSpec? Spec { get; }
        internal string? SpecHash { get; }
    }

    /// <summary>A finished SQL job and its result file (downloaded to a temporary file; deleted on dispose).</summary>
    public sealed class SqlJobRun : IDisposable
    {
        internal SqlJobRun(GenieSession session, GenieJob job, string resultPath)
        {
            Session = session;
            Job = job;
            ResultPath = resultPath;
        }

        public GenieSession Session { get; }
        public GenieJob Job { get; }
        public string ResultPath { get; }

        public void Dispose()
        {
            try { File.Delete(ResultPath); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    // The steps of Invoke-SparkSql, Update-TableStatistics and Get-TableStatistics: choose the engine, build the job
    // through Core's SqlJobBuilder (the Submit-SparkJob pipeline), submit, wait, fetch the result file, report failures.
    public abstract partial class SparkJobCmdletBase
    {
        /// <summary>
        /// The session, config, Spark parameters and engine: -Engine, else the session's SqlEngine (Start-GenieLocal sets
        /// duckdb), else the config profile's sqlEngine, else spark.
        /// </summary>
        protected SqlJobTarget ResolveSqlTarget(string? engineParameter, bool requireSession)
        {
            var parameters = new SparkJobSpec();
            AddSharedParameters(parameters, CurrentDirectory);
            var (spec, hash) = LoadSpecFile();
            var session = requireSession ? ResolveSession() : TryResolveSession();
            var config = LoadConfig();
            string? name = engineParameter ?? session?.SqlEngine;
            if (name == null && session?.ProfileName != null && config.Profiles.TryGetValue(session.ProfileName, out var profile)) name = profile.SqlEngine;
            SqlEngine engine;
            try { engine = name == null ? SqlEngine.Spark : SqlEngines.Parse(name); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkSqlInvalid, ErrorCategory.InvalidArgument, name, "Use -Engine Spark or -Engine DuckDB."));
                return null!;
            }
            return new SqlJobTarget(session, config, engine, parameters, spec, hash);
        }

        /// <summary>
        /// Builds the SQL job, asks ShouldProcess (when <paramref name="shouldProcess"/>; -WhatIf shows the Spark job and
        /// the request), submits it, and returns its id; null when -WhatIf or the user declined.
        /// </summary>
        protected string? SubmitSql(SqlJobTarget target, SqlRequest request, string nameStem, bool shouldProcess, string action)
        {
            var settings = new SqlJobSettings
            {
                Engine = target.Engine,
                Config = target.Config,
                ProfileName = target.Session?.ProfileName,
                SpecFile = target.Spec,
                Parameters = target.Parameters,
                NameStem = nameStem,
            };
            var context = new SubmitContext { WorkingDirectory = CurrentDirectory, SpecFileHash = target.SpecHash };
            var packager = new ProjectPackager(ProjectPackager.DefaultCacheDirectory);
            var session = target.Session;
            if (shouldProcess)
            {
                using var plan = BuildSql(request, settings, context, packager, build: false, target);
                var description = plan.Prepared.Describe(session?.Uri) + Environment.NewLine + $"SQL engine: {target.Engine.ToName()}" + Environment.NewLine +
                    $"Request ({SqlRequest.FileName}):" + Environment.NewLine + request.ToJson().TrimEnd();
                if (MyInvocation.BoundParameters.ContainsKey("WhatIf") && session != null)
                    description += Environment.NewLine + "Genie would run it with: " + WouldRunWith(session, plan.Prepared);
                if (!ShouldProcess(description, $"{action} (Spark job '{plan.Prepared.Request.Name}')?", MyInvocation.MyCommand.Name))
                    return null;
            }
            session ??= ResolveSession();
            using var job = BuildSql(request, settings, context, packager, build: true, target);
            WriteVerbose($"SQL job on the {target.Engine.ToName()} engine; request: {request.ToJson().TrimEnd()}");
            return StageAndSubmit(session, job.Prepared);
        }

        private SqlJob BuildSql(SqlRequest request, SqlJobSettings settings, SubmitContext context, ProjectPackager packager, bool build, SqlJobTarget target)
        {
            try
            {
                return SqlJobBuilder.Build(request, settings, context, packager, build, Token);
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (SqlRequestException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkSqlInvalid, ErrorCategory.InvalidArgument, ex.Target ?? ex.Parameter));
            }
            catch (SparkJobException ex)
            {
                ThrowPrepareError(ex);
            }
            catch (Exception ex) when (ex is SparkJobSpecException || ex is ArgumentException)
            {
                ThrowResolveError(ex, target.Parameters, target.Session);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidOperationException)
            {
                // the driver could not be extracted into its cache, or the request file not written
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkSqlInvalid, ErrorCategory.WriteError, SqlDriver.DefaultCacheDirectory,
                    "Check that the cache folder and the temporary folder are writable."));
            }
            return null!;
        }

        /// <summary>
        /// Waits for a submitted SQL job and downloads its result file. Null when the wait timed out (GenieJobWaitTimeout
        /// written) or the job left no result (a SparkSqlFailed or SparkSqlResultInvalid error written).
        /// </summary>
        protected SqlJobRun? WaitForSql(GenieSession session, string id, int waitTimeoutSeconds, string activity, bool emitJob)
        {
            var job = WaitForJob(session, id, waitTimeoutSeconds > 0 ? TimeSpan.FromSeconds(waitTimeoutSeconds) : (TimeSpan?)null, activity);
            if (job == null) return null;
            RunspaceState.Current.RememberJobId(job.Id);
            if (emitJob) WriteObject(job);
            var path = Path.Combine(Path.GetTempPath(), "sheriff-sql-result-" + Guid.NewGuid().ToString("n") + ".json");
            bool found;
            try { found = Await(SqlResultFetcher.DownloadAsync(session.Client, id, SqlRequest.DefaultResultFile, path, Token)); }
            catch (GenieException ex)
            {
                TryDelete(path);
                WriteError(GenieError(ex, id, ErrorIds.GenieJobOutputNotFound));
                return null;
            }
            if (!found)
            {
                TryDelete(path);
                var failed = GenieJobStatus.IsFailure(job.Status);
                var message = failed
                    ? $"The SQL job {id} ended {job.Status}{(string.IsNullOrEmpty(job.StatusMessage) ? "" : ": " + job.StatusMessage)}, and wrote no {SqlRequest.DefaultResultFile} (it stopped before the query ran)."
                    : $"The SQL job {id} ended {job.Status} but wrote no {SqlRequest.DefaultResultFile}.";
                WriteError(NewError(new InvalidOperationException(message), failed ? ErrorIds.SparkSqlFailed : ErrorIds.SparkSqlResultInvalid,
                    failed ? ErrorCategory.InvalidOperation : ErrorCategory.InvalidResult, id,
                    $"Find the cause with Get-JobDiagnosis -Id '{id}', or read the log: Get-GenieJobOutput -Id '{id}' -Path stderr -Tail 50."));
                return null;
            }
            return new SqlJobRun(session, job, path);
        }

        /// <summary>
        /// Reads the result file (rows to <paramref name="onRow"/>, or kept); a malformed file writes SparkSqlResultInvalid,
        /// a failed job SparkSqlFailed with the engine's message and the query line it points at. Null after an error.
        /// </summary>
        protected SqlResult? ReadSqlResult(SqlJobRun run, string? query, Action<SqlResult, object?[]>? onRow)
        {
            SqlResult result;
            try { result = SqlResultReader.ReadFile(run.ResultPath, onRow); }
            catch (SqlResultFormatException ex)
            {
                WriteError(NewError(ex, ErrorIds.SparkSqlResultInvalid, ErrorCategory.InvalidResult, run.Job.Id,
                    $"Read the job's log: Get-GenieJobOutput -Id '{run.Job.Id}' -Path stderr -Tail 50."));
                return null;
            }
            if (!result.Succeeded || GenieJobStatus.IsFailure(run.Job.Status))
            {
                var error = result.Error ?? new SqlError("internal",
                    $"The job ended {run.Job.Status}{(string.IsNullOrEmpty(run.Job.StatusMessage) ? "" : ": " + run.Job.StatusMessage)}", null, null);
                var exception = new SqlJobFailedException(SqlMessages.DescribeFailure(error, query, result.Engine), error, run.Job);
                var record = NewError(exception, ErrorIds.SparkSqlFailed, CategoryOf(error.Kind), run.Job.Id,
                    RecommendationFor(error.Kind, run.Job.Id));
                WriteError(record);
                return null;
            }
            return result;
        }

        private static ErrorCategory CategoryOf(string kind) => kind switch
        {
            "syntax" or "analysis" or "partition" or "schema" => ErrorCategory.InvalidArgument,
            "mode" => ErrorCategory.ResourceExists,
            "io" => ErrorCategory.WriteError,
            "unsupported" => ErrorCategory.NotImplemented,
            _ => ErrorCategory.InvalidOperation,
        };

        private static string RecommendationFor(string kind, string id) => kind switch
        {
            "syntax" => "Fix the query at the line and column shown.",
            "analysis" => "Check the table and column names the message mentions (the table may not exist yet).",
            "mode" => "Use -Mode Overwrite or -Mode Append to write into the existing table.",
            "partition" => "Make -PartitionBy name columns of the query's result, the same as the existing table's partitioning.",
            "schema" => "Make the query's columns match the existing table's columns (names and types), or write to a new table.",
            "unsupported" => "This feature is not available on this engine; see docs/sql.md for what differs between the engines.",
            _ => $"Read the job's log: Get-GenieJobOutput -Id '{id}' -Path stderr -Tail 50, or Get-JobDiagnosis -Id '{id}'.",
        };

        /// <summary>A -Partition hashtable as partition column → value text (dates as yyyy-MM-dd, numbers invariant).</summary>
        protected IDictionary<string, string>? PartitionOf(Hashtable? table)
        {
            if (table == null || table.Count == 0) return null;
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
                string? text = value switch
                {
                    null => null,
                    string s => s,
                    DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    IFormattable f when value is not IEnumerable => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (text == null)
                    ThrowTerminatingError(NewError(new ArgumentException($"-Partition '{key}' must be a single value (a string, number, bool or date)."),
                        ErrorIds.SparkSqlInvalid, ErrorCategory.InvalidArgument, key));
                result[key] = text!;
            }
            return result;
        }

        /// <summary>Writes the statistics warnings (no statistics, stale ones) of a table.</summary>
        protected void WarnAboutStatistics(SqlTableStatistics statistics, bool onePartition)
        {
            foreach (var warning in SqlMessages.StatisticsWarnings(statistics, onePartition)) WriteWarning(warning);
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The exception behind a SparkSqlFailed error: the engine's error and the finished job.</summary>
    public sealed class SqlJobFailedException : Exception
    {
        public SqlJobFailedException(string message, SqlError error, GenieJob job) : base(message)
        {
            Error = error;
            Job = job;
        }

        public SqlError Error { get; }
        public GenieJob Job { get; }
    }
}
