using System.Numerics;
using Sheriff.Core.Sql;
using Xunit;

namespace Sheriff.Core.Tests.Sql;

/// <summary>${name} substitution: the literal per type and dialect, the quoting contexts, comments, escapes and every error.</summary>
public class SqlParametersTests
{
    private static string Spark(string query, params (string Name, object? Value)[] parameters)
        => SqlParameters.Substitute(query, parameters.ToDictionary(p => p.Name, p => p.Value), SqlDialect.Spark);

    private static string Duck(string query, params (string Name, object? Value)[] parameters)
        => SqlParameters.Substitute(query, parameters.ToDictionary(p => p.Name, p => p.Value), SqlDialect.DuckDb);

    public static IEnumerable<object?[]> Literals() => new[]
    {
        // value, Spark literal, DuckDB literal
        new object?[] { "2026-11-26", "'2026-11-26'", "'2026-11-26'" },
        new object?[] { "it's", @"'it\'s'", "'it''s'" },
        new object?[] { @"C:\data\x", @"'C:\\data\\x'", @"'C:\data\x'" },
        new object?[] { "a\nb", "'a\nb'", "'a\nb'" },
        new object?[] { "", "''", "''" },
        new object?[] { 42, "42", "42" },
        new object?[] { -5, "(-5)", "(-5)" },
        new object?[] { 3000000000L, "3000000000", "3000000000" },
        new object?[] { (byte)7, "7", "7" },
        new object?[] { (short)-7, "(-7)", "(-7)" },
        new object?[] { BigInteger.Parse("123456789012345678901234567890"), "123456789012345678901234567890", "123456789012345678901234567890" },
        new object?[] { 12.50m, "12.50BD", "CAST('12.50' AS DECIMAL(4,2))" },
        new object?[] { -0.05m, "(-0.05BD)", "CAST('-0.05' AS DECIMAL(3,2))" },
        new object?[] { 7m, "7BD", "CAST('7' AS DECIMAL(1,0))" },
        new object?[] { 1.5, "1.5D", "CAST(1.5 AS DOUBLE)" },
        new object?[] { -2.25, "(-2.25D)", "CAST(-2.25 AS DOUBLE)" },
        new object?[] { 1e300, "1E+300D", "CAST(1E+300 AS DOUBLE)" },
        new object?[] { double.NaN, "CAST('NaN' AS DOUBLE)", "CAST('NaN' AS DOUBLE)" },
        new object?[] { double.PositiveInfinity, "CAST('Infinity' AS DOUBLE)", "CAST('Infinity' AS DOUBLE)" },
        new object?[] { double.NegativeInfinity, "CAST('-Infinity' AS DOUBLE)", "CAST('-Infinity' AS DOUBLE)" },
        new object?[] { 0.5f, "0.5F", "CAST(0.5 AS FLOAT)" },
        new object?[] { true, "TRUE", "TRUE" },
        new object?[] { false, "FALSE", "FALSE" },
        new object?[] { null, "NULL", "NULL" },
        new object?[] { new DateTime(2026, 11, 26), "DATE '2026-11-26'", "DATE '2026-11-26'" },
        new object?[] { new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc), "DATE '2026-11-26'", "DATE '2026-11-26'" },
        new object?[] { new DateTime(2026, 11, 26, 10, 30, 0, DateTimeKind.Utc), "TIMESTAMP '2026-11-26 10:30:00Z'", "TIMESTAMPTZ '2026-11-26 10:30:00+00'" },
        new object?[] { new DateTime(2026, 11, 26, 10, 30, 0, DateTimeKind.Utc).AddTicks(1234560), "TIMESTAMP '2026-11-26 10:30:00.123456Z'", "TIMESTAMPTZ '2026-11-26 10:30:00.123456+00'" },
        new object?[] { new DateTime(2026, 11, 26, 10, 30, 5, DateTimeKind.Unspecified), "TIMESTAMP '2026-11-26 10:30:05'", "TIMESTAMP '2026-11-26 10:30:05'" },
        new object?[] { new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.FromHours(2)), "TIMESTAMP '2026-11-26 10:00:00Z'", "TIMESTAMPTZ '2026-11-26 10:00:00+00'" },
        new object?[] { new byte[] { 0x0A, 0xFF }, "X'0AFF'", "unhex('0AFF')" },
        new object?[] { 'x', "'x'", "'x'" },
        new object?[] { Guid.Parse("3f2c9a10-0000-4000-8000-000000000001"), "'3f2c9a10-0000-4000-8000-000000000001'", "'3f2c9a10-0000-4000-8000-000000000001'" },
        new object?[] { DayOfWeek.Monday, "'Monday'", "'Monday'" },
        new object?[] { new object[] { 1, 2, 3 }, "1, 2, 3", "1, 2, 3" },
        new object?[] { new[] { "a", "b'c" }, @"'a', 'b\'c'", "'a', 'b''c'" },
        new object?[] { new List<object?> { 1, null, "x" }, "1, NULL, 'x'", "1, NULL, 'x'" },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public void Code_BecomesTheTypedLiteral(object? value, string spark, string duck)
    {
        Assert.Equal($"SELECT {spark} AS v", Spark("SELECT ${v} AS v", ("v", value)));
        Assert.Equal($"SELECT {duck} AS v", Duck("SELECT ${v} AS v", ("v", value)));
    }

    [Fact]
    public void LocalDateTime_IsConvertedToTheUtcInstant()
    {
        var local = new DateTime(2026, 11, 26, 10, 30, 0, DateTimeKind.Local);
        var utc = local.ToUniversalTime();
        Assert.Equal($"TIMESTAMP '{utc:yyyy-MM-dd HH:mm:ss}Z'", Spark("${t}", ("t", local)));
    }

    [Fact]
    public void NegativeNumbers_AreParenthesised_SoMinusMinusNeverStartsAComment()
    {
        Assert.Equal("SELECT x -(-5)", Spark("SELECT x -${n}", ("n", -5)));
    }

    [Fact]
    public void InsideAString_TheEscapedTextGoesInWithoutNewQuotes()
    {
        Assert.Equal("WHERE ds = '2026-11-26'", Spark("WHERE ds = '${ds}'", ("ds", "2026-11-26")));
        Assert.Equal(@"WHERE name LIKE 'O\'Brien%'", Spark("WHERE name LIKE '${p}%'", ("p", "O'Brien")));
        Assert.Equal("WHERE name LIKE 'O''Brien%'", Duck("WHERE name LIKE '${p}%'", ("p", "O'Brien")));
        Assert.Equal(@"WHERE p = 'a\\b'", Spark("WHERE p = '${p}'", ("p", @"a\b")));
        Assert.Equal(@"WHERE p = 'a\b'", Duck("WHERE p = '${p}'", ("p", @"a\b")));
        // Spark's double-quoted strings and DuckDB's E'' strings escape with backslashes
        Assert.Equal("WHERE p = \"say \\\"hi\\\"\"", Spark("WHERE p = \"${p}\"", ("p", "say \"hi\"")));
        Assert.Equal(@"WHERE p = E'it\'s \\'", Duck("WHERE p = E'${p}'", ("p", @"it's \")));
        // typed values as text
        Assert.Equal("'2026-11-26' '42' 'true' '2026-11-26 10:00:00Z'", Spark("'${d}' '${n}' '${b}' '${t}'",
            ("d", new DateTime(2026, 11, 26)), ("n", 42), ("b", true), ("t", new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc))));
    }

    [Fact]
    public void AnInjectionAttempt_StaysInsideItsLiteral()
    {
        var evil = "x'; DROP TABLE t; --";
        Assert.Equal(@"SELECT * FROM t WHERE a = 'x\'; DROP TABLE t; --'", Spark("SELECT * FROM t WHERE a = ${v}", ("v", evil)));
        Assert.Equal("SELECT * FROM t WHERE a = 'x''; DROP TABLE t; --'", Duck("SELECT * FROM t WHERE a = ${v}", ("v", evil)));
        // a backslash cannot eat the closing quote on Spark
        Assert.Equal(@"SELECT '\\' AS a", Spark("SELECT ${v} AS a", ("v", @"\")));
    }

    [Fact]
    public void InsideQuotedIdentifiers_TheQuoteIsDoubled()
    {
        Assert.Equal("SELECT * FROM `my``table`", Spark("SELECT * FROM `${t}`", ("t", "my`table")));
        Assert.Equal("SELECT * FROM \"my\"\"table\"", Duck("SELECT * FROM \"${t}\"", ("t", "my\"table")));
    }

    [Fact]
    public void RawStrings_TakeTheTextAsIs_AndRefuseTheClosingQuote()
    {
        Assert.Equal(@"SELECT R'C:\x\y'", Spark(@"SELECT R'${p}'", ("p", @"C:\x\y")));
        Assert.Equal("SELECT $$it's$$", Duck("SELECT $$${p}$$", ("p", "it's")));
        Assert.Equal("SELECT $q$a$$b$q$", Duck("SELECT $q$${p}$q$", ("p", "a$$b")));
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT r'${p}'", ("p", "it's")));
        Assert.Equal("p", ex.Name);
        Assert.Throws<SqlParameterException>(() => Duck("SELECT $$${p}$$", ("p", "a$$b")));
    }

    [Fact]
    public void Comments_AreLeftAlone_AndDoNotCountAsUses()
    {
        const string query = "-- run for ${ds}\nSELECT ${ds} /* not ${this} /* nested ${x} */ still */ AS d";
        Assert.Equal("-- run for ${ds}\nSELECT '2026' /* not ${this} /* nested ${x} */ still */ AS d", Spark(query, ("ds", "2026")));
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT 1 -- ${only_here}", ("only_here", 1)));
        Assert.Equal("only_here", ex.Name);
        Assert.Contains("never uses", ex.Message);
    }

    [Fact]
    public void SparkHints_AreCode()
    {
        // a hint is not a comment on Spark: its placeholders are substituted (here as a string literal)
        Assert.Equal("SELECT /*+ BROADCAST('small') */ *", Spark("SELECT /*+ BROADCAST(${t}) */ *", ("t", "small")));
    }

    [Fact]
    public void DoubleDollar_IsALiteralPlaceholderText_Everywhere_ButComments()
    {
        Assert.Equal("SELECT '${x}', ${y} -- $${z}", Spark("SELECT '$${x}', $${y} -- $${z}"));
        Assert.Equal("SELECT '${x}' AS a, 1", Duck("SELECT '$${x}' AS a, ${n}", ("n", 1)));
    }

    [Fact]
    public void SparkVariables_PassThroughOnSpark_ButAreErrorsOnDuckDb()
    {
        Assert.Equal("SELECT * FROM t WHERE ds = '${hiveconf:ds}' AND h = ${env:HOME}", Spark("SELECT * FROM t WHERE ds = '${hiveconf:ds}' AND h = ${env:HOME}"));
        Assert.Throws<SqlParameterException>(() => Duck("SELECT ${hiveconf:ds}"));
    }

    [Fact]
    public void Names_MatchCaseInsensitively_AndRepeatedPlaceholdersAllGetTheValue()
    {
        Assert.Equal("SELECT 1, 1", Spark("SELECT ${N}, ${n}", ("n", 1)));
    }

    [Fact]
    public void MissingParameter_NamesThePlaceholderAndItsLine()
    {
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT 1\nFROM t\nWHERE ds = ${ds}", ("other", 1)));
        Assert.Equal("ds", ex.Name);
        Assert.Equal(3, ex.Line);
        Assert.Contains("${ds}", ex.Message);
        Assert.Contains("line 3", ex.Message);
    }

    [Fact]
    public void UnusedParameter_IsAnError()
    {
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT ${a}", ("a", 1), ("b", 2)));
        Assert.Equal("b", ex.Name);
    }

    [Fact]
    public void NoPlaceholdersAndNoParameters_IsTheQueryUnchanged()
    {
        const string query = "SELECT 'a''b', \"c\", `d` -- x\n/* y */ FROM t";
        Assert.Equal(query, SqlParameters.Substitute(query, null, SqlDialect.Spark));
        Assert.Equal(query, SqlParameters.Substitute(query, null, SqlDialect.DuckDb));
    }

    [Theory]
    [InlineData("SELECT ${1x}", "1x")]
    [InlineData("SELECT ${my-var}", "my-var")]
    [InlineData("SELECT ${ ds }", " ds ")]
    [InlineData("SELECT ${}", "")]
    public void MalformedPlaceholders_AreErrors(string query, string name)
    {
        var ex = Assert.Throws<SqlParameterException>(() => Spark(query));
        Assert.Equal(name, ex.Name);
        Assert.Contains("not a placeholder", ex.Message);
    }

    [Fact]
    public void UnclosedPlaceholder_IsAnError_WithTheEscapeHint()
    {
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT '${'\nFROM t }"));
        Assert.Contains("$${", ex.Message);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void BadValues_AreErrorsNamingTheParameter()
    {
        Assert.Equal("h", Assert.Throws<SqlParameterException>(() => Spark("SELECT ${h}", ("h", new Dictionary<string, int>()))).Name);
        Assert.Equal("o", Assert.Throws<SqlParameterException>(() => Spark("SELECT ${o}", ("o", new object()))).Name);
        Assert.Equal("e", Assert.Throws<SqlParameterException>(() => Spark("SELECT * FROM t WHERE a IN (${e})", ("e", Array.Empty<int>()))).Name);
        Assert.Equal("n", Assert.Throws<SqlParameterException>(() => Spark("SELECT ${n}", ("n", new object[] { new[] { 1 } }))).Name);
        Assert.Equal("l", Assert.Throws<SqlParameterException>(() => Spark("SELECT '${l}'", ("l", new[] { 1, 2 }))).Name);
        Assert.Equal("z", Assert.Throws<SqlParameterException>(() => Spark("SELECT '${z}'", ("z", null))).Name);
        Assert.Equal("t", Assert.Throws<SqlParameterException>(() => Spark("SELECT ${t}", ("t", TimeSpan.FromHours(1)))).Name);
    }

    [Fact]
    public void BadParameterNames_AreErrors()
    {
        Assert.Throws<SqlParameterException>(() => Spark("SELECT 1", ("bad name", 1)));
        Assert.Throws<SqlParameterException>(() => SqlParameters.Substitute("SELECT ${a}",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["a"] = 1, ["A"] = 2 }, SqlDialect.Spark));
    }

    [Fact]
    public void LinesAreCountedAcrossStringsAndComments()
    {
        var ex = Assert.Throws<SqlParameterException>(() => Spark("SELECT 'a\nb' -- c\n/* d\n e */ ${x}"));
        Assert.Equal(4, ex.Line);
    }
}
