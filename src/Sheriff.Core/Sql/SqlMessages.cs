using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;

namespace Sheriff.Core.Sql
{
    /// <summary>Readable texts about SQL jobs: a failure with the line it points at, and advice on table statistics.</summary>
    public static class SqlMessages
    {
        /// <summary>The Spark setting that decides broadcast joins from a table's recorded size.</summary>
        public const string BroadcastThresholdSetting = "spark.sql.autoBroadcastJoinThreshold";

        /// <summary>
        /// The engine's message, then (when the error has a line within the query) that line of the query with a caret
        /// under the column:
        /// <code>
        /// syntax error at or near "FORM"
        ///   at line 2, column 10:
        ///      2 | SELECT a FORM t
        ///        |          ^
        /// </code>
        /// </summary>
        public static string DescribeFailure(SqlError error, string? query, string? engine = null)
        {
            if (error == null) throw new ArgumentNullException(nameof(error));
            var sb = new StringBuilder();
            sb.Append("The SQL job failed");
            if (!string.IsNullOrEmpty(engine)) sb.Append(" on ").Append(engine);
            sb.Append(" (").Append(error.Kind).Append("): ").Append(error.Message.TrimEnd());
            var excerpt = query == null ? null : QuoteLine(query, error.Line, error.Column);
            if (excerpt != null) sb.AppendLine().Append(excerpt);
            return sb.ToString();
        }

        /// <summary>"  at line N, column C:" then the line and a caret; null when the line is not in the query.</summary>
        public static string? QuoteLine(string query, int? line, int? column)
        {
            if (line == null || line < 1) return null;
            var lines = query.Replace("\r\n", "\n").Split('\n');
            if (line > lines.Length) return null;
            var text = lines[line.Value - 1].Replace('\t', ' ');
            var number = line.Value.ToString(CultureInfo.InvariantCulture);
            var sb = new StringBuilder();
            sb.Append("  at line ").Append(number);
            if (column != null && column >= 1) sb.Append(", column ").Append(column.Value.ToString(CultureInfo.InvariantCulture));
            sb.AppendLine(":");
            sb.Append("    ").Append(number).Append(" | ").Append(text);
            if (column != null && column >= 1 && column <= text.Length + 1)
            {
                sb.AppendLine();
                sb.Append("    ").Append(new string(' ', number.Length)).Append(" | ").Append(new string(' ', column.Value - 1)).Append('^');
            }
            return sb.ToString();
        }

        /// <summary>
        /// Warnings about a table's statistics, the ones that make Spark choose badly between a broadcast and a shuffle join:
        /// no recorded size; a recorded size more than <paramref name="tolerance"/> times smaller or larger than the real
        /// size of the files (stale: which way it is off, and what it means for spark.sql.autoBroadcastJoinThreshold);
        /// partitions without statistics or with stale ones.
        /// </summary>
        public static IReadOnlyList<string> StatisticsWarnings(SqlTableStatistics statistics, bool onePartition = false, double tolerance = 2.0)
        {
            if (statistics == null) throw new ArgumentNullException(nameof(statistics));
            var warnings = new List<string>();
            var table = statistics.Table;
            if (onePartition && statistics.Partitions.Count == 1)
            {
                var p = statistics.Partitions[0];
                var warning = SizeWarning(table, $"{table} partition {p.Name}", p.SizeInBytes, p.ActualSizeInBytes, tolerance, p.CollectedAt, $" -Partition {Hashtable(p)}");
                if (warning != null) warnings.Add(warning);
                return warnings;
            }
            var tableWarning = SizeWarning(table, table, statistics.SizeInBytes, statistics.ActualSizeInBytes, tolerance, statistics.CollectedAt, "");
            if (tableWarning != null) warnings.Add(tableWarning);
            if (statistics.Partitions.Count > 0)
            {
                var missing = statistics.Partitions.Where(p => p.SizeInBytes == null).ToList();
                var stale = statistics.Partitions.Where(p => p.SizeInBytes != null && IsOff(p.SizeInBytes.Value, p.ActualSizeInBytes, tolerance)).ToList();
                if (missing.Count > 0)
                    warnings.Add($"{missing.Count} of {statistics.Partitions.Count} partitions of {table} have no statistics ({Names(missing)}): " +
                        $"run Update-TableStatistics -Table {table} (or -Partition for one).");
                if (stale.Count > 0)
                    warnings.Add($"{stale.Count} of {statistics.Partitions.Count} partitions of {table} have a recorded size more than {tolerance.ToString("0.#", CultureInfo.InvariantCulture)}x off their real size ({Names(stale)}): " +
                        $"their statistics are stale; run Update-TableStatistics -Table {table} (or -Partition for one).");
            }
            return warnings;
        }

