using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// A column type as the engine sees it: a Spark SQL type (<see cref="Spark"/>, DataType.simpleString) with the DuckDB
/// type it is stored and read as (<see cref="Duck"/>). Every DuckDB type maps to one of these (see
/// <see cref="DuckTypes.Parse"/>); values are cast to <see cref="Duck"/> before they are written or encoded.
/// Compare types with <see cref="Spark"/> (records holding lists compare by reference).
/// </summary>
internal abstract class SqlType
{
    public abstract string Spark { get; }

    public abstract string Duck { get; }

    public bool IsNumeric => this is DecimalSqlType || this is PrimitiveSqlType { Spark: "tinyint" or "smallint" or "int" or "bigint" or "float" or "double" };

    public bool IsComplex => this is ArraySqlType or MapSqlType or StructSqlType;

    public override string ToString() => Spark;
}

internal sealed class PrimitiveSqlType(string spark, string duck) : SqlType
{
    public static readonly PrimitiveSqlType Boolean = new("boolean", "BOOLEAN");
    public static readonly PrimitiveSqlType TinyInt = new("tinyint", "TINYINT");
    public static readonly PrimitiveSqlType SmallInt = new("smallint", "SMALLINT");
    public static readonly PrimitiveSqlType Int = new("int", "INTEGER");
    public static readonly PrimitiveSqlType BigInt = new("bigint", "BIGINT");
    public static readonly PrimitiveSqlType Float = new("float", "FLOAT");
    public static readonly PrimitiveSqlType Double = new("double", "DOUBLE");
    public static readonly PrimitiveSqlType String = new("string", "VARCHAR");
    public static readonly PrimitiveSqlType Binary = new("binary", "BLOB");
    public static readonly PrimitiveSqlType Date = new("date", "DATE");
    public static readonly PrimitiveSqlType Timestamp = new("timestamp", "TIMESTAMP");

    public override string Spark { get; } = spark;

    public override string Duck { get; } = duck;
}

internal sealed class DecimalSqlType(int precision, int scale) : SqlType
{
    public int Precision { get; } = precision;

    public int Scale { get; } = scale;

    public override string Spark => string.Create(CultureInfo.InvariantCulture, $"decimal({Precision},{Scale})");

    public override string Duck => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({Precision},{Scale})");
}

internal sealed class ArraySqlType(SqlType element) : SqlType
{
    public SqlType Element { get; } = element;

    public override string Spark => $"array<{Element.Spark}>";

    public override string Duck => Element.Duck + "[]";
}

internal sealed class MapSqlType(SqlType key, SqlType value) : SqlType
{
    public SqlType Key { get; } = key;

    public SqlType Value { get; } = value;

    public override string Spark => $"map<{Key.Spark},{Value.Spark}>";

    public override string Duck => $"MAP({Key.Duck}, {Value.Duck})";
}

internal sealed class StructSqlType(IReadOnlyList<KeyValuePair<string, SqlType>> fields) : SqlType
{
    public IReadOnlyList<KeyValuePair<string, SqlType>> Fields { get; } = fields;

    public override string Spark => "struct<" + string.Join(",", Fields.Select(f => f.Key + ":" + f.Value.Spark)) + ">";

    public override string Duck => "STRUCT(" + string.Join(", ", Fields.Select(f => SqlText.Ident(f.Key) + " " + f.Value.Duck)) + ")";
}

/// <summary>DuckDB type strings (as DESCRIBE prints them) to <see cref="SqlType"/>, and SQL that encodes values as JSON.</summary>
internal static class DuckTypes
{
    /// <summary>
    /// Parses a DuckDB type such as <c>DECIMAL(10,2)</c>, <c>INTEGER[]</c>, <c>MAP(VARCHAR, INTEGER[])</c> or
    /// <c>STRUCT("a b" INTEGER, c VARCHAR)</c>. Unsigned and 128-bit integers widen to the next Spark type
    /// (UBIGINT → decimal(20,0), HUGEINT → decimal(38,0)); every timestamp flavour is <c>timestamp</c>; types Spark
    /// has no name for (TIME, INTERVAL, UUID, ENUM, UNION, BIT, JSON, ...) are <c>string</c>.
    /// </summary>
    public static SqlType Parse(string duckType)
    {
        var p = new Parser(duckType);
        var t = p.Type();
        p.End();
        return t;
    }

    /// <summary>
    /// A DuckDB SQL expression (VARCHAR, never NULL) that renders the value of <paramref name="expr"/> (already of type
    /// <c>t.Duck</c>) as JSON text in sql-format.md's encoding.
    /// </summary>
    public static string JsonExpr(SqlType t, string expr) => Json(t, expr, 0);

