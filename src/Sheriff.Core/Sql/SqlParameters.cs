using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Sheriff.Core.Sql
{
    /// <summary>The SQL dialect a query is written for: decides how literals are spelled and escaped.</summary>
    public enum SqlDialect
    {
        /// <summary>Spark SQL: strings 'a\'b' (backslash escapes, no '' doubling), "..." is also a string, `identifiers`, nested /* */ comments.</summary>
        Spark,
        /// <summary>DuckDB (the local engine): strings 'a''b' (backslash is literal; E'...' escapes), "identifiers", $$raw$$ strings.</summary>
        DuckDb,
    }

    /// <summary>A placeholder has no parameter, a parameter has no placeholder, or a value cannot be a SQL literal there.</summary>
    public sealed class SqlParameterException : Exception
    {
        public SqlParameterException(string message, string? name, int? line) : base(message)
        {
            Name = name;
            Line = line;
        }

        /// <summary>The placeholder or parameter name at fault.</summary>
        public string? Name { get; }
        /// <summary>1-based line of the placeholder in the query, when it is one.</summary>
        public int? Line { get; }
    }

    /// <summary>
    /// Substitutes <c>${name}</c> placeholders with parameter values, safely: a value never changes the query's structure.
    /// <list type="bullet">
    /// <item>In code, a placeholder becomes a SQL literal: string → a quoted, escaped string; integers and decimals →
    /// invariant numbers (negative ones in parentheses; decimals exact: <c>12.50BD</c> on Spark, a DECIMAL cast on DuckDB);
    /// double/float → typed literals (NaN and infinities as casts of 'NaN', 'Infinity', '-Infinity'); bool → TRUE/FALSE;
    /// DateTime at midnight → <c>DATE 'yyyy-MM-dd'</c>; other DateTime: Kind Utc or Local → the instant,
    /// <c>TIMESTAMP '... Z'</c> (DuckDB TIMESTAMPTZ), Kind Unspecified → wall-clock <c>TIMESTAMP '...'</c>; DateTimeOffset
    /// → the instant; byte[] → a binary literal; null → NULL; a list → its literals separated by commas (for
    /// <c>IN (${ids})</c>; an empty list is an error); Guid, char and enum values → strings. Anything else is an error.</item>
    /// <item>Inside a quoted string (<c>'${ds}'</c>) the value's text is inserted escaped for that string, without new quotes;
    /// inside a quoted identifier (<c>`${table}`</c>, DuckDB <c>"${table}"</c>) escaped for the identifier; inside a raw
    /// string (Spark <c>R'...'</c>, DuckDB <c>$$...$$</c>) as is, and a value holding the closing quote is an error.
    /// Lists and null cannot go inside quotes.</item>
    /// <item>Placeholders inside comments (<c>-- ...</c>, <c>/* ... */</c>) are left alone and do not count as uses.</item>
    /// <item><c>$${</c> is a literal <c>${</c> (outside comments). Spark's own variables (<c>${hiveconf:x}</c>, <c>${env:X}</c>,
    /// <c>${spark:x}</c>, <c>${sparkconf:x}</c>, <c>${system:x}</c>, <c>${hivevar:x}</c>) pass through untouched on Spark.</item>
    /// <item>Names are letters, digits and _ (not starting with a digit) and match parameters case-insensitively. A
    /// placeholder without a parameter, a parameter without a placeholder, and a malformed placeholder are errors naming
    /// the name (and the line).</item>
    /// </list>
    /// </summary>
    public static class SqlParameters
    {
        private static readonly Regex Name = new Regex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex SparkVariable = new Regex(@"^(hiveconf|hivevar|env|system|spark|sparkconf):", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        private enum Context { Code, String, BackslashString, Identifier, Raw }

        /// <summary>Substitutes every placeholder; see the type's remarks for the rules.</summary>
        /// <exception cref="SqlParameterException">A placeholder without a parameter, a parameter without a placeholder, a
        /// malformed placeholder, or a value that cannot be a literal where it stands.</exception>
        public static string Substitute(string query, IDictionary<string, object?>? parameters, SqlDialect dialect)
        {
            if (query == null) throw new ArgumentNullException(nameof(query));
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in parameters ?? new Dictionary<string, object?>())
            {
                if (pair.Key == null || !Name.IsMatch(pair.Key))
                    throw new SqlParameterException($"-Parameters key '{pair.Key}' is not a placeholder name (letters, digits and _, not starting with a digit).", pair.Key, null);
                if (values.ContainsKey(pair.Key))
                    throw new SqlParameterException($"-Parameters has '{pair.Key}' twice (names are case-insensitive).", pair.Key, null);
                values[pair.Key] = pair.Value;
            }
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var sb = new StringBuilder(query.Length + 64);
            var line = 1;
            var i = 0;
            var n = query.Length;

            // Copies query[i] (tracking lines) and advances.
            void Copy()
            {
                if (query[i] == '\n') line++;
                sb.Append(query[i]);
                i++;
            }

            // At "${" or "$${": handles it in the given context; returns false when this is not a placeholder start.
            bool Placeholder(Context context, char quote, string? rawEnd)
            {
                if (query[i] != '$') return false;
                if (i + 2 < n && query[i + 1] == '$' && query[i + 2] == '{')
                {
                    sb.Append("${");
                    i += 3;
                    return true;
                }
                if (i + 1 >= n || query[i + 1] != '{') return false;
                var close = query.IndexOf('}', i + 2);
                var newline = query.IndexOf('\n', i + 2);
                if (close < 0 || (newline >= 0 && newline < close))
                    throw new SqlParameterException($"Line {line}: '${{' starts a placeholder that is not closed with '}}' on the same line (write $${{ for a literal ${{).", null, line);
                var name = query.Substring(i + 2, close - i - 2);
                if (dialect == SqlDialect.Spark && SparkVariable.IsMatch(name))
                {
                    sb.Append(query, i, close - i + 1);
                    i = close + 1;
                    return true;
                }
                if (!Name.IsMatch(name))
                    throw new SqlParameterException($"Line {line}: '${{{name}}}' is not a placeholder: names are letters, digits and _, not starting with a digit (write $${{ for a literal ${{).", name, line);
                if (!values.TryGetValue(name, out var value))
                    throw new SqlParameterException($"The query uses ${{{name}}} (line {line}) but -Parameters has no '{name}'.", name, line);
                used.Add(name);
                sb.Append(Render(value, context, quote, rawEnd, dialect, name, line));
                i = close + 1;
                return true;
            }

            while (i < n)
            {
                var c = query[i];
                var next = i + 1 < n ? query[i + 1] : '\0';
                // ---- comments: copied untouched ----
                if (c == '-' && next == '-')
                {
                    while (i < n && query[i] != '\n')
                    {
                        if (dialect == SqlDialect.Spark && query[i] == '\\' && i + 1 < n && query[i + 1] == '\n') Copy();
                        Copy();
                    }
                    continue;
                }
                if (c == '/' && next == '*' && !(dialect == SqlDialect.Spark && i + 2 < n && query[i + 2] == '+'))
                {
                    var depth = 0;
                    while (i < n)
                    {
                        if (query[i] == '/' && i + 1 < n && query[i + 1] == '*') { depth++; Copy(); Copy(); continue; }
                        if (query[i] == '*' && i + 1 < n && query[i + 1] == '/') { depth--; Copy(); Copy(); if (depth == 0) break; continue; }
                        Copy();
                    }
                    continue;
                }
                // ---- quoted strings and identifiers ----
                var prefixed = i > 0 && !IsIdentifierChar(i >= 2 ? query[i - 2] : ' ');
                if (c == '\'' || (c == '"' && dialect == SqlDialect.Spark))
                {
                    var prev = i > 0 ? query[i - 1] : ' ';
                    if (dialect == SqlDialect.Spark && (prev == 'r' || prev == 'R') && prefixed)
                        QuotedRaw(c.ToString());
                    else if (dialect == SqlDialect.Spark || ((prev == 'e' || prev == 'E') && prefixed))
                        QuotedBackslash(c);
                    else
                        QuotedDoubling(c, Context.String);
                    continue;
                }
                if (c == '"' && dialect == SqlDialect.DuckDb) { QuotedDoubling('"', Context.Identifier); continue; }
                if (c == '`' && dialect == SqlDialect.Spark) { QuotedDoubling('`', Context.Identifier); continue; }
                if (c == '$' && dialect == SqlDialect.DuckDb && !(next == '$' && i + 2 < n && query[i + 2] == '{') && next != '{')
                {
                    // $tag$ ... $tag$ (DuckDB dollar quoting); a lone $ (e.g. $1) is just copied
                    var tagEnd = i + 1;
                    while (tagEnd < n && (char.IsLetterOrDigit(query[tagEnd]) || query[tagEnd] == '_')) tagEnd++;
                    if (tagEnd < n && query[tagEnd] == '$' && (tagEnd == i + 1 || !char.IsDigit(query[i + 1])) && (i == 0 || !IsIdentifierChar(query[i - 1])))
                    {
                        var tag = query.Substring(i, tagEnd - i + 1);
                        sb.Append(tag);
                        i = tagEnd + 1;
                        QuotedRawBody(tag);
                        continue;
                    }
                }
                if (Placeholder(Context.Code, '\0', null)) continue;
                Copy();
            }

            // a string or identifier with escapes by backslash (Spark strings, DuckDB E'...')
            void QuotedBackslash(char quote)
            {
                Copy();
                while (i < n)
                {
                    if (query[i] == '\\' && i + 1 < n) { Copy(); Copy(); continue; }
                    if (query[i] == quote) { Copy(); return; }
                    if (Placeholder(Context.BackslashString, quote, null)) continue;
                    Copy();
                }
            }

            // a string or identifier whose quote is escaped by doubling it
            void QuotedDoubling(char quote, Context context)
            {
                Copy();
                while (i < n)
                {
                    if (query[i] == quote)
                    {
                        if (i + 1 < n && query[i + 1] == quote) { Copy(); Copy(); continue; }
                        Copy();
                        return;
                    }
                    if (Placeholder(context, quote, null)) continue;
                    Copy();
                }
            }

            void QuotedRaw(string quote)
            {
                Copy();
                QuotedRawBody(quote);
            }

            void QuotedRawBody(string end)
            {
                while (i < n)
                {
                    if (string.CompareOrdinal(query, i, end, 0, end.Length) == 0)
                    {
                        sb.Append(end);
                        i += end.Length;
                        return;
                    }
                    if (Placeholder(Context.Raw, '\0', end)) continue;
                    Copy();
                }
            }

            var unused = values.Keys.FirstOrDefault(k => !used.Contains(k));
            if (unused != null)
                throw new SqlParameterException($"-Parameters has '{unused}', which the query never uses as ${{{unused}}} (placeholders in comments do not count).", unused, null);
            return sb.ToString();
        }

        /// <summary>The SQL literal for a value in code position (what <c>${name}</c> becomes outside quotes).</summary>
        /// <exception cref="SqlParameterException">The value cannot be a SQL literal.</exception>
        public static string ToLiteral(object? value, SqlDialect dialect, string? name = null)
            => Render(value, Context.Code, '\0', null, dialect, name, null);

        private static string Render(object? value, Context context, char quote, string? rawEnd, SqlDialect dialect, string? name, int? line)
        {
            var where = line == null ? "" : $" (line {line})";
            if (context == Context.Code)
            {
                if (value is IEnumerable list && value is not string && value is not byte[] && value is not IDictionary)
                {
                    var items = new List<string>();
                    foreach (var item in list)
                    {
                        if (item is IEnumerable && item is not string && item is not byte[])
                            throw new SqlParameterException($"-Parameters '{name}'{where}: a list inside a list cannot be a SQL value.", name, line);
                        items.Add(Literal(item, dialect, name, line));
                    }
                    if (items.Count == 0)
                        throw new SqlParameterException($"-Parameters '{name}'{where} is an empty list; SQL has no empty list (IN () is invalid).", name, line);
                    return string.Join(", ", items);
                }
                return Literal(value, dialect, name, line);
            }
            if (value == null)
                throw new SqlParameterException($"-Parameters '{name}'{where} is null, which cannot go inside quotes; use ${{{name}}} outside quotes to get NULL.", name, line);
            if (value is IEnumerable && value is not string)
                throw new SqlParameterException($"-Parameters '{name}'{where} is a list, which cannot go inside quotes; use ${{{name}}} outside quotes (e.g. IN (${{{name}}})).", name, line);
            var text = Text(value, name, line);
            switch (context)
            {
                case Context.Raw:
                    if (text.IndexOf(rawEnd!, StringComparison.Ordinal) >= 0)
                        throw new SqlParameterException($"-Parameters '{name}'{where} contains {rawEnd}, which would end the raw string it stands in.", name, line);
                    return text;
                case Context.BackslashString:
                    return EscapeBackslash(text, quote);
                default:
                    // a quoted identifier, or a string whose quote is escaped by doubling (DuckDB '...')
                    return text.Replace(quote.ToString(), new string(quote, 2));
            }
        }

        private static string Literal(object? value, SqlDialect dialect, string? name, int? line)
        {
            var spark = dialect == SqlDialect.Spark;
            switch (value)
            {
                case null: return "NULL";
                case bool b: return b ? "TRUE" : "FALSE";
                case string s: return Quote(s, dialect);
                case char ch: return Quote(ch.ToString(), dialect);
                case Guid g: return Quote(g.ToString("D"), dialect);
                case Enum e: return Quote(e.ToString(), dialect);
                case sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger:
                {
                    var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                    return text.StartsWith("-", StringComparison.Ordinal) ? "(" + text + ")" : text;
                }
                case decimal d:
                {
                    var text = d.ToString(CultureInfo.InvariantCulture);
                    var negative = text.StartsWith("-", StringComparison.Ordinal);
                    string literal;
                    if (spark) literal = text + "BD";
                    else
                    {
                        var digits = text.TrimStart('-').Replace(".", "").TrimStart('0').Length;
                        var scale = text.IndexOf('.') < 0 ? 0 : text.Length - text.IndexOf('.') - 1;
                        var precision = Math.Max(Math.Max(digits, scale), 1);
                        literal = $"CAST('{text}' AS DECIMAL({Math.Min(38, Math.Max(precision, scale + 1))},{scale}))";
                        return literal;
                    }
                    return negative ? "(" + literal + ")" : literal;
                }
                case double dbl: return FloatingLiteral(dbl, dbl.ToString("R", CultureInfo.InvariantCulture), "DOUBLE", spark ? "D" : null);
                case float f: return FloatingLiteral(f, f.ToString("R", CultureInfo.InvariantCulture), "FLOAT", spark ? "F" : null);
                case DateTime dt:
                    if (dt.TimeOfDay == TimeSpan.Zero) return "DATE '" + dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'";
                    if (dt.Kind == DateTimeKind.Unspecified) return "TIMESTAMP '" + WallClock(dt) + "'";
                    return Instant(dt.ToUniversalTime(), spark);
                case DateTimeOffset dto: return Instant(dto.UtcDateTime, spark);
                case byte[] bytes:
                {
                    var hex = new StringBuilder(bytes.Length * 2);
                    foreach (var x in bytes) hex.Append(x.ToString("X2", CultureInfo.InvariantCulture));
                    return spark ? "X'" + hex + "'" : "unhex('" + hex + "')";
                }
                default:
                    throw new SqlParameterException($"-Parameters '{name}'{(line == null ? "" : $" (line {line})")} is a {value.GetType().FullName}, which cannot be a SQL value " +
                        "(use a string, number, bool, DateTime, DateTimeOffset, byte[], null, or a list of these).", name, line);
            }
        }

        private static string FloatingLiteral(double value, string text, string type, string? sparkSuffix)
        {
            if (double.IsNaN(value)) return $"CAST('NaN' AS {type})";
            if (double.IsPositiveInfinity(value)) return $"CAST('Infinity' AS {type})";
            if (double.IsNegativeInfinity(value)) return $"CAST('-Infinity' AS {type})";
            if (sparkSuffix == null) return $"CAST({text} AS {type})";
            var literal = text + sparkSuffix;
            return text.StartsWith("-", StringComparison.Ordinal) ? "(" + literal + ")" : literal;
        }

        private static string Instant(DateTime utc, bool spark)
            => spark ? "TIMESTAMP '" + WallClock(utc) + "Z'" : "TIMESTAMPTZ '" + WallClock(utc) + "+00'";

        private static string WallClock(DateTime dt) => dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

        /// <summary>A value's text for use inside quotes.</summary>
        private static string Text(object value, string? name, int? line)
        {
            switch (value)
            {
                case string s: return s;
                case bool b: return b ? "true" : "false";
                case char or Guid or Enum: return Convert.ToString(value, CultureInfo.InvariantCulture)!;
                case sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger or decimal:
                    return Convert.ToString(value, CultureInfo.InvariantCulture)!;
                case double d: return d.ToString("R", CultureInfo.InvariantCulture);
                case float f: return f.ToString("R", CultureInfo.InvariantCulture);
                case DateTime dt:
                    if (dt.TimeOfDay == TimeSpan.Zero) return dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    return dt.Kind == DateTimeKind.Unspecified ? WallClock(dt) : WallClock(dt.ToUniversalTime()) + "Z";
                case DateTimeOffset dto: return WallClock(dto.UtcDateTime) + "Z";
                default:
                    throw new SqlParameterException($"-Parameters '{name}'{(line == null ? "" : $" (line {line})")} is a {value.GetType().FullName}, which cannot go inside quotes.", name, line);
            }
        }

        private static string Quote(string s, SqlDialect dialect)
            => dialect == SqlDialect.Spark ? "'" + EscapeBackslash(s, '\'') + "'" : "'" + s.Replace("'", "''") + "'";

        private static string EscapeBackslash(string s, char quote)
        {
            if (s.IndexOf('\\') < 0 && s.IndexOf(quote) < 0) return s;
            var sb = new StringBuilder(s.Length + 8);
            foreach (var c in s)
            {
                if (c == '\\' || c == quote) sb.Append('\\');
                sb.Append(c);
            }
            return sb.ToString();
        }

        private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
    }
}
