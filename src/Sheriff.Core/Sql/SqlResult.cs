using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;

namespace Sheriff.Core.Sql
{
    /// <summary>What went wrong in a failed SQL job, as the engine said it (the <c>error</c> of the result file).</summary>
    public sealed class SqlError
    {
        public SqlError(string kind, string message, int? line, int? column)
        {
            Kind = kind;
            Message = message;
            Line = line;
            Column = column;
        }

        /// <summary>syntax, analysis, mode, partition, schema, io, unsupported or internal (an engine may add others).</summary>
        public string Kind { get; }
        /// <summary>The engine's own message.</summary>
        public string Message { get; }
        /// <summary>1-based line in the query the engine points at, when it gives one.</summary>
        public int? Line { get; }
        /// <summary>1-based column in that line, when the engine gives one.</summary>
        public int? Column { get; }

        public override string ToString() => $"{Kind}: {Message}";
    }

    /// <summary>A column of a query result: its name and its Spark type.</summary>
    public sealed class SqlColumn
    {
        public SqlColumn(string name, SqlType type)
        {
            Name = name;
            Type = type;
        }

        public string Name { get; }
        public SqlType Type { get; }

        public override string ToString() => $"{Name} {Type}";
    }

    /// <summary>
    /// A struct value of a result row: field names and values in the type's order. Implements
    /// <see cref="IReadOnlyDictionary{TKey,TValue}"/> (by name, case-sensitive) for convenience.
    /// </summary>
    public sealed class SqlStruct : IReadOnlyDictionary<string, object?>
    {
        public SqlStruct(IReadOnlyList<string> names, object?[] values)
        {
            if (names.Count != values.Length) throw new ArgumentException("One value per field is expected.", nameof(values));
            Names = names;
            Values = values;
        }

        public IReadOnlyList<string> Names { get; }
        public object?[] Values { get; }

        public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The struct has no field '{key}'.");
        public IEnumerable<string> Keys => Names;
        IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => Values;
        public int Count => Values.Length;
        public bool ContainsKey(string key) => IndexOf(key) >= 0;

        public bool TryGetValue(string key, out object? value)
        {
            var i = IndexOf(key);
            value = i >= 0 ? Values[i] : null;
            return i >= 0;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Values.Length; i++) yield return new KeyValuePair<string, object?>(Names[i], Values[i]);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private int IndexOf(string key)
        {
            for (var i = 0; i < Names.Count; i++)
                if (string.Equals(Names[i], key, StringComparison.Ordinal)) return i;
            return -1;
        }

        public override string ToString() => "{" + string.Join(", ", Names.Select((n, i) => n + "=" + Values[i])) + "}";
    }

    /// <summary>What a SQL job wrote into a table (the <c>written</c> section of the result file). Invoke-SparkSql -OutputTable emits it.</summary>
    public sealed class SqlWriteSummary
    {
        /// <summary>database.table.</summary>
        public string Table { get; set; } = "";
        public long RowsWritten { get; set; }
        /// <summary>The partitions the rows went into, as <c>ds=2026-11-26</c> (empty for an unpartitioned table).</summary>
        public IReadOnlyList<string> Partitions { get; set; } = Array.Empty<string>();
        public string? Location { get; set; }
        /// <summary>overwrite, append or errorifexists.</summary>
        public string Mode { get; set; } = "";
        /// <summary>True when the table did not exist and the job created it.</summary>
        public bool Created { get; set; }
        /// <summary>The Genie job that wrote it.</summary>
        public string? JobId { get; set; }

        public override string ToString() => $"{Table}: {RowsWritten:N0} rows ({Mode}{(Created ? ", created" : "")})";
    }