    private static string Json(SqlType t, string e, int depth)
    {
        switch (t)
        {
            case PrimitiveSqlType p:
                switch (p.Spark)
                {
                    case "boolean":
                        return $"(CASE WHEN {e} IS NULL THEN 'null' WHEN {e} THEN 'true' ELSE 'false' END)";
                    case "tinyint" or "smallint" or "int" or "bigint":
                        return $"COALESCE(CAST({e} AS VARCHAR), 'null')";
                    case "float" or "double":
                        return $"(CASE WHEN {e} IS NULL THEN 'null' WHEN isnan({e}) THEN '\"NaN\"' " +
                               $"WHEN isinf({e}) AND {e} > 0 THEN '\"Infinity\"' WHEN isinf({e}) THEN '\"-Infinity\"' " +
                               $"ELSE CAST({e} AS VARCHAR) END)";
                    case "string":
                        return $"COALESCE(CAST(to_json({e}) AS VARCHAR), 'null')";
                    case "binary":
                        return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '\"' || to_base64({e}) || '\"' END)";
                    case "date":
                        return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '\"' || strftime({e}, '%Y-%m-%d') || '\"' END)";
                    case "timestamp":
                        return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '\"' || strftime({e}, '%Y-%m-%dT%H:%M:%S.%fZ') || '\"' END)";
                }

                break;
            case DecimalSqlType:
                return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '\"' || CAST({e} AS VARCHAR) || '\"' END)";
            case ArraySqlType a:
            {
                var x = "sheriff_x" + depth.ToString(CultureInfo.InvariantCulture);
                return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '[' || COALESCE(array_to_string(list_transform({e}, lambda {x}: " +
                       $"{Json(a.Element, x, depth + 1)}), ','), '') || ']' END)";
            }

            case MapSqlType m:
            {
                var x = "sheriff_x" + depth.ToString(CultureInfo.InvariantCulture);
                var k = Json(m.Key, $"struct_extract({x}, 'key')", depth + 1);
                var v = Json(m.Value, $"struct_extract({x}, 'value')", depth + 1);
                return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '[' || COALESCE(array_to_string(list_transform(map_entries({e}), " +
                       $"lambda {x}: '[' || {k} || ',' || {v} || ']'), ','), '') || ']' END)";
            }

            case StructSqlType s:
            {
                if (s.Fields.Count == 0)
                {
                    return $"(CASE WHEN {e} IS NULL THEN 'null' ELSE '{{}}' END)";
                }

                var sb = new StringBuilder();
                sb.Append("(CASE WHEN ").Append(e).Append(" IS NULL THEN 'null' ELSE '{' || ");
                for (var i = 0; i < s.Fields.Count; i++)
                {
                    var (name, type) = (s.Fields[i].Key, s.Fields[i].Value);
                    var key = (i == 0 ? "" : ",") + JsonSerializer.Serialize(name) + ":";
                    sb.Append(SqlText.Literal(key)).Append(" || ")
                      .Append(Json(type, $"struct_extract({e}, {SqlText.Literal(name)})", depth + 1)).Append(" || ");
                }

                sb.Append("'}' END)");
                return sb.ToString();
            }
        }

        throw new InvalidOperationException("no JSON encoding for type " + t.Spark);
    }

    /// <summary>Whether a value of type <paramref name="from"/> may be written into a column of type <paramref name="to"/>.</summary>
    public static bool CanWrite(SqlType from, SqlType to)
    {
        if (from.Spark == to.Spark || (from.IsNumeric && to.IsNumeric))
        {
            return true;
        }

        return (from, to) switch
        {
            (PrimitiveSqlType { Spark: "date" }, PrimitiveSqlType { Spark: "timestamp" }) => true,
            (ArraySqlType a, ArraySqlType b) => CanWrite(a.Element, b.Element),
            (MapSqlType a, MapSqlType b) => CanWrite(a.Key, b.Key) && CanWrite(a.Value, b.Value),
            (StructSqlType a, StructSqlType b) => a.Fields.Count == b.Fields.Count &&
                                                  a.Fields.Zip(b.Fields).All(f => CanWrite(f.First.Value, f.Second.Value)),
            _ => false,
        };
    }

    private sealed class Parser(string text)
    {
        private int _i;

        public SqlType Type()
        {
            Ws();
            var word = Word().ToUpperInvariant();
            SqlType t;
            switch (word)
            {
                case "STRUCT" or "ROW":
                {
                    Expect('(');
                    var fields = new List<KeyValuePair<string, SqlType>>();
                    Ws();
                    if (Peek() != ')')
                    {
                        while (true)
                        {
                            Ws();
                            var name = Name();
                            fields.Add(new KeyValuePair<string, SqlType>(name, Type()));
                            Ws();
                            if (Peek() == ',')
                            {
                                _i++;
                                continue;
                            }

                            break;
                        }
                    }

                    Expect(')');
                    t = new StructSqlType(fields);
                    break;
                }

                case "MAP":
                {
                    Expect('(');
                    var key = Type();
                    Expect(',');
                    var value = Type();
                    Expect(')');
                    t = new MapSqlType(key, value);
                    break;
                }

                case "DECIMAL" or "NUMERIC":
                {
                    var (precision, scale) = (18, 3);
                    Ws();
                    if (Peek() == '(')
                    {
                        _i++;
                        precision = Number();
                        Ws();
                        scale = 0;
                        if (Peek() == ',')
                        {
                            _i++;
                            scale = Number();
                        }

                        Expect(')');
                    }

                    t = new DecimalSqlType(precision, scale);
                    break;
                }

                default:
                    t = Named(word);
                    Ws();
                    if (Peek() == '(')
                    {
                        SkipParens(); // ENUM('a', 'b'), UNION(...), VARCHAR(10), ...
                    }

                    break;
            }

            while (true)
            {
                Ws();
                if (Peek() != '[')
                {
                    return t;
                }

                var close = text.IndexOf(']', _i);
                if (close < 0)
                {
                    throw Error("unclosed [");
                }

                _i = close + 1;
                t = new ArraySqlType(t);
            }
        }

        public void End()
        {
            Ws();
            if (_i < text.Length)
            {
                throw Error("unexpected text");
            }
        }

        private SqlType Named(string word)
        {
            switch (word)
            {
                case "BOOLEAN" or "BOOL" or "LOGICAL":
                    return PrimitiveSqlType.Boolean;
                case "TINYINT" or "INT1":
                    return PrimitiveSqlType.TinyInt;
                case "SMALLINT" or "INT2" or "SHORT" or "UTINYINT" or "UINT8":
                    return PrimitiveSqlType.SmallInt;
                case "INTEGER" or "INT" or "INT4" or "SIGNED" or "USMALLINT" or "UINT16":
                    return PrimitiveSqlType.Int;
                case "BIGINT" or "INT8" or "LONG" or "UINTEGER" or "UINT32":
                    return PrimitiveSqlType.BigInt;
                case "UBIGINT" or "UINT64":
                    return new DecimalSqlType(20, 0);
                case "HUGEINT" or "INT128" or "UHUGEINT" or "UINT128":
                    return new DecimalSqlType(38, 0);
                case "FLOAT" or "FLOAT4" or "REAL":
                    return PrimitiveSqlType.Float;
                case "DOUBLE" or "FLOAT8":
                    if (Lookahead("PRECISION"))
                    {
                        Word();
                    }

                    return PrimitiveSqlType.Double;
                case "VARCHAR" or "CHAR" or "BPCHAR" or "TEXT" or "STRING":
                    return PrimitiveSqlType.String;
                case "BLOB" or "BYTEA" or "BINARY" or "VARBINARY":
                    return PrimitiveSqlType.Binary;
                case "DATE":
                    return PrimitiveSqlType.Date;
                case "TIMESTAMP":
                    SkipWithTimeZone();
                    return PrimitiveSqlType.Timestamp;
                case "DATETIME" or "TIMESTAMPTZ" or "TIMESTAMP_US" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMP_S":
                    return PrimitiveSqlType.Timestamp;
                case "TIME":
                    SkipWithTimeZone();
                    return PrimitiveSqlType.String;
                case "":
                    throw Error("a type name was expected");
                default:
                    return PrimitiveSqlType.String;
            }
        }

        private void SkipWithTimeZone()
        {
            if (Lookahead("WITH"))
            {
                Word();
                Word(); // TIME
                Word(); // ZONE
            }
        }

        private bool Lookahead(string word)
        {
            var save = _i;
            Ws();
            var next = Word();
            _i = save;
            return next.Equals(word, StringComparison.OrdinalIgnoreCase);
        }

        private string Name()
        {
            if (Peek() != '"')
            {
                var w = Word();
                return w.Length > 0 ? w : throw Error("a field name was expected");
            }

            var sb = new StringBuilder();
            _i++;
            while (_i < text.Length)
            {
                var c = text[_i++];
                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        sb.Append('"');
                        _i++;
                        continue;
                    }

                    return sb.ToString();
                }

                sb.Append(c);
            }

            throw Error("unclosed quoted name");
        }

        private string Word()
        {
            Ws();
            var start = _i;
            while (_i < text.Length && (char.IsLetterOrDigit(text[_i]) || text[_i] == '_'))
            {
                _i++;
            }

            return text[start.._i];
        }

        private int Number()
        {
            var w = Word();
            return int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Error("a number was expected");
        }

        private void SkipParens()
        {
            var depth = 0;
            var quote = '\0';
            for (; _i < text.Length; _i++)
            {
                var c = text[_i];
                if (quote != '\0')
                {
                    if (c == quote)
                    {
                        quote = '\0';
                    }

                    continue;
                }

                switch (c)
                {
                    case '\'' or '"':
                        quote = c;
                        break;
                    case '(':
                        depth++;
                        break;
                    case ')':
                        if (--depth == 0)
                        {
                            _i++;
                            return;
                        }

                        break;
                }
            }

            throw Error("unbalanced parentheses");
        }

        private void Expect(char c)
        {
            Ws();
            if (Peek() != c)
            {
                throw Error($"'{c}' was expected");
            }

            _i++;
        }

        private char Peek() => _i < text.Length ? text[_i] : '\0';

        private void Ws()
        {
            while (_i < text.Length && char.IsWhiteSpace(text[_i]))
            {
                _i++;
            }
        }

        private FormatException Error(string what) =>
            new($"cannot read the DuckDB type '{text}' at {_i}: {what}");
    }
}
