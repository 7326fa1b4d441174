using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Diagnosis;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Diagnoses a failed Genie/Spark job: reads its logs and says what went wrong and what to change.</para>
    /// <para type="description">Reads a job's status message, the end of its stderr, stdout and spark.log, and Genie's own
    /// logs (genie/logs/setup.log, agent.log), or local log files (-Path), or text (-InputObject), and matches them against
    /// failure signatures: Python and JVM errors, missing modules and classes, driver and executor out of memory, YARN
    /// containers killed for memory, disk full, shuffle fetch failures, lost executors, data skew, broadcast joins that are
    /// too large, analysis errors, type mismatches, Spark version mismatches, S3 errors, metastore errors, serialization
    /// errors, timeouts, Python worker crashes, queue problems and Genie-level failures.</para>
    /// <para type="description">It looks for the root cause, not the loudest line: it follows Caused by: chains, Py4J
    /// wrappers and "Job aborted due to stage failure" wrappers, prefers specific signatures over generic ones and the first
    /// failure over its echoes. A job that succeeded gets no failure diagnosis (category None), whatever WARN lines it
    /// printed. When no signature matches, the diagnosis says so (category Unknown) and shows the last error-looking
    /// lines.</para>
    /// <para type="description">Remote logs are read from their end with Range requests, and only as far back as needed
    /// (at most 2 MB per job); local files are streamed. Rules are data: the built-in rules ship in the module, and team
    /// rule files (-RulePath, or the config file's "diagnosisRules" entry) add rules or override them by id. A malformed
    /// rule file is a terminating RuleFileInvalid error naming the file, the rule and the field.</para>
    /// <para type="description">Also available as Get-GenieJobDiagnosis.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieJob -Id 3f2c9a10 | Get-JobDiagnosis</code>
    /// <para>Diagnoses one job. The default view reads like a report: the title, the cause, the recommendation and the evidence lines.</para>
    /// </example>
    /// <example>
    /// <code>Get-JobDiagnosis -Path ./stderr.log, ./spark.log -AsText</code>
    /// <para>Diagnoses local log files and returns the plain report text, for runbooks and tickets.</para>
    /// </example>
    /// <example>
    /// <code>Get-JobDiagnosis -InputObject (Get-Clipboard -Raw)</code>
    /// <para>Diagnoses pasted log text.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJob -Status FAILED | Get-JobDiagnosis -RulePath ./team-rules.json | Group-Object Category</code>
    /// <para>Counts failure categories of failed jobs, with the team's own rules added.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "JobDiagnosis", DefaultParameterSetName = IdSet)]
    [Alias("Get-GenieJobDiagnosis")]
    [OutputType(typeof(JobDiagnosis))]
    [OutputType(typeof(string))]
    public sealed class GetJobDiagnosisCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string PathSet = "Path";
        private const string TextSet = "Text";
        /// <summary>The config file key that lists team rule files (a string or an array; relative to the config file).</summary>
        public const string ConfigKey = "diagnosisRules";

        /// <summary>
        /// <para type="description">One or more job ids. Binds from the pipeline and from an Id or JobId property (GenieJob
        /// objects from Get-GenieJob, Submit-SparkJob or Wait-GenieJob, CSV rows). The job is read fresh from Genie, so its
        /// current status is used.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">Local log files, diagnosed together as one job's logs (in the order given; wildcards
        /// allowed). Each file is streamed, never loaded whole.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">Log text to diagnose (one or more strings; each may hold many lines).</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = TextSet)]
        [AllowEmptyString]
        public string[] InputObject { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">With -Path or -InputObject: the job's final status when known (SUCCEEDED, FAILED,
        /// KILLED). A SUCCEEDED job gets no failure diagnosis; FAILED lets weaker evidence count. Without it, a failure
        /// needs an uncaught exception, a traceback, a failed final status, or ERROR lines.</para>
        /// </summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = TextSet)]
        [ValidateSet("SUCCEEDED", "FAILED", "KILLED", "INVALID", "RUNNING")]
        public string? JobStatus { get; set; }

        /// <summary>
        /// <para type="description">Team rule files (JSON: an array of rules, or an object with a "rules" array) applied
        /// after the built-in rules and the config file's "diagnosisRules" files. A rule with a known id overrides only the
        /// fields it gives; "disabled": true removes it.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RulePath { get; set; }

        /// <summary>
        /// <para type="description">Returns the plain report text (a string starting with "========= Report ==========")
        /// instead of JobDiagnosis objects.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter AsText { get; set; }

        private DiagnosisEngine? _engine;

        protected override void BeginProcessing()
        {
            var files = new List<string>();
            try
            {
                var config = Core.Config.SheriffConfig.Load();
                var entry = config.Raw?[ConfigKey];
                var baseDir = config.Path != null ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(config.Path)) ?? "" : "";
                if (entry != null && entry.Type != JTokenType.Null)
                {
                    var items = entry is JArray a ? a.ToList() : new List<JToken> { entry };
                    foreach (var item in items)
                    {
                        if (item.Type != JTokenType.String)
                            ThrowTerminatingError(NewError(new ArgumentException($"{config.Path}: '{ConfigKey}' must be a path or an array of paths."),
                                ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, config.Path, "Fix the config file's diagnosisRules entry."));
                        files.Add(System.IO.Path.Combine(baseDir, (string)item!));
                    }
                }
            }
            catch (Core.Config.SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
            }
            if (RulePath != null)
                foreach (var p in RulePath) files.Add(GetUnresolvedProviderPathFromPSPath(p));
            try
            {
                _engine = new DiagnosisEngine(RuleSet.Load(files));
            }
            catch (RuleFileException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.RuleFileInvalid, ErrorCategory.InvalidData, ex.File,
                    "Fix the rule file at the rule and field the message names, or leave it out of -RulePath."));
            }
            foreach (var f in files) WriteVerbose($"Diagnosis rules added from {f}.");
        }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case IdSet:
                    ProcessIds();
                    break;
                case PathSet:
                    ProcessPaths();
                    break;
                default:
                    Emit(_engine!.Diagnose(LogSource.FromText(string.Join("\n", InputObject ?? Array.Empty<string>()), "text"), JobStatus));
                    break;
            }
        }

        private void ProcessIds()
        {
            var session = ResolveSession();
            var messages = new ConcurrentQueue<string>();
            var diagnoser = new RemoteJobDiagnoser(new JobOutputReader(session.Client), _engine!) { Log = messages.Enqueue };
            foreach (var id in Id)
            {
                try
                {
                    var job = Await(session.Client.GetJobAsync(id, Token));
                    WriteVerbose($"Job {id} is {job.Status}: {job.StatusMessage}");
                    var diagnosis = Await(diagnoser.DiagnoseAsync(job, Token));
                    while (messages.TryDequeue(out var m)) WriteVerbose($"Job {id} {m}");
                    Emit(diagnosis);
                }
                catch (GenieException ex)
                {
                    while (messages.TryDequeue(out _)) { }
                    WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound, "Check the job id (Get-GenieJob lists recent jobs)."));
                }
            }
        }

        private void ProcessPaths()
        {
            var sources = new List<LogSource>();
            foreach (var p in Path)
            {
                Collection<string> resolved;
                try
                {
                    resolved = GetResolvedProviderPathFromPSPath(p, out _);
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException)
                {
                    WriteError(NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.ObjectNotFound, p, "Check the log file path."));
                    continue;
                }
                catch (WildcardPatternException ex)
                {
                    WriteError(NewError(new ArgumentException($"-Path '{p}' is not a valid wildcard pattern: {ex.Message}", nameof(Path)),
                        ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, p,
                        "Close every [ with a ], or escape [ and ] with a backtick to match them literally."));
                    continue;
                }
                foreach (var file in resolved) sources.Add(LogSource.FromFile(file, p == file || resolved.Count > 1 ? file : p));
            }
            if (sources.Count == 0) return;
            try
            {
                Emit(_engine!.Diagnose(sources, JobStatus));
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                WriteError(NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.ReadError, string.Join(", ", Path), "Check that the log files can be read."));
            }
        }

        private void Emit(JobDiagnosis diagnosis)
        {
            if (AsText) WriteObject(diagnosis.ToReport());
            else WriteObject(diagnosis);
        }
    }
}
