using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Config;
using Sheriff.Core.Genie;
using Sheriff.Core.Packaging;
using Sheriff.Core.Spark;
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
    public sealed class SubmitSparkJobCommand : SparkJobCmdletBase
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

        /// <summary><para type="description">Archives for --archives (extracted in each executor's working directory).</para></summary>
        [Parameter]
        public string[]? Archives { get; set; }

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
            nameof(Script), nameof(Jar), nameof(Class), nameof(ArgumentList), nameof(ProjectPath), nameof(PyFiles), nameof(Archives),
        };

        protected override void ProcessRecord()
        {
            var cwd = CurrentDirectory;
            var parameters = ParametersAsSpec(cwd);
            var (spec, specHash) = LoadSpecFile();

            if (ExportSpec != null)
            {
                Export(spec, parameters);
                return;
            }

            var session = TryResolveSession();
            var config = LoadConfig();
            ResolvedSparkJob resolved;
            try { resolved = SparkJobResolver.Resolve(config, session?.ProfileName, spec, parameters); }
            catch (Exception ex) when (ex is SparkJobSpecException || ex is ArgumentException)
            {
                ThrowResolveError(ex, parameters, session);
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

            var id = StageAndSubmit(session, job);

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
                ThrowPrepareError(ex);
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
            string[]? PathsOf(string[]? ps) => ps?.Select(p => PathOf(p, cwd)!).ToArray();
            foreach (var name in SpecParameters.Where(bound.ContainsKey))
            {
                switch (name)
                {
                    case nameof(Script): spec.Script = PathOf(Script, cwd); break;
                    case nameof(Jar): spec.Jar = PathOf(Jar, cwd); break;
                    case nameof(Class): spec.Class = Class; break;
                    case nameof(ArgumentList): spec.ArgumentList = ArgumentList ?? Array.Empty<string>(); break;
                    case nameof(ProjectPath): spec.ProjectPath = PathOf(ProjectPath, cwd); break;
                    case nameof(PyFiles): spec.PyFiles = PathsOf(PyFiles); break;
                    case nameof(Archives): spec.Archives = PathsOf(Archives); break;
                }
            }
            AddSharedParameters(spec, cwd);
            return spec;
        }
    }
}
