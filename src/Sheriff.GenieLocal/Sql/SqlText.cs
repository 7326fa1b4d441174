using System.Text;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// Query text helpers: quoting, the small Spark-to-DuckDB rewrite (backtick identifiers become double-quoted ones,
/// the keyword-like database name <c>default</c> before a dot is quoted, trailing semicolons go) and the map from a
/// position in the rewritten text back to the user's text, for error line/column.
/// </summary>
internal sealed class SqlText
{
    // (rewritten index, original index) pairs, ascending: where the two texts line up again after an edit.
    private readonly List<(int Rewritten, int Original)> _anchors = [(0, 0)];

    private SqlText(string original)
    {
        Original = original;
    }

    /// <summary>The user's query, as given.</summary>
    public string Original { get; }

    /// <summary>The query DuckDB runs.</summary>
    public string Rewritten { get; private set; } = "";

    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static SqlText Rewrite(string query)
    {
        var t = new SqlText(query);
        var end = query.Length;
        // trailing semicolons and blanks (Spark's parser accepts them; DuckDB would see a second, empty statement)
        while (end > 0 && (char.IsWhiteSpace(query[end - 1]) || query[end - 1] == ';'))
        {
            end--;
        }

        var sb = new StringBuilder(end + 16);
        var i = 0;
        while (i < end)
        {
            var c = query[i];
            if (c == '\'' || c == '"')
            {
                var close = SkipQuoted(query, i, end, c);
                sb.Append(query, i, close - i);
                i = close;
            }
            else if (c == '-' && i + 1 < end && query[i + 1] == '-')
            {
                var nl = query.IndexOf('\n', i);
                var stop = nl < 0 || nl > end ? end : nl;
                sb.Append(query, i, stop - i);
                i = stop;
            }
            else if (c == '/' && i + 1 < end && query[i + 1] == '*')
            {
                var close = query.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var stop = close < 0 || close + 2 > end ? end : close + 2;
                sb.Append(query, i, stop - i);
                i = stop;
            }
            else if (c == '$' && DollarTag(query, i, end) is { } tag)
            {
                var close = query.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                var stop = close < 0 || close + tag.Length > end ? end : close + tag.Length;
                sb.Append(query, i, stop - i);
                i = stop;
            }
            else if (c == '`')
            {
                // `name` (`` inside is a backtick) → "name" ("" inside is a double quote)
                var j = i + 1;
                var name = new StringBuilder();
                while (j < end)
                {
                    if (query[j] == '`')
                    {
                        if (j + 1 < end && query[j + 1] == '`')
                        {
                            name.Append('`');
                            j += 2;
                            continue;
                        }

                        break;
                    }

                    name.Append(query[j++]);
                }

                var quoted = Ident(name.ToString());
                var originalLength = Math.Min(j + 1, end) - i;
                t.Edit(sb, i, originalLength, quoted);
                i += originalLength;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var j = i;
                while (j < end && (char.IsLetterOrDigit(query[j]) || query[j] is '_' or '$'))
                {
                    j++;
                }

                var word = query[i..j];
                var k = j;
                while (k < end && char.IsWhiteSpace(query[k]))
                {
                    k++;
                }

                var beforeIsDot = sb.Length > 0 && sb[^1] == '.';
                if (word.Equals("default", StringComparison.OrdinalIgnoreCase) && k < end && query[k] == '.' && !beforeIsDot)
                {
                    t.Edit(sb, i, word.Length, "\"default\"");
                }
                else
                {
                    sb.Append(word);
                }

                i = j;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        t.Rewritten = sb.ToString();
        return t;
    }

    /// <summary>Maps an index into <see cref="Rewritten"/> to the user's text.</summary>
    public int ToOriginal(int rewrittenIndex)
    {
        var anchor = _anchors[0];
        foreach (var a in _anchors)
        {
            if (a.Rewritten > rewrittenIndex)
            {
                break;
            }

            anchor = a;
        }

        return Math.Clamp(anchor.Original + (rewrittenIndex - anchor.Rewritten), 0, Original.Length);
    }

    /// <summary>1-based line and column of an index into <see cref="Original"/>.</summary>
    public (int Line, int Column) LineColumn(int originalIndex)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < originalIndex && i < Original.Length; i++)
        {
            if (Original[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, originalIndex - lineStart + 1);
    }

    private void Edit(StringBuilder sb, int originalIndex, int originalLength, string replacement)
    {
        _anchors.Add((sb.Length, originalIndex));
        sb.Append(replacement);
        _anchors.Add((sb.Length, originalIndex + originalLength));
    }

    private static int SkipQuoted(string s, int start, int end, char quote)
    {
        var i = start + 1;
        while (i < end)
        {
            if (s[i] == quote)
            {
                if (i + 1 < end && s[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return end;
    }

    private static string? DollarTag(string s, int start, int end)
    {
        var i = start + 1;
        while (i < end && (char.IsLetter(s[i]) || s[i] == '_'))
        {
            i++;
        }

        return i < end && s[i] == '$' ? s[start..(i + 1)] : null;
    }
}
