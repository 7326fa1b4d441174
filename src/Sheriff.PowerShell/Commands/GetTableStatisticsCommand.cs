using System.Collections;
using System.Management.Automation;
using Sheriff.Core.Sql;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows a table's statistics: recorded size and row count, when they were taken, and the real size of its files.</para>
    /// <para type="description">Submits a small SQL job that reads the statistics the catalog records for the table (and
    /// each partition, or the one -Partition names) and measures the real size of the data (the sum of the file sizes
    /// under the table's location), then emits a SqlTableStatistics object: Table, SizeInBytes, RowCount, CollectedAt,
    /// ActualSizeInBytes, Partitions and Columns. It warns when a recorded size is missing (Spark then estimates from the
    /// files) or more than twice off the real size either way (stale statistics: Spark may broadcast a table that is in
    /// fact huge, because spark.sql.autoBroadcastJoinThreshold is compared with the recorded size, or shuffle one that is
    /// small); Update-TableStatistics fixes both. It takes the same Spark settings as Submit-SparkJob, and runs on
    /// GenieLocal's DuckDB engine in a Start-GenieLocal session.</para>
    /// </summary>
    /// <example>
    /// <code>Get-TableStatistics -Table sales.orders</code>
    /// <para>Shows the table's recorded and real size, row count and per-partition figures, with warnings when they are missing or stale.</para>
    /// </example>
    /// <example>
    /// <code>(Get-TableStatistics -Table sales.orders).Partitions | Sort-Object ActualSizeInBytes -Descending | Select-Object -First 5</code>
    /// <para>The five largest partitions.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "TableStatistics")]
    [OutputType(typeof(SqlTableStatistics))]
    public sealed class GetTableStatisticsCommand : SparkJobCmdletBase
    {
        /// <summary><para type="description">The table: database.table, or table in database default.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Table { get; set; } = "";

        /// <summary><para type="description">Only this partition, e.g. @{ ds = '2026-11-26' }.</para></summary>
        [Parameter]
        public Hashtable? Partition { get; set; }

        /// <summary><para type="description">Seconds to wait at most for the job (default: no limit).</para></summary>
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
            var target = ResolveSqlTarget(Engine, requireSession: true);
            var request = new SqlRequest { Action = SqlAction.Stats, Table = Table, Partition = partition };
            var id = SubmitSql(target, request, "stats-" + Table, shouldProcess: false, $"Read the statistics of {Table}");
            if (id == null) return;
            using var run = WaitForSql(target.Session!, id, WaitTimeout, $"Table statistics ({target.Engine.ToName()})", emitJob: false);
            if (run == null) return;
            var result = ReadSqlResult(run, null, null);
            if (result == null) return;
            if (result.Statistics == null)
            {
                WriteError(NewError(new System.InvalidOperationException($"The statistics job {id} succeeded but returned no statistics for {Table}."),
                    ErrorIds.SparkSqlResultInvalid, ErrorCategory.InvalidResult, id));
                return;
            }
            WriteObject(result.Statistics);
            WarnAboutStatistics(result.Statistics, partition != null);
        }
    }
}