        private static string Hashtable(SqlPartitionStatistics p)
            => "@{ " + string.Join("; ", p.Spec.Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key} = '{Convert.ToString(e.Value, CultureInfo.InvariantCulture)?.Replace("'", "''")}'")) + " }";

        private static string Names(IReadOnlyList<SqlPartitionStatistics> partitions)
            => string.Join(", ", partitions.Take(5).Select(p => p.Name)) + (partitions.Count > 5 ? $", and {partitions.Count - 5} more" : "");

        private static bool IsOff(long recorded, long? actual, double tolerance)
        {
            if (actual == null) return false;
            if (recorded <= 0) return actual.Value > 0;
            if (actual.Value <= 0) return recorded > 0;
            var ratio = (double)actual.Value / recorded;
            return ratio > tolerance || ratio < 1 / tolerance;
        }

        private static string? SizeWarning(string table, string what, long? recorded, long? actual, double tolerance, DateTime? collectedAt, string partitionArgument)
        {
            var action = $"Run Update-TableStatistics -Table {table}{partitionArgument}.";
            var real = actual == null ? "" : $" ({Bytes(actual.Value)} of files)";
            if (recorded == null)
                return $"{what} has no statistics: Spark will estimate its size from its files{real} when planning joins " +
                    $"({BroadcastThresholdSetting}), and the optimizer has no row count. {action}";
            if (!IsOff(recorded.Value, actual, tolerance)) return null;
            var taken = collectedAt == null ? "" : $" (taken {collectedAt.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)";
            if (actual!.Value > recorded.Value)
            {
                var factor = recorded.Value <= 0 ? "far" : ((double)actual.Value / recorded.Value).ToString("0.#", CultureInfo.InvariantCulture) + "x";
                return $"The statistics of {what} are stale: the recorded size {Bytes(recorded.Value)}{taken} is {factor} smaller than the real size {Bytes(actual.Value)}. " +
                    $"Spark may broadcast it in joins ({BroadcastThresholdSetting}) although it is in fact much larger. {action}";
            }
            var larger = actual.Value <= 0 ? "far" : ((double)recorded.Value / actual.Value).ToString("0.#", CultureInfo.InvariantCulture) + "x";
            return $"The statistics of {what} are stale: the recorded size {Bytes(recorded.Value)}{taken} is {larger} larger than the real size {Bytes(actual.Value)}. " +
                $"Spark may shuffle it where a broadcast join ({BroadcastThresholdSetting}) would do. {action}";
        }

        /// <summary>A byte count for people: 1,234 bytes, 12.3 MB, 4.1 GB.</summary>
        public static string Bytes(long bytes)
        {
            if (bytes < 10 * 1024) return bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
            string[] units = { "KB", "MB", "GB", "TB", "PB", "EB" };
            double value = bytes;
            var unit = -1;
            while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
            return value.ToString(value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
        }
    }

    /// <summary>Fetches a SQL job's result file through Genie's output API.</summary>
    public static class SqlResultFetcher
    {
        /// <summary>
        /// Downloads jobs/{id}/output/{resultFile} to <paramref name="destination"/>; false when the job has no such file
        /// (the driver never got to write it). Other failures throw <see cref="GenieException"/>.
        /// </summary>
        public static async Task<bool> DownloadAsync(GenieClient client, string jobId, string resultFile, string destination, CancellationToken ct)
        {
            var reader = new JobOutputReader(client);
            try
            {
                using var file = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
                await reader.CopyToAsync(jobId, resultFile, file, ct).ConfigureAwait(false);
                return true;
            }
            catch (GenieOutputNotFoundException)
            {
                return false;
            }
        }
    }
}
