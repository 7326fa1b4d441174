using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;

namespace Sheriff.Core.Sql
{
    /// <summary>What a SQL job does (the request's <c>action</c>).</summary>
    public enum SqlAction
    {
        /// <summary>Run a query; return rows, or write them into a table.</summary>
        Query,
        /// <summary>ANALYZE TABLE ... COMPUTE STATISTICS.</summary>
        Analyze,
        /// <summary>Read a table's recorded statistics and measure its real size.</summary>
        Stats,
    }

    /// <summary>How a query's result goes into an existing table.</summary>
    public enum SqlWriteMode
    {
        /// <summary>Replace the partitions the result holds (dynamic partition overwrite); others survive. Unpartitioned: replace all.</summary>
        Overwrite,
        /// <summary>Add the rows.</summary>
        Append,
        /// <summary>Fail when the table exists.</summary>
        ErrorIfExists,
    }

    /// <summary>Where a query's result is written (the request's <c>output</c>).</summary>
    public sealed class SqlOutput
    {
        /// <summary>database.table, or table (database "default").</summary>
        public string Table { get; set; } = "";
        public IList<string> PartitionBy { get; set; } = new List<string>();
        public SqlWriteMode Mode { get; set; } = SqlWriteMode.Overwrite;
        /// <summary>parquet (both engines); orc, json, csv (Spark only).</summary>
        public string Format { get; set; } = "parquet";
        /// <summary>s3://..., file:///..., or null for the engine's warehouse default.</summary>
        public string? Location { get; set; }
    }

    /// <summary>A request is not valid; nothing was sent.</summary>
    public sealed class SqlRequestException : Exception
    {
        public SqlRequestException(string message, string parameter, object? target) : base(message)
        {
            Parameter = parameter;
            Target = target;
        }

        /// <summary>The cmdlet parameter at fault (OutputTable, PartitionBy, Table, ...).</summary>
        public string Parameter { get; }
        public object? Target { get; }
    }

    /// <summary>
    /// The SQL job request, <c>sheriff-sql.json</c> (format sheriff-sql/1): the contract between the client, the PySpark
    /// driver and the local DuckDB engine. docs/sql.md describes it.
    /// </summary>
    public sealed class SqlRequest
    {
        public const string FormatName = "sheriff-sql/1";
        public const string FileName = "sheriff-sql.json";
        public const string DefaultResultFile = "sheriff-sql-result.json";

