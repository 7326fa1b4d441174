using System.Collections.Specialized;
using Sheriff.Core.Sql;
using Xunit;

namespace Sheriff.Core.Tests.Sql;

/// <summary>The failure text (the query line with a caret), the statistics warnings, and type names.</summary>
public class SqlMessagesTests
{
    [Fact]
    public void Failure_QuotesTheLine_WithACaretUnderTheColumn()
    {
        var text = SqlMessages.DescribeFailure(new SqlError("syntax", "syntax error at or near \"FORM\"", 2, 10), "SELECT a\nSELECT b FORM t\n", "duckdb 1.4.2");
        Assert.Equal(
            "The SQL job failed on duckdb 1.4.2 (syntax): syntax error at or near \"FORM\"" + Environment.NewLine +
            "  at line 2, column 10:" + Environment.NewLine +
            "    2 | SELECT b FORM t" + Environment.NewLine +
            "      |          ^", text);
    }

    [Fact]
    public void Failure_WithoutAUsablePosition_IsTheMessageAlone()
    {
        Assert.Equal("The SQL job failed (analysis): Table not found: t", SqlMessages.DescribeFailure(new SqlError("analysis", "Table not found: t", null, null), "SELECT * FROM t"));
        Assert.DoesNotContain("line", SqlMessages.DescribeFailure(new SqlError("analysis", "x", 9, 1), "SELECT 1"));
        var lineOnly = SqlMessages.DescribeFailure(new SqlError("analysis", "x", 1, null), "SELECT 1");
        Assert.Contains("  at line 1:", lineOnly);
        Assert.DoesNotContain("^", lineOnly);
    }

    private static SqlTableStatistics Stats(long? size, long? actual, params SqlPartitionStatistics[] partitions) => new()
    {
        Table = "db.t", SizeInBytes = size, ActualSizeInBytes = actual, Partitions = partitions,
        PartitionColumns = partitions.Length > 0 ? new[] { "ds" } : Array.Empty<string>(),
    };

    private static SqlPartitionStatistics Partition(string ds, long? size, long? actual)
        => new() { Spec = new OrderedDictionary { ["ds"] = ds }, SizeInBytes = size, ActualSizeInBytes = actual };

    [Fact]
    public void NoStatistics_IsAWarning_NamingTheFixAndTheBroadcastSetting()
    {
        var warning = Assert.Single(SqlMessages.StatisticsWarnings(Stats(null, 5000)));
        Assert.Contains("db.t has no statistics", warning);
        Assert.Contains("Update-TableStatistics -Table db.t", warning);
        Assert.Contains("spark.sql.autoBroadcastJoinThreshold", warning);
    }

    [Theory]
    [InlineData(1000, 1500, null)]
    [InlineData(1000, 2000, null)]
    [InlineData(1000, 500, null)]
    [InlineData(1000, 2001, "smaller than the real size")]
    [InlineData(1000, 499, "larger than the real size")]
    [InlineData(0, 10, "smaller than the real size")]
    public void Stale_IsMoreThanTwiceOffEitherWay_AndSaysWhichWay(long size, long actual, string? expected)
    {
        var warnings = SqlMessages.StatisticsWarnings(Stats(size, actual));
        if (expected == null) Assert.Empty(warnings);
        else
        {
            var warning = Assert.Single(warnings);
            Assert.Contains("stale", warning);
            Assert.Contains(expected, warning);
            Assert.Contains("spark.sql.autoBroadcastJoinThreshold", warning);
        }
    }

    [Fact]
    public void Partitions_WithoutOrWithStaleStatistics_AreCounted()
    {
        var warnings = SqlMessages.StatisticsWarnings(Stats(1000, 1000, Partition("2026-11-25", 500, 500), Partition("2026-11-26", null, 500), Partition("2026-11-27", 10, 490)));
        Assert.Equal(2, warnings.Count);
        Assert.Contains("1 of 3 partitions of db.t have no statistics (ds=2026-11-26)", warnings[0]);
        Assert.Contains("1 of 3 partitions of db.t have a recorded size more than 2x off their real size (ds=2026-11-27)", warnings[1]);
    }

    [Fact]
    public void OnePartition_IsJudgedAlone()
    {
        Assert.Empty(SqlMessages.StatisticsWarnings(Stats(null, 1000, Partition("2026-11-26", 500, 500)), onePartition: true));
        var warning = Assert.Single(SqlMessages.StatisticsWarnings(Stats(null, 1000, Partition("2026-11-26", null, 500)), onePartition: true));
        Assert.Contains("db.t partition ds=2026-11-26 has no statistics", warning);
        Assert.Contains("-Partition @{ ds = '2026-11-26' }", warning);
    }

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(10239, "10,239 bytes")]
    [InlineData(10240, "10.0 KB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GB")]
    public void Bytes_ForPeople(long bytes, string text) => Assert.Equal(text, SqlMessages.Bytes(bytes));

    [Theory]
    [InlineData("int", SqlTypeKind.Int)]
    [InlineData("integer", SqlTypeKind.Int)]
    [InlineData("long", SqlTypeKind.BigInt)]
    [InlineData("timestamp_ltz", SqlTypeKind.Timestamp)]
    [InlineData("char(3)", SqlTypeKind.String)]
    [InlineData("interval year to month", SqlTypeKind.Unknown)]
    [InlineData("void", SqlTypeKind.Null)]
    public void TypeNames(string name, SqlTypeKind kind) => Assert.Equal(kind, SqlType.Parse(name).Kind);

    [Fact]
    public void NestedTypeNames()
    {
        var t = SqlType.Parse("map<string,array<struct<a:decimal(38,18),`b c`:timestamp_ntz>>>");
        Assert.Equal(SqlTypeKind.Map, t.Kind);
        Assert.Equal(SqlTypeKind.String, t.KeyType!.Kind);
        var s = t.ValueType!.ElementType!;
        Assert.Equal(new[] { "a", "b c" }, s.Fields.Select(f => f.Name));
        Assert.Equal(38, s.Fields[0].Type.Precision);
        Assert.Equal(18, s.Fields[0].Type.Scale);
        Assert.Equal(SqlTypeKind.TimestampNtz, s.Fields[1].Type.Kind);
        Assert.True(t.ContainsStruct);
        Assert.False(SqlType.Parse("array<map<int,string>>").ContainsStruct);
        Assert.Equal(10, SqlType.Parse("decimal").Precision);
        Assert.Throws<FormatException>(() => SqlType.Parse("array<int"));
        Assert.Throws<FormatException>(() => SqlType.Parse("struct<a int>"));
    }
}
