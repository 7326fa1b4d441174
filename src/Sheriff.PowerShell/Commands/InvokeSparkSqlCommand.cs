using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using Sheriff.Core.Genie;
using Sheriff.Core.Sql;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs a Spark SQL query as a Genie job: its rows come back as objects, or it writes them into a table.</para>
    /// <para type="description">Sends a query (-Query, or a .sql file with -Path) as a Spark job: Sheriff's PySpark driver,
    /// shipped with the module, runs it with Spark SQL and writes a result file the cmdlet reads back. ${name} placeholders
    /// take -Parameters values as safe SQL literals (a placeholder without a parameter, or a parameter without a
    /// placeholder, is an error; docs/sql.md has the rules). Without -OutputTable the cmdlet waits and emits one object per
    /// row with typed values (integers, decimals, doubles, booleans, dates, timestamps as UTC DateTime, nulls; arrays as
    /// object[], structs as objects, maps as ordered hashtables), at most -MaxRows of them, with a warning when the result
    /// had more. With -OutputTable it writes the result into that table (created in the metastore when missing, partitioned
    /// by -PartitionBy; -Mode Overwrite replaces only the partitions the result holds, Append adds, ErrorIfExists refuses
    /// an existing table) and emits the finished job and a summary of what was written. -NoWait emits the job at once.
    /// The Spark settings (resources, cluster and Spark version routing, spec files, config defaults) are those of
    /// Submit-SparkJob. A session made by Start-GenieLocal runs SQL on GenieLocal's local DuckDB engine instead of Spark
    /// (-Engine overrides). A failed query writes a SparkSqlFailed error with the engine's message and the line of the
    /// query it points at.</para>
    /// </summary>
    /// <example>
    /// <code>Invoke-SparkSql -Query 'SELECT country, count(*) AS n FROM sales.orders WHERE ds = ${ds} GROUP BY country' -Parameters @{ ds = '2026-11-26' }</code>
    /// <para>Runs a query and emits one object per row, with the date given safely as a SQL string literal.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-SparkSql -Path ./sql/daily_summary.sql -Parameters @{ ds = [datetime]'2026-11-26' } -OutputTable reports.daily_summary -PartitionBy ds -Mode Overwrite -ClusterTags sched:sla</code>
    /// <para>Writes a .sql file's result into a partitioned table, replacing only that day's partition; emits the job and a summary.</para>
    /// </example>
    /// <example>
    /// <code>Start-GenieLocal; Invoke-SparkSql -Query 'SELECT 1 AS one, DATE ''2026-11-26'' AS d' -ClusterTags sched:adhoc</code>
    /// <para>Runs SQL locally on GenieLocal's DuckDB engine, without a cluster.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "SparkSql", DefaultParameterSetName = QuerySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PSObject), typeof(GenieJob), typeof(SqlWriteSummary))]
    public sealed class InvokeSparkSqlCommand : SparkJobCmdletBase
    {
        private const string QuerySet = "Query";
        private const string PathSet = "Path";

        /// <summary><para type="description">The SQL query (one statement), with ${name} placeholders for -Parameters.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = QuerySet, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string Query { get; set; } = "";

        /// <summary><para type="description">A .sql file holding the query (UTF-8).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary><para type="description">Values for the query's ${name} placeholders, e.g. @{ ds = '2026-11-26'; ids = 1, 2, 3 }: strings, numbers, booleans, dates, null and lists (for IN (...)), rendered as safe SQL literals.</para></summary>
        [Parameter]
        public Hashtable? Parameters { get; set; }

        /// <summary><para type="description">Write the result into this table (database.table, or table in database default) instead of returning rows; it is created when missing.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputTable { get; set; }

        /// <summary><para type="description">With -OutputTable: the partition columns (columns of the result).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? PartitionBy { get; set; }

        /// <summary><para type="description">With -OutputTable: Overwrite (replace the partitions the result holds; all data of an unpartitioned table), Append, or ErrorIfExists (the default, as Spark's: fail when the table exists).</para></summary>
        [Parameter]
        public SqlWriteMode Mode { get; set; } = SqlWriteMode.ErrorIfExists;

        /// <summary><para type="description">With -OutputTable: the table's file format, parquet (default; the only one on the local engine), orc, json or csv.</para></summary>
        [Parameter]
        [ValidateSet("parquet", "orc", "json", "csv", IgnoreCase = true)]
        public string? Format { get; set; }

        /// <summary><para type="description">With -OutputTable: where a new table's files go (s3://bucket/path, file:///path); default: the warehouse.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Location { get; set; }

        /// <summary><para type="description">Without -OutputTable: rows to return at most (default 1000); a warning says when the result had more.</para></summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxRows { get; set; } = 1000;

        /// <summary><para type="description">Emit the job at once instead of waiting for its rows or its summary.</para></summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary><para type="description">Seconds to wait at most (default: no limit); the job keeps running after a timeout.</para></summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int WaitTimeout { get; set; }

        /// <summary><para type="description">The SQL engine: Spark (the PySpark driver on the cluster) or DuckDB (GenieLocal's local engine). Default: the session's (Start-GenieLocal: DuckDB), else the config profile's sqlEngine, else Spark.</para></summary>
        [Parameter]
        [ValidateSet("Spark", "DuckDB", IgnoreCase = true)]
        public string? Engine { get; set; }

        protected override void ProcessRecord()
        {
            var bound = MyInvocation.BoundParameters;
            if (OutputTable == null)
            {
                foreach (var name in new[] { nameof(PartitionBy), nameof(Mode), nameof(Format), nameof(Location) })
                    if (bound.ContainsKey(name))
                        ThrowTerminatingError(NewError(new ArgumentException($"-{name} describes the table written with -OutputTable; give -OutputTable too."),
                            ErrorIds.SparkSqlInvalid, ErrorCategory.InvalidArgument, name));
            }
            else if (bound.ContainsKey(nameof(MaxRows)))
            {
                ThrowTerminatingError(NewError(new ArgumentException("-MaxRows limits the rows returned; with -OutputTable the rows go into the table and none are returned."),
                    ErrorIds.SparkSqlInvalid, ErrorCategory.InvalidArgument, nameof(MaxRows)));
            }

            var (text, stem) = ReadQuery();
            var target = ResolveSqlTarget(Engine, requireSession: false);
            string query;
            try
            {
                query = SqlParameters.Substitute(text, ParameterValues(), target.Engine.Dialect());
            }
            catch (SqlParameterException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkSqlParameterInvalid, ErrorCategory.InvalidArgument, (object?)ex.Name ?? Parameters,
                    ex.Line == null ? "Give every ${name} of the query a value in -Parameters, and no others." : $"Give -Parameters a value for it, or write $${{ for a literal ${{ (line {ex.Line})."));
                return;
            }

            var request = new SqlRequest { Action = SqlAction.Query, Query = query, MaxRows = MaxRows };
            if (OutputTable != null)
            {
                request.Output = new SqlOutput
                {
                    Table = OutputTable,
                    PartitionBy = (PartitionBy ?? Array.Empty<string>()).ToList(),
                    Mode = Mode,
                    Format = (Format ?? "parquet").ToLowerInvariant(),
                    Location = Location,
                };
            }
            var action = OutputTable == null ? "Run SQL query" : $"Write the query's result into {OutputTable} ({Mode})";
            var id = SubmitSql(target, request, stem, shouldProcess: true, action);
            if (id == null) return;
            var session = target.Session ?? ResolveSession();

            if (NoWait)
            {
                try { WriteObject(Await(session.Client.GetJobAsync(id, Token))); }
                catch (GenieException ex) { WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound)); }
                return;
            }

            using var run = WaitForSql(session, id, WaitTimeout, $"Spark SQL ({target.Engine.ToName()})", emitJob: OutputTable != null);
            if (run == null) return;
            if (OutputTable != null) EmitSummary(run, query);
            else EmitRows(run, query);
        }

        private void EmitRows(SqlJobRun run, string query)
        {
            SqlRowConverter? converter = null;
            var result = ReadSqlResult(run, query, (header, row) =>
            {
                if (converter == null)
                {
                    converter = new SqlRowConverter(header.Columns);
                    if (converter.Renamed.Count > 0)
                        WriteWarning($"Columns with the same name (PowerShell properties ignore case) were renamed: {string.Join(", ", converter.Renamed)}.");
                }
                WriteObject(converter.ToObject(row));
            });
            if (result == null) return;
            WriteVerbose($"Job {run.Job.Id} on {result.Engine}: {result.RowsReturned:N0} row(s) returned{(result.RowCount == null ? "" : $" of {result.RowCount:N0}")}.");
            if (result.Truncated || (result.RowCount != null && result.RowCount > result.RowsReturned))
            {
                var total = result.RowCount == null ? "more" : result.RowCount.Value.ToString("N0", CultureInfo.InvariantCulture);
                WriteWarning($"Returned {result.RowsReturned.ToString("N0", CultureInfo.InvariantCulture)} of {total} rows; raise -MaxRows or write to a table with -OutputTable.");
            }
        }

        private void EmitSummary(SqlJobRun run, string query)
        {
            var result = ReadSqlResult(run, query, null);
            if (result == null) return;
            if (result.Written == null)
            {
                WriteError(NewError(new InvalidOperationException($"The SQL job {run.Job.Id} succeeded but its result says nothing about the table it wrote."),
                    ErrorIds.SparkSqlResultInvalid, ErrorCategory.InvalidResult, run.Job.Id));
                return;
            }
            result.Written.JobId = run.Job.Id;
            WriteObject(result.Written);
        }

        /// <summary>The query text and a stem for the job's name (the file's name, or "query").</summary>
        private (string Text, string Stem) ReadQuery()
        {
            if (ParameterSetName != PathSet) return (Query, "query");
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(path) || !File.Exists(path))
            {
                ThrowTerminatingError(NewError(new FileNotFoundException($"The SQL file '{Path}' does not exist{(Directory.Exists(path) ? " (it is a folder)" : "")}.", path),
                    ErrorIds.SparkJobFileNotFound, ErrorCategory.ObjectNotFound, Path));
            }
            try
            {
                var text = File.ReadAllText(path, new UTF8Encoding(false));
                return (text, System.IO.Path.GetFileNameWithoutExtension(path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkJobFileNotFound, ErrorCategory.ReadError, Path));
                return default;
            }
        }

        /// <summary>-Parameters with PowerShell wrappers removed (PSObject, arrays of PSObject).</summary>
        private IDictionary<string, object?>? ParameterValues()
        {
            if (Parameters == null) return null;
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in Parameters)
            {
                var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                values[key] = Unwrap(entry.Value);
            }
            return values;
        }

        private static object? Unwrap(object? value)
        {
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is IEnumerable list && value is not string && value is not byte[] && value is not IDictionary)
            {
                var items = new List<object?>();
                foreach (var item in list) items.Add(item is PSObject p ? p.BaseObject : item);
                return items;
            }
            return value;
        }
    }
}
