using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Sheriff.Core.Config;
using Sheriff.Core.Packaging;
using Sheriff.Core.Spark;

namespace Sheriff.Core.Sql
{
    /// <summary>The Spark settings of a SQL job: the same layers Submit-SparkJob merges, plus the engine.</summary>
    public sealed class SqlJobSettings
    {
        public SqlEngine Engine { get; set; } = SqlEngine.Spark;
        public SheriffConfig Config { get; set; } = SheriffConfig.Parse("{}", "(none)");
        /// <summary>The session's config profile (its sparkDefaults apply); null for none.</summary>
        public string? ProfileName { get; set; }
        /// <summary>A -SpecFile (its script, jar, class and argumentList cannot be used: the program is the SQL driver).</summary>
        public SparkJobSpec? SpecFile { get; set; }
        /// <summary>The Spark parameters given on the command line (resources, routing, metadata).</summary>
        public SparkJobSpec Parameters { get; set; } = new SparkJobSpec();
        /// <summary>Goes into the default job name: the .sql file's stem, "query", "analyze" ...</summary>
        public string NameStem { get; set; } = "query";
        /// <summary>Where the driver is extracted (null: <see cref="SqlDriver.DefaultCacheDirectory"/>).</summary>
        public string? DriverCacheDirectory { get; set; }
        /// <summary>Test hook: a driver file to ship instead of the embedded one.</summary>
        internal string? DriverPath { get; set; }
    }

    /// <summary>A SQL job ready to submit: the Spark job and the request file it ships. Dispose deletes the request file.</summary>
    public sealed class SqlJob : IDisposable
    {
        internal SqlJob(SqlRequest request, SqlEngine engine, PreparedSparkJob prepared, string requestPath, string folder)
        {
            Request = request;
            Engine = engine;
            Prepared = prepared;
            RequestPath = requestPath;
            _folder = folder;
        }

        private readonly string _folder;

        public SqlRequest Request { get; }
        public SqlEngine Engine { get; }
        /// <summary>The Spark job: send it with <see cref="SparkJobSubmitter"/>, as Submit-SparkJob does.</summary>
        public PreparedSparkJob Prepared { get; }
        /// <summary>The temporary sheriff-sql.json that travels with the job.</summary>
        public string RequestPath { get; }

        public void Dispose()
        {
            try { Directory.Delete(_folder, true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Turns a SQL request into a Spark job through the same pipeline as Submit-SparkJob (SparkJobResolver, then
    /// SparkJobPreparer): the program is the PySpark driver (extracted from the module), the request travels as the
    /// file sheriff-sql.json (--files, an attachment or staged like any file) and is the application's one argument.
    /// On the Spark engine the command criteria are the usual Spark ones (type:spark-submit, ver:X, -CommandTags); on
    /// DuckDB they are [type:sheriff-sql, engine:duckdb] (GenieLocal's local engine; the Spark version and command tags
    /// do not apply). Cluster tags, resources, conf and metadata are resolved as for any Spark job.
    /// </summary>
    public static class SqlJobBuilder
    {
        public const string LocalCommandTag = "type:sheriff-sql";
        public const string LocalEngineTag = "engine:duckdb";

        /// <exception cref="SqlRequestException">The request is not valid.</exception>
        /// <exception cref="SparkJobSpecException">A Spark setting is not valid (as for Submit-SparkJob).</exception>
        /// <exception cref="SparkJobException">The job cannot be prepared (a missing file, limits, a spec file that names a program).</exception>
        /// <exception cref="ArgumentException">The config has no profile <see cref="SqlJobSettings.ProfileName"/>.</exception>
        public static SqlJob Build(SqlRequest request, SqlJobSettings settings, SubmitContext context, ProjectPackager packager, bool build, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            request.Validate();
            if (settings.Engine == SqlEngine.DuckDb && request.Output != null && !string.Equals(request.Output.Format, "parquet", StringComparison.Ordinal))
                throw new SqlRequestException($"-Format '{request.Output.Format}' is not available on the local DuckDB engine (parquet only).", "Format", request.Output.Format);

            var spec = settings.SpecFile;
            if (spec != null)
            {
                var program = spec.Script != null ? "script" : spec.Jar != null ? "jar" : spec.Class != null ? "class" : spec.ArgumentList != null ? "argumentList" : null;
                if (program != null)
                    throw new SparkJobException(SparkJobProblem.Conflict,
                        $"The spec file gives '{program}', but a SQL job's program is Sheriff's SQL driver and its argument the request.", "SpecFile", program,
                        "Use a spec file with only resources, conf and routing (or remove that key) for Invoke-SparkSql.");
            }
            var parameters = settings.Parameters;
            if (parameters.Script != null || parameters.Jar != null || parameters.Class != null || parameters.ArgumentList != null)
                throw new ArgumentException("The SQL job's Spark parameters cannot name a program.", nameof(settings));

            var driver = settings.DriverPath ?? SqlDriver.EnsureExtracted(settings.DriverCacheDirectory);
            var folder = Path.Combine(Path.GetTempPath(), "sheriff-sql-" + Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            var requestPath = Path.Combine(folder, SqlRequest.FileName);
            try
            {
                request.Save(requestPath);
                var resolved = SparkJobResolver.Resolve(settings.Config, settings.ProfileName, spec, parameters);
                var values = resolved.Values;
                var sources = resolved.Sources.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

                values.Script = driver;
                values.Jar = null;
                values.Class = null;
                values.ArgumentList = new[] { SqlRequest.FileName };
                values.Files = (values.Files ?? Array.Empty<string>()).Concat(new[] { requestPath }).ToArray();
                sources["script"] = ValueSource.BuiltIn;
                sources["argumentList"] = ValueSource.BuiltIn;
                if (!sources.ContainsKey("files")) sources["files"] = ValueSource.BuiltIn;
                if (values.Name == null)
                {
                    values.Name = DefaultName(context, settings.NameStem);
                    sources["name"] = ValueSource.BuiltIn;
                }
                values.Tag = (values.Tag ?? Array.Empty<string>()).Concat(new[] { "sheriff.sql:" + request.Action.ToString().ToLowerInvariant() }).Distinct(StringComparer.Ordinal).ToArray();
                if (!sources.ContainsKey("tag")) sources["tag"] = ValueSource.BuiltIn;

                var commandTag = resolved.SparkCommandTag;
                if (settings.Engine == SqlEngine.DuckDb)
                {
                    commandTag = LocalCommandTag;
                    values.SparkVersion = null;
                    sources.Remove("sparkVersion");
                    values.CommandTags = new[] { LocalEngineTag };
                    sources["commandTags"] = ValueSource.BuiltIn;
                }
                var sqlResolved = new ResolvedSparkJob(values, sources, commandTag, resolved.SparkVersionTagFormat);
                var prepared = SparkJobPreparer.Prepare(sqlResolved, context, packager, build, ct);
                return new SqlJob(request, settings.Engine, prepared, requestPath, folder);
            }
            catch
            {
                try { Directory.Delete(folder, true); } catch (IOException) { }
                throw;
            }
        }

        private static string DefaultName(SubmitContext context, string stem)
        {
            static string Clean(string s) => new string(s.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray());
            return $"{Clean(context.User)}-sql-{Clean(stem)}-{context.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        }
    }
}