        private static readonly Regex TableName = new Regex(@"^(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex ColumnName = new Regex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly string[] Formats = { "parquet", "orc", "json", "csv" };

        public SqlAction Action { get; set; } = SqlAction.Query;
        /// <summary>action query: the query, placeholders already substituted.</summary>
        public string? Query { get; set; }
        /// <summary>action query: where to write the result; null = return rows.</summary>
        public SqlOutput? Output { get; set; }
        /// <summary>action query without output: rows to return at most (0 = none).</summary>
        public int MaxRows { get; set; } = 1000;
        /// <summary>action analyze or stats: database.table.</summary>
        public string? Table { get; set; }
        /// <summary>action analyze or stats: one partition (column → value), or null.</summary>
        public IDictionary<string, string>? Partition { get; set; }
        /// <summary>action analyze: column statistics for these columns.</summary>
        public IList<string>? Columns { get; set; }
        /// <summary>action analyze: column statistics for every column.</summary>
        public bool AllColumns { get; set; }
        public string ResultFile { get; set; } = DefaultResultFile;

        /// <summary>database.table for a table name given as "t" (database "default") or "db.t".</summary>
        public static string QualifyTable(string table) => table.IndexOf('.') >= 0 ? table : "default." + table;

        /// <summary>Checks the request before anything is sent.</summary>
        /// <exception cref="SqlRequestException">A value is missing or not valid; names the parameter.</exception>
        public void Validate()
        {
            switch (Action)
            {
                case SqlAction.Query:
                    if (string.IsNullOrWhiteSpace(Query)) throw new SqlRequestException("The query is empty.", "Query", Query);
                    if (MaxRows < 0) throw new SqlRequestException("-MaxRows cannot be negative.", "MaxRows", MaxRows);
                    if (Output != null)
                    {
                        CheckTable(Output.Table, "OutputTable");
                        foreach (var column in Output.PartitionBy)
                            if (column == null || !ColumnName.IsMatch(column))
                                throw new SqlRequestException($"-PartitionBy '{column}' is not a column name (letters, digits and _).", "PartitionBy", column);
                        var duplicate = Output.PartitionBy.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                        if (duplicate != null) throw new SqlRequestException($"-PartitionBy names '{duplicate.Key}' twice.", "PartitionBy", duplicate.Key);
                        if (!Formats.Contains(Output.Format, StringComparer.Ordinal))
                            throw new SqlRequestException($"-Format '{Output.Format}' is not one of {string.Join(", ", Formats)}.", "Format", Output.Format);
                        if (Output.Location != null && !Regex.IsMatch(Output.Location, "^[A-Za-z][A-Za-z0-9+.-]*://", RegexOptions.CultureInvariant))
                            throw new SqlRequestException($"-Location '{Output.Location}' is not a URI such as s3://bucket/path or file:///path.", "Location", Output.Location);
                    }
                    break;
                case SqlAction.Analyze:
                case SqlAction.Stats:
                    CheckTable(Table, "Table");
                    if (Partition != null)
                        foreach (var key in Partition.Keys)
                            if (!ColumnName.IsMatch(key)) throw new SqlRequestException($"-Partition key '{key}' is not a column name.", "Partition", key);
                    if (Columns != null)
                        foreach (var column in Columns)
                            if (string.IsNullOrWhiteSpace(column)) throw new SqlRequestException("-Column has an empty entry.", "Column", column);
                    if (Columns != null && Columns.Count > 0 && AllColumns)
                        throw new SqlRequestException("-Column and -AllColumns cannot both be given.", "AllColumns", null);
                    break;
            }
            if (string.IsNullOrWhiteSpace(ResultFile) || ResultFile.IndexOfAny(new[] { '/', '\\' }) >= 0)
                throw new SqlRequestException($"The result file name '{ResultFile}' must be a bare file name.", "ResultFile", ResultFile);
        }

        private static void CheckTable(string? table, string parameter)
        {
            if (string.IsNullOrWhiteSpace(table)) throw new SqlRequestException($"-{parameter} is empty.", parameter, table);
            if (!TableName.IsMatch(table!))
                throw new SqlRequestException($"-{parameter} '{table}' is not a table name such as db.table or table (letters, digits and _).", parameter, table);
        }

        /// <summary>The request as the contract's JSON (indented, keys in the documented order, UTF-8 without BOM when saved).</summary>
        public string ToJson()
        {
            var sb = new StringBuilder();
            using (var writer = new StringWriter(sb, CultureInfo.InvariantCulture)) Write(writer);
            return sb.ToString();
        }

        /// <summary>Writes the request file.</summary>
        public void Save(string path)
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            Write(writer);
        }

        public void Write(TextWriter text)
        {
            using var w = new JsonTextWriter(text) { Formatting = Formatting.Indented, CloseOutput = false };
            w.WriteStartObject();
            w.WritePropertyName("format"); w.WriteValue(FormatName);
            w.WritePropertyName("action"); w.WriteValue(Action.ToString().ToLowerInvariant());
            if (Action == SqlAction.Query)
            {
                w.WritePropertyName("query"); w.WriteValue(Query);
                w.WritePropertyName("output");
                if (Output == null) w.WriteNull();
                else
                {
                    w.WriteStartObject();
                    w.WritePropertyName("table"); w.WriteValue(QualifyTable(Output.Table));
                    w.WritePropertyName("partitionBy");
                    w.WriteStartArray();
                    foreach (var column in Output.PartitionBy) w.WriteValue(column);
                    w.WriteEndArray();
                    w.WritePropertyName("mode"); w.WriteValue(Output.Mode.ToString().ToLowerInvariant());
                    w.WritePropertyName("format"); w.WriteValue(Output.Format);
                    w.WritePropertyName("location"); w.WriteValue(Output.Location);
                    w.WriteEndObject();
                }
                w.WritePropertyName("maxRows"); w.WriteValue(Output == null ? MaxRows : 0);
            }
            else
            {
                w.WritePropertyName("table"); w.WriteValue(Table == null ? null : QualifyTable(Table));
                w.WritePropertyName("partition");
                if (Partition == null || Partition.Count == 0) w.WriteNull();
                else
                {
                    w.WriteStartObject();
                    foreach (var pair in Partition) { w.WritePropertyName(pair.Key); w.WriteValue(pair.Value); }
                    w.WriteEndObject();
                }
                if (Action == SqlAction.Analyze)
                {
                    w.WritePropertyName("columns");
                    if (Columns == null || Columns.Count == 0) w.WriteNull();
                    else
                    {
                        w.WriteStartArray();
                        foreach (var column in Columns) w.WriteValue(column);
                        w.WriteEndArray();
                    }
                    w.WritePropertyName("allColumns"); w.WriteValue(AllColumns);
                }
            }
            w.WritePropertyName("resultFile"); w.WriteValue(ResultFile);
            w.WriteEndObject();
            w.Flush();
            text.WriteLine();
        }
    }
}