    /// <summary>Recorded and measured statistics of one partition of a table.</summary>
    public sealed class SqlPartitionStatistics
    {
        /// <summary>The partition's column values, in the table's partition column order.</summary>
        public OrderedDictionary Spec { get; set; } = new OrderedDictionary();
        /// <summary>The partition as Spark names it: <c>ds=2026-11-26/country=NL</c>.</summary>
        public string Name => string.Join("/", Spec.Cast<DictionaryEntry>().Select(e => e.Key + "=" + Convert.ToString(e.Value, CultureInfo.InvariantCulture)));
        /// <summary>The size the catalog holds (what the optimizer uses); null when never analyzed.</summary>
        public long? SizeInBytes { get; set; }
        public long? RowCount { get; set; }
        /// <summary>When the statistics were taken (UTC); null when unknown.</summary>
        public DateTime? CollectedAt { get; set; }
        /// <summary>The real size: the sum of the file sizes under the partition's location.</summary>
        public long? ActualSizeInBytes { get; set; }

        public override string ToString() => Name;
    }

    /// <summary>Statistics of one column (from ANALYZE ... FOR COLUMNS).</summary>
    public sealed class SqlColumnStatistics
    {
        public string Name { get; set; } = "";
        public long? DistinctCount { get; set; }
        public long? NullCount { get; set; }
        public object? Min { get; set; }
        public object? Max { get; set; }

        public override string ToString() => Name;
    }

    /// <summary>
    /// A table's statistics: what the catalog records (size, rows, when) and the real size of its files, per table
    /// and per partition. Get-TableStatistics emits it.
    /// </summary>
    public sealed class SqlTableStatistics
    {
        /// <summary>database.table.</summary>
        public string Table { get; set; } = "";
        public string? Location { get; set; }
        public IReadOnlyList<string> PartitionColumns { get; set; } = Array.Empty<string>();
        /// <summary>The size the catalog holds, which Spark's optimizer compares with spark.sql.autoBroadcastJoinThreshold; null when never analyzed.</summary>
        public long? SizeInBytes { get; set; }
        public long? RowCount { get; set; }
        /// <summary>When the statistics were taken (UTC); null when unknown.</summary>
        public DateTime? CollectedAt { get; set; }
        /// <summary>The real size: the sum of the file sizes under the table's location (or the partition asked for).</summary>
        public long? ActualSizeInBytes { get; set; }
        public IReadOnlyList<SqlPartitionStatistics> Partitions { get; set; } = Array.Empty<SqlPartitionStatistics>();
        public IReadOnlyList<SqlColumnStatistics> Columns { get; set; } = Array.Empty<SqlColumnStatistics>();

        public override string ToString() => Table;
    }

    /// <summary>The parts of a <c>sheriff-sql-result.json</c> other than the rows (which <see cref="SqlResultReader"/> streams).</summary>
    public sealed class SqlResult
    {
        /// <summary>sheriff-sql-result/1.</summary>
        public string? Format { get; set; }
        /// <summary>The engine and its version, e.g. "spark 3.5.1" or "duckdb 1.4.2".</summary>
        public string? Engine { get; set; }
        /// <summary>succeeded or failed.</summary>
        public string Status { get; set; } = "";
        public bool Succeeded => string.Equals(Status, "succeeded", StringComparison.OrdinalIgnoreCase);
        public SqlError? Error { get; set; }
        public IReadOnlyList<SqlColumn> Columns { get; set; } = Array.Empty<SqlColumn>();
        /// <summary>The rows read, when the reader was asked to keep them (null when they were streamed to a callback).</summary>
        public IReadOnlyList<object?[]>? Rows { get; set; }
        /// <summary>How many rows the file held (returned, at most maxRows).</summary>
        public long RowsReturned { get; set; }
        /// <summary>Rows in the whole result (may exceed the rows returned).</summary>
        public long? RowCount { get; set; }
        /// <summary>True when the result had more rows than were returned.</summary>
        public bool Truncated { get; set; }
        public SqlWriteSummary? Written { get; set; }
        public SqlTableStatistics? Statistics { get; set; }
    }

    /// <summary>The result file is not the documented shape; names the place.</summary>
    public sealed class SqlResultFormatException : Exception
    {
        public SqlResultFormatException(string message, Exception? inner = null) : base(message, inner) { }
    }
}
