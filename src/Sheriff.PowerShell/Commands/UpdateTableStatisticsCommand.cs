using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.Core.Sql;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Computes a table's statistics (ANALYZE TABLE) so Spark's optimizer knows its real size and row count.</para>
    /// <para type="description">Submits a SQL job that runs ANALYZE TABLE ... COMPUTE STATISTICS for the table, or one
    /// partition of it (-Partition), and column statistics for -Column or -AllColumns. Spark decides whether to broadcast
    /// a table in a join by comparing its recorded size with spark.sql.autoBroadcastJoinThreshold: stale statistics make
    /// it broadcast a table that is in fact huge, or shuffle one that is small. The cmdlet waits, then emits the table's
    /// statistics as Get-TableStatistics does (size recorded, rows, when, and the real size of its files); -NoWait emits
    /// the job at once. It takes the same Spark settings as Submit-SparkJob, and runs on GenieLocal's DuckDB engine in a
    /// Start-GenieLocal session.</para>
    /// </summary>
    /// <example>
    /// <code>Update-TableStatistics -Table sales.orders</code>
    /// <para>Computes the size and row count of a table (every partition of a partitioned one) and emits them.</para>
    /// </example>
    /// <example>
    /// <code>Update-TableStatistics -Table sales.orders -Partition @{ ds = '2026-11-26' } -Column customer_id, amount</code>
    /// <para>Analyzes one day's partition, with column statistics for two columns.</para>
    /// </example>
    [Cmdlet(VerbsData.Update, "TableStatistics", DefaultParameterSetName = TableSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SqlTableStatistics), typeof(GenieJob))]
    public sealed class UpdateTableStatisticsCommand : SparkJobCmdletBase
    {
        private const string TableSet = "Table";
        private const string ColumnSet = "Column";
        private const string AllColumnsSet = "AllColumns";

        /// <summary><para type="description">The table: database.table, or table in database default.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Table { get; set; } = "";

        /// <summary><para type="description">Analyze only this partition, e.g. @{ ds = '2026-11-26' } (every partition column of the table).</para></summary>
        [Parameter]
        public Hashtable? Partition { get; set; }

        /// <summary><para type="description">Also compute column statistics (distinct count, nulls, min, max) for these columns.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ColumnSet)]
        [ValidateNotNullOrEmpty]
        public string[] Column { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Also compute column statistics for every column.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = AllColumnsSet)]
        public SwitchParameter AllColumns { get; set; }

        /// <summary><para type="description">Emit the job at once instead of waiting and emitting the statistics.</para></summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary><para type="description">Seconds to wait at most (default: no limit); the job keeps running after a timeout.</para></summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int WaitTimeout { get; set; }

        /// <summary><para type="description">The SQL engine: Spark or DuckDB (GenieLocal's local engine). Default: the session's, else the config profile's sqlEngine, else Spark.</para></summary>
        [Parameter]
        [ValidateSet("Spark", "DuckDB", IgnoreCase = true)]
        public string? Engine { get; set; }

        protected override void ProcessRecord()
        {
            var partition = PartitionOf(Partition);
            var target = ResolveSqlTarget(Engine, requireSession: false);
            var request = new SqlRequest
            {
                Action = SqlAction.Analyze,
                Table = Table,
                Partition = partition,
                Columns = ParameterSetName == ColumnSet ? Column.ToList() : null,
                AllColumns = AllColumns,
            };
            var id = SubmitSql(target, request, "analyze-" + Table, shouldProcess: true, $"Compute the statistics of {Table}");
            if (id == null) return;
            var session = target.Session ?? ResolveSession();
            if (NoWait)
            {
                try { WriteObject(Await(session.Client.GetJobAsync(id, Token))); }
                catch (GenieException ex) { WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound)); }
                return;
            }
            using var run = WaitForSql(session, id, WaitTimeout, $"Table statistics ({target.Engine.ToName()})", emitJob: false);
            if (run == null) return;
            var result = ReadSqlResult(run, null, null);
            if (result == null) return;
            if (result.Statistics == null)
            {
                WriteWarning($"Job {id} analyzed {Table}, but the engine returned no statistics; read them with Get-TableStatistics -Table {Table}.");
                return;
            }
            WriteObject(result.Statistics);
            WarnAboutStatistics(result.Statistics, partition != null);
        }
    }
}
