using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Sql
{
    /// <summary>
    /// Reads a <c>sheriff-sql-result.json</c> (format sheriff-sql-result/1, see docs/sql.md) in one streamed pass:
    /// the rows are never loaded as a JSON tree; each is turned into typed CLR values by its column's Spark type and
    /// handed to a callback (or kept, when no callback is given). The small sections (error, written, statistics) are
    /// read as JSON trees.
    /// <para>Types: boolean → bool; tinyint, smallint, int → int; bigint → long; float, double → double (the strings
    /// "NaN", "Infinity", "-Infinity" included); decimal(p,s) → decimal when System.Decimal holds the value exactly, else
    /// the exact text as a string; string → string; binary → byte[]; date → DateTime (Kind Unspecified, midnight);
    /// timestamp → DateTime (Kind Utc); timestamp_ntz → DateTime (Kind Unspecified); array → object?[]; map →
    /// <see cref="OrderedDictionary"/> (typed keys, in the file's order); struct → <see cref="SqlStruct"/>; SQL NULL → null;
    /// a type this reader does not know → the plain JSON value (string, long, double, bool, object?[], OrderedDictionary).</para>
    /// <para>The rows are typed as they stream when "columns" comes before "rows" in the file (both engines write it so);
    /// otherwise the rows are buffered until the columns are known.</para>
    /// </summary>
    public sealed class SqlResultReader
    {
        private readonly JsonTextReader _reader;
        private SqlType[] _types = Array.Empty<SqlType>();
        private string[] _names = Array.Empty<string>();
        private long _row;

        private SqlResultReader(TextReader text)
        {
            _reader = new JsonTextReader(text)
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
                MaxDepth = 256,
                CloseInput = false,
            };
        }

        /// <summary>Reads a result file from disk (UTF-8).</summary>
        public static SqlResult ReadFile(string path, Action<SqlResult, object?[]>? onRow = null)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            return Read(stream, onRow);
        }

        /// <summary>Reads a result from a UTF-8 stream (left open).</summary>
        public static SqlResult Read(Stream stream, Action<SqlResult, object?[]>? onRow = null)
        {
            using var text = new StreamReader(stream, new UTF8Encoding(false), true, 64 * 1024, leaveOpen: true);
            return Read(text, onRow);
        }

        /// <summary>
        /// Reads a result. With <paramref name="onRow"/>, each row goes to it as soon as it is read (the result passed
        /// along already has its columns) and <see cref="SqlResult.Rows"/> stays null; without, the rows are kept in
        /// <see cref="SqlResult.Rows"/>. A row is an array with one value per column.
        /// </summary>
        /// <exception cref="SqlResultFormatException">Not JSON, or not the documented shape; the message names the place.</exception>
        public static SqlResult Read(TextReader text, Action<SqlResult, object?[]>? onRow = null)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var reader = new SqlResultReader(text);
            try
            {
                return reader.ReadDocument(onRow);
            }
            catch (JsonException ex)
            {
                throw new SqlResultFormatException($"The SQL result is not valid JSON: {ex.Message}", ex);
            }
        }

        private SqlResult ReadDocument(Action<SqlResult, object?[]>? onRow)
        {
            var result = new SqlResult();
            var kept = onRow == null ? new List<object?[]>() : null;
            Action<object?[]> sink = onRow == null ? kept!.Add : row => onRow(result, row);
            JArray? bufferedRows = null;
            var sawColumns = false;

            if (!_reader.Read() || _reader.TokenType != JsonToken.StartObject) throw Format("the result must be a JSON object");
            while (_reader.Read() && _reader.TokenType == JsonToken.PropertyName)
            {
                var name = (string)_reader.Value!;
                if (!_reader.Read()) throw Format("the result ends early");
                switch (name)
                {
                    case "format": result.Format = ReadString(name); break;
                    case "engine": result.Engine = ReadString(name); break;
                    case "status": result.Status = ReadString(name) ?? ""; break;
                    case "error": result.Error = ReadError(); break;
                    case "columns":
                        result.Columns = ReadColumns();
                        _types = result.Columns.Select(c => c.Type).ToArray();
                        _names = result.Columns.Select(c => c.Name).ToArray();
                        sawColumns = true;
                        if (bufferedRows != null) { ConvertBuffered(bufferedRows, sink); bufferedRows = null; }
                        break;
                    case "rows":
                        if (_reader.TokenType == JsonToken.Null) break;
                        if (sawColumns) ReadRows(sink);
                        else bufferedRows = (JArray)JToken.ReadFrom(_reader);
                        break;
                    case "rowCount": result.RowCount = ReadLong(_reader, name); break;
                    case "truncated": result.Truncated = _reader.TokenType == JsonToken.Boolean && (bool)_reader.Value!; break;
                    case "written": result.Written = ReadWritten(JToken.ReadFrom(_reader)); break;
                    case "statistics": result.Statistics = ReadStatistics(JToken.ReadFrom(_reader)); break;
                    default: _reader.Skip(); break;
                }
            }
            if (_reader.TokenType != JsonToken.EndObject) throw Format("the result object is not closed");
            if (bufferedRows != null)
            {
                // rows without columns: untyped
                ConvertBuffered(bufferedRows, sink);
            }
            result.RowsReturned = _row;
            result.Rows = kept;
            if (result.Status.Length == 0) throw Format("the result has no 'status'");
            return result;
        }

        private string? ReadString(string name)
        {
            if (_reader.TokenType == JsonToken.Null) return null;
            if (_reader.TokenType != JsonToken.String) throw Format($"'{name}' must be a string");
            return (string)_reader.Value!;
        }

        private SqlError? ReadError()
        {
            var token = JToken.ReadFrom(_reader);
            if (token.Type == JTokenType.Null) return null;
            if (token is not JObject o) throw Format("'error' must be an object");
            return new SqlError(
                (string?)o["kind"] ?? "internal",
                (string?)o["message"] ?? "",
                ToInt(o["line"]),
                ToInt(o["column"]));
        }

        private IReadOnlyList<SqlColumn> ReadColumns()
        {
            var token = JToken.ReadFrom(_reader);
            if (token.Type == JTokenType.Null) return Array.Empty<SqlColumn>();
            if (token is not JArray array) throw Format("'columns' must be an array");
            var columns = new List<SqlColumn>(array.Count);
            foreach (var item in array)
            {
                var name = (string?)item["name"];
                var typeName = (string?)item["type"];
                if (name == null || typeName == null) throw Format($"column {columns.Count + 1} needs a 'name' and a 'type'");
                SqlType type;
                try { type = SqlType.Parse(typeName); }
                catch (FormatException ex) { throw Format($"column '{name}' has a type that cannot be read: {ex.Message}"); }
                columns.Add(new SqlColumn(name, type));
            }
            return columns;
        }

        private void ReadRows(Action<object?[]> sink)
        {
            if (_reader.TokenType != JsonToken.StartArray) throw Format("'rows' must be an array");
            while (_reader.Read())
            {
                if (_reader.TokenType == JsonToken.EndArray) return;
                ReadRow(sink);
            }
            throw Format("'rows' is not closed");
        }

        private void ConvertBuffered(JArray rows, Action<object?[]> sink)
        {
            // Slow path for a file that puts rows before columns (or has none): replay each row through the typed reader.
            foreach (var rowToken in rows)
            {
                var nested = new SqlResultReader(new StringReader(rowToken.ToString(Formatting.None)));
                var width = rowToken is JArray a ? a.Count : 0;
                nested._types = _types.Length > 0 ? _types : Enumerable.Repeat(SqlType.Parse("unknown"), width).ToArray();
                nested._names = _names.Length > 0 ? _names : Enumerable.Range(1, width).Select(n => "col" + n).ToArray();
                nested._row = _row;
                nested._reader.Read();
                nested.ReadRow(sink);
                _row++;
            }
        }

        private void ReadRow(Action<object?[]> sink)
        {
            if (_reader.TokenType != JsonToken.StartArray) throw Format($"row {_row + 1} must be an array");
            _row++;
            var count = _types.Length;
            var row = new object?[count];
            var i = 0;
            while (_reader.Read() && _reader.TokenType != JsonToken.EndArray)
            {
                if (i >= count) throw Format($"row {_row} has more values than the {count} columns");
                row[i] = ReadValue(_types[i], i);
                i++;
            }
            if (i != count) throw Format($"row {_row} has {i} values; there are {count} columns");
            sink(row);
        }

        /// <summary>Reads the value at the current token (which it consumes, nested ones whole).</summary>
        private object? ReadValue(SqlType type, int column)
        {
            var token = _reader.TokenType;
            if (token == JsonToken.Null) return null;
            try
            {
                switch (type.Kind)
                {
                    case SqlTypeKind.Boolean:
                        if (token == JsonToken.Boolean) return (bool)_reader.Value!;
                        break;
                    case SqlTypeKind.TinyInt:
                    case SqlTypeKind.SmallInt:
                    case SqlTypeKind.Int:
                        if (token == JsonToken.Integer && _reader.Value is long i32) return checked((int)i32);
                        break;
                    case SqlTypeKind.BigInt:
                        if (token == JsonToken.Integer && _reader.Value is long i64) return i64;
                        break;
                    case SqlTypeKind.Float:
                    case SqlTypeKind.Double:
                        if (token == JsonToken.Float) return (double)_reader.Value!;
                        if (token == JsonToken.Integer) return _reader.Value is long l ? (double)l : (double)(BigInteger)_reader.Value!;
                        if (token == JsonToken.String) return ParseSpecialDouble((string)_reader.Value!);
                        break;
                    case SqlTypeKind.Decimal:
                        if (token == JsonToken.String) return SqlValues.ParseDecimal((string)_reader.Value!);
                        if (token == JsonToken.Integer) return _reader.Value is long dl ? (object)(decimal)dl : SqlValues.ParseDecimal(((BigInteger)_reader.Value!).ToString(CultureInfo.InvariantCulture));
                        if (token == JsonToken.Float) return SqlValues.ParseDecimal(((double)_reader.Value!).ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case SqlTypeKind.String:
                        if (token == JsonToken.String) return (string)_reader.Value!;
                        if (token == JsonToken.Integer || token == JsonToken.Float || token == JsonToken.Boolean)
                            return Convert.ToString(_reader.Value, CultureInfo.InvariantCulture);
                        break;
                    case SqlTypeKind.Binary:
                        if (token == JsonToken.String) return Convert.FromBase64String((string)_reader.Value!);
                        break;
                    case SqlTypeKind.Date:
                        if (token == JsonToken.String) return SqlValues.ParseDate((string)_reader.Value!);
                        break;
                    case SqlTypeKind.Timestamp:
                        if (token == JsonToken.String) return SqlValues.ParseTimestamp((string)_reader.Value!);
                        break;
                    case SqlTypeKind.TimestampNtz:
                        if (token == JsonToken.String) return SqlValues.ParseTimestampNtz((string)_reader.Value!);
                        break;
                    case SqlTypeKind.Array:
                        if (token == JsonToken.StartArray) return ReadArray(type.ElementType!, column);
                        break;
                    case SqlTypeKind.Map:
                        if (token == JsonToken.StartArray) return ReadMapPairs(type, column);
                        if (token == JsonToken.StartObject) return ReadMapObject(type, column);
                        break;
                    case SqlTypeKind.Struct:
                        if (token == JsonToken.StartObject) return ReadStruct(type, column);
                        break;
                    default:
                        return ReadPlain(column);
                }
            }
            catch (FormatException ex)
            {
                throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): {ex.Message}");
            }
            catch (OverflowException)
            {
                throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): {_reader.Value} is out of range");
            }
            catch (ArgumentOutOfRangeException)
            {
                throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): '{_reader.Value}' is out of the range .NET can hold");
            }
            throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): a JSON {Describe(token)} is not a {type.Kind.ToString().ToLowerInvariant()} value");
        }

        private object?[] ReadArray(SqlType element, int column)
        {
            var items = new List<object?>();
            while (_reader.Read() && _reader.TokenType != JsonToken.EndArray) items.Add(ReadValue(element, column));
            return items.ToArray();
        }

        private OrderedDictionary ReadMapPairs(SqlType type, int column)
        {
            var map = new OrderedDictionary();
            while (_reader.Read() && _reader.TokenType != JsonToken.EndArray)
            {
                if (_reader.TokenType != JsonToken.StartArray) throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): a map entry must be a [key, value] array");
                if (!_reader.Read()) break;
                var key = ReadValue(type.KeyType!, column);
                if (key == null) throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): a map key is null");
                if (!_reader.Read() || _reader.TokenType == JsonToken.EndArray) throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): a map entry has no value");
                var value = ReadValue(type.ValueType!, column);
                if (!_reader.Read() || _reader.TokenType != JsonToken.EndArray) throw Format($"row {_row}, column '{ColumnName(column)}' ({type}): a map entry must be a [key, value] array");
                map[key] = value;
            }
            return map;
        }

        private OrderedDictionary ReadMapObject(SqlType type, int column)
        {
            // Lenient: a map written as a JSON object (string keys).
            var map = new OrderedDictionary();
            while (_reader.Read() && _reader.TokenType == JsonToken.PropertyName)
            {
                var keyText = (string)_reader.Value!;
                object key = type.KeyType!.Kind switch
                {
                    SqlTypeKind.String or SqlTypeKind.Unknown => keyText,
                    SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int => int.Parse(keyText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    SqlTypeKind.BigInt => long.Parse(keyText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                    SqlTypeKind.Date => SqlValues.ParseDate(keyText),
                    _ => keyText,
                };
                _reader.Read();
                map[key] = ReadValue(type.ValueType!, column);
            }
            return map;
        }

        private SqlStruct ReadStruct(SqlType type, int column)
        {
            var fields = type.Fields;
            var values = new object?[fields.Count];
            var next = 0;
            while (_reader.Read() && _reader.TokenType == JsonToken.PropertyName)
            {
                var name = (string)_reader.Value!;
                // fields usually come in order: try the next one first
                var index = next < fields.Count && string.Equals(fields[next].Name, name, StringComparison.Ordinal) ? next : IndexOf(fields, name);
                _reader.Read();
                if (index < 0) { _reader.Skip(); continue; }
                values[index] = ReadValue(fields[index].Type, column);
                next = index + 1;
            }
            return new SqlStruct(type.FieldNames, values);
        }

        private static int IndexOf(IReadOnlyList<SqlStructField> fields, string name)
        {
            for (var i = 0; i < fields.Count; i++)
                if (string.Equals(fields[i].Name, name, StringComparison.Ordinal)) return i;
            return -1;
        }

        /// <summary>A value of an unknown type: as JSON gives it.</summary>
        private object? ReadPlain(int column)
        {
            switch (_reader.TokenType)
            {
                case JsonToken.Null: return null;
                case JsonToken.String: return (string)_reader.Value!;
                case JsonToken.Integer: return _reader.Value is long l ? l : _reader.Value;
                case JsonToken.Float: return (double)_reader.Value!;
                case JsonToken.Boolean: return (bool)_reader.Value!;
                case JsonToken.StartArray:
                {
                    var items = new List<object?>();
                    while (_reader.Read() && _reader.TokenType != JsonToken.EndArray) items.Add(ReadPlain(column));
                    return items.ToArray();
                }
                case JsonToken.StartObject:
                {
                    var map = new OrderedDictionary();
                    while (_reader.Read() && _reader.TokenType == JsonToken.PropertyName)
                    {
                        var key = (string)_reader.Value!;
                        _reader.Read();
                        map[key] = ReadPlain(column);
                    }
                    return map;
                }
                default: throw Format($"row {_row}, column '{ColumnName(column)}': unexpected {_reader.TokenType}");
            }
        }

        private static double ParseSpecialDouble(string text)
        {
            switch (text)
            {
                case "NaN": return double.NaN;
                case "Infinity": case "+Infinity": case "inf": return double.PositiveInfinity;
                case "-Infinity": case "-inf": return double.NegativeInfinity;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            throw new FormatException($"'{text}' is not a number (nor NaN, Infinity, -Infinity).");
        }

        private string ColumnName(int column) => column < _names.Length ? _names[column] : "#" + (column + 1);

        private static string Describe(JsonToken token) => token switch
        {
            JsonToken.StartArray => "array",
            JsonToken.StartObject => "object",
            JsonToken.Integer => "integer",
            JsonToken.Float => "number",
            _ => token.ToString().ToLowerInvariant(),
        };

        private SqlResultFormatException Format(string message)
            => new SqlResultFormatException($"The SQL result file is not in the expected format: {message} (line {_reader.LineNumber}, position {_reader.LinePosition}).");

        // ---- small sections ----

        private static long? ReadLong(JsonReader reader, string name)
        {
            if (reader.TokenType == JsonToken.Null) return null;
            if (reader.TokenType == JsonToken.Integer) return reader.Value is long l ? l : long.MaxValue;
            if (reader.TokenType == JsonToken.Float) return (long)(double)reader.Value!;
            throw new SqlResultFormatException($"The SQL result file is not in the expected format: '{name}' must be a number.");
        }

        private static int? ToInt(JToken? token) => token == null || token.Type == JTokenType.Null ? null
            : token.Type == JTokenType.Integer || token.Type == JTokenType.Float ? (int?)Convert.ToInt32((double)token, CultureInfo.InvariantCulture) : null;

        private static long? ToLong(JToken? token)
        {
            if (token == null || token.Type == JTokenType.Null) return null;
            if (token.Type == JTokenType.Integer)
            {
                var value = ((JValue)token).Value;
                return value is long l ? l : value is BigInteger b ? (b > long.MaxValue ? long.MaxValue : (long)b) : Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }
            if (token.Type == JTokenType.Float) return (long)(double)token;
            if (token.Type == JTokenType.String && long.TryParse((string?)token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
            return null;
        }

        private static DateTime? ToTime(JToken? token)
        {
            if (token == null || token.Type == JTokenType.Null) return null;
            var text = token.Type == JTokenType.String ? (string?)token : token.ToString(Formatting.None);
            if (string.IsNullOrEmpty(text)) return null;
            try { return SqlValues.ParseTimestamp(text!); }
            catch (FormatException) { return null; }
            catch (ArgumentOutOfRangeException) { return null; }
        }

        private static IReadOnlyList<string> ToStrings(JToken? token)
            => token is JArray a ? a.Where(t => t.Type != JTokenType.Null).Select(t => t.Type == JTokenType.String ? (string)t! : t.ToString(Formatting.None)).ToList() : (IReadOnlyList<string>)Array.Empty<string>();

        private static SqlWriteSummary? ReadWritten(JToken token)
        {
            if (token.Type == JTokenType.Null) return null;
            if (token is not JObject o) throw new SqlResultFormatException("The SQL result file is not in the expected format: 'written' must be an object.");
            return new SqlWriteSummary
            {
                Table = (string?)o["table"] ?? "",
                RowsWritten = ToLong(o["rows"]) ?? 0,
                Partitions = ToStrings(o["partitions"]),
                Location = (string?)o["location"],
                Mode = (string?)o["mode"] ?? "",
                Created = o["created"]?.Type == JTokenType.Boolean && (bool)o["created"]!,
            };
        }

        private static SqlTableStatistics? ReadStatistics(JToken token)
        {
            if (token.Type == JTokenType.Null) return null;
            if (token is not JObject o) throw new SqlResultFormatException("The SQL result file is not in the expected format: 'statistics' must be an object.");
            var statistics = new SqlTableStatistics
            {
                Table = (string?)o["table"] ?? "",
                Location = (string?)o["location"],
                PartitionColumns = ToStrings(o["partitionColumns"]),
                SizeInBytes = ToLong(o["sizeInBytes"]),
                RowCount = ToLong(o["rowCount"]),
                CollectedAt = ToTime(o["collectedAt"]),
                ActualSizeInBytes = ToLong(o["actualSizeInBytes"]),
            };
            if (o["partitions"] is JArray partitions)
            {
                statistics.Partitions = partitions.OfType<JObject>().Select(p =>
                {
                    var spec = new OrderedDictionary();
                    if (p["spec"] is JObject s)
                        foreach (var property in s.Properties())
                            spec[property.Name] = property.Value.Type == JTokenType.Null ? null : property.Value.Type == JTokenType.String ? (string)property.Value! : property.Value.ToString(Formatting.None);
                    return new SqlPartitionStatistics
                    {
                        Spec = spec,
                        SizeInBytes = ToLong(p["sizeInBytes"]),
                        RowCount = ToLong(p["rowCount"]),
                        CollectedAt = ToTime(p["collectedAt"]),
                        ActualSizeInBytes = ToLong(p["actualSizeInBytes"]),
                    };
                }).ToList();
            }
            if (o["columns"] is JArray columns)
            {
                statistics.Columns = columns.OfType<JObject>().Select(c => new SqlColumnStatistics
                {
                    Name = (string?)c["name"] ?? "",
                    DistinctCount = ToLong(c["distinctCount"]),
                    NullCount = ToLong(c["nullCount"]),
                    Min = Plain(c["min"]),
                    Max = Plain(c["max"]),
                }).ToList();
            }
            return statistics;
        }

        private static object? Plain(JToken? token)
        {
            if (token == null) return null;
            switch (token.Type)
            {
                case JTokenType.Null: return null;
                case JTokenType.Integer: return ToLong(token);
                case JTokenType.Float: return (double)token;
                case JTokenType.Boolean: return (bool)token;
                case JTokenType.String: return (string?)token;
                default: return token.ToString(Formatting.None);
            }
        }
    }
}
