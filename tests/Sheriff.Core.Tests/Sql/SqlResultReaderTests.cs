using System.Collections;
using System.Collections.Specialized;
using System.Text;
using Sheriff.Core.Sql;
using Xunit;

namespace Sheriff.Core.Tests.Sql;

/// <summary>The result file: every type to its CLR value, nested values, nulls, NaN, decimal overflow, sections, errors.</summary>
public class SqlResultReaderTests
{
    private static SqlResult Read(string json) => SqlResultReader.Read(new StringReader(json));

    private static string Result(string columns, string rows, string extra = "")
        => "{\"format\":\"sheriff-sql-result/1\",\"engine\":\"duckdb 1.4.2\",\"status\":\"succeeded\",\"error\":null," +
           $"\"columns\":{columns},\"rows\":{rows},\"rowCount\":2,\"truncated\":false,\"written\":null,\"statistics\":null{extra}}}";

    private static object? Single(string type, string json)
    {
        var result = Read(Result($"[{{\"name\":\"v\",\"type\":\"{type}\"}}]", $"[[{json}]]"));
        Assert.Single(result.Rows!);
        return result.Rows![0][0];
    }

    public static IEnumerable<object?[]> Scalars() => new[]
    {
        new object?[] { "boolean", "true", true },
        new object?[] { "boolean", "false", false },
        new object?[] { "tinyint", "-128", -128 },
        new object?[] { "smallint", "32767", 32767 },
        new object?[] { "int", "-2147483648", int.MinValue },
        new object?[] { "bigint", "9223372036854775807", long.MaxValue },
        new object?[] { "bigint", "-1", -1L },
        new object?[] { "double", "1.5", 1.5 },
        new object?[] { "double", "3", 3.0 },
        new object?[] { "double", "-1.7976931348623157E+308", double.MinValue },
        new object?[] { "float", "0.25", 0.25 },
        new object?[] { "double", "\"Infinity\"", double.PositiveInfinity },
        new object?[] { "double", "\"-Infinity\"", double.NegativeInfinity },
        new object?[] { "string", "\"héllo \\\"x\\\"\"", "héllo \"x\"" },
        new object?[] { "string", "\"\"", "" },
        new object?[] { "varchar(10)", "\"v\"", "v" },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void Scalar_BecomesItsClrType(string type, string json, object expected)
    {
        var value = Single(type, json);
        Assert.Equal(expected.GetType(), value!.GetType());
        Assert.Equal(expected, value);
    }

    [Fact]
    public void NaN_IsDoubleNaN()
    {
        var value = Single("double", "\"NaN\"");
        Assert.True(value is double d && double.IsNaN(d));
    }

    [Fact]
    public void EveryType_IsNullForNull()
    {
        foreach (var type in new[] { "boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "decimal(10,2)", "string", "binary",
                     "date", "timestamp", "timestamp_ntz", "array<int>", "map<string,int>", "struct<a:int>", "void", "interval day to second" })
            Assert.Null(Single(type, "null"));
    }

    [Theory]
    [InlineData("decimal(4,2)", "12.50", "12.50")]
    [InlineData("decimal(10,0)", "-3", "-3")]
    [InlineData("decimal(10,4)", "0.0001", "0.0001")]
    [InlineData("decimal(28,0)", "9999999999999999999999999999", "9999999999999999999999999999")]
    [InlineData("decimal(38,0)", "79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("decimal(10,2)", "1E+2", "100")]
    [InlineData("decimal(10,10)", "1E-10", "0.0000000001")]
    [InlineData("decimal(10,2)", "0.00", "0.00")]
    public void Decimal_IsExact_AndKeepsItsScale(string type, string json, string expected)
    {
        var value = Single(type, $"\"{json}\"");
        var d = Assert.IsType<decimal>(value);
        Assert.Equal(expected, d.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("decimal(38,0)", "79228162514264337593543950336")]          // one over decimal.MaxValue
    [InlineData("decimal(38,0)", "12345678901234567890123456789012345678")]
    [InlineData("decimal(38,30)", "0.123456789012345678901234567890")]      // scale 30 > 28
    [InlineData("decimal(38,28)", "9.9999999999999999999999999999")]        // 29 digits that do not fit the mantissa
    public void Decimal_ThatSystemDecimalCannotHoldExactly_StaysItsExactText(string type, string json)
    {
        Assert.Equal(json, Single(type, $"\"{json}\""));
    }

    [Fact]
    public void Binary_IsBytes()
    {
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, Single("binary", "\"AAH+/w==\""));
    }

    [Fact]
    public void Date_IsAnUnspecifiedMidnight()
    {
        var d = Assert.IsType<DateTime>(Single("date", "\"2026-11-26\""));
        Assert.Equal(new DateTime(2026, 11, 26), d);
        Assert.Equal(DateTimeKind.Unspecified, d.Kind);
        Assert.Equal(new DateTime(1, 1, 1), Single("date", "\"0001-01-01\""));
    }

    [Fact]
    public void Timestamp_IsUtc_ToTheMicrosecond()
    {
        var t = Assert.IsType<DateTime>(Single("timestamp", "\"2026-11-26T10:00:00.123456Z\""));
        Assert.Equal(DateTimeKind.Utc, t.Kind);
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560), t);
        // other spellings: no fraction, an offset, a space
        Assert.Equal(new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc), Single("timestamp", "\"2026-11-26T10:00:00+02:00\""));
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc), Single("timestamp", "\"2026-11-26 10:00:00Z\""));
    }

    [Fact]
    public void TimestampNtz_IsAnUnspecifiedWallClock()
    {
        var t = Assert.IsType<DateTime>(Single("timestamp_ntz", "\"2026-11-26T10:00:00.5\""));
        Assert.Equal(DateTimeKind.Unspecified, t.Kind);
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 0).AddMilliseconds(500), t);
    }

    [Fact]
    public void Array_IsAnObjectArray_OfTypedElements()
    {
        var a = Assert.IsType<object?[]>(Single("array<bigint>", "[1, null, 3]"));
        Assert.Equal(new object?[] { 1L, null, 3L }, a);
        Assert.Empty(Assert.IsType<object?[]>(Single("array<string>", "[]")));
    }

    [Fact]
    public void Map_IsAnOrderedDictionary_WithTypedKeys()
    {
        var m = Assert.IsType<OrderedDictionary>(Single("map<int,decimal(4,2)>", "[[2, \"1.50\"], [1, null]]"));
        Assert.Equal(new object[] { 2, 1 }, m.Keys.Cast<object>().ToArray());
        Assert.Equal(1.50m, m[(object)2]);
        Assert.Null(m[(object)1]);
        var byDate = Assert.IsType<OrderedDictionary>(Single("map<date,string>", "[[\"2026-11-26\", \"x\"]]"));
        Assert.Equal("x", byDate[(object)new DateTime(2026, 11, 26)]);
    }

    [Fact]
    public void Struct_IsASqlStruct_InTheTypesFieldOrder()
    {
        var s = Assert.IsType<SqlStruct>(Single("struct<b:string,a:array<int>,c:struct<d:date>>", "{\"a\": [1, 2], \"b\": \"x\", \"c\": {\"d\": \"2026-01-02\"}, \"extra\": 1}"));
        Assert.Equal(new[] { "b", "a", "c" }, s.Names);
        Assert.Equal("x", s["b"]);
        Assert.Equal(new object?[] { 1, 2 }, s["a"]);
        var inner = Assert.IsType<SqlStruct>(s["c"]);
        Assert.Equal(new DateTime(2026, 1, 2), inner["d"]);
        // a missing field is null
        var partial = Assert.IsType<SqlStruct>(Single("struct<a:int,b:int>", "{\"b\": 2}"));
        Assert.Null(partial["a"]);
        Assert.Equal(2, partial["b"]);
    }

    [Fact]
    public void DeeplyNested_ArrayOfMapsOfStructs()
    {
        var a = Assert.IsType<object?[]>(Single("array<map<string,struct<x:double,y:array<boolean>>>>",
            "[[[\"k\", {\"x\": \"NaN\", \"y\": [true, null]}]], null, []]"));
        var m = Assert.IsType<OrderedDictionary>(a[0]);
        var s = Assert.IsType<SqlStruct>(m["k"]);
        Assert.True(double.IsNaN((double)s["x"]!));
        Assert.Equal(new object?[] { true, null }, s["y"]);
        Assert.Null(a[1]);
        Assert.Empty(Assert.IsType<OrderedDictionary>(a[2]));
    }

    [Fact]
    public void UnknownType_GivesThePlainJsonValue()
    {
        Assert.Equal("1 day", Single("interval day to second", "\"1 day\""));
        Assert.Equal(5L, Single("variant", "5"));
        var o = Assert.IsType<OrderedDictionary>(Single("variant", "{\"a\": [1, \"b\"]}"));
        Assert.Equal(new object?[] { 1L, "b" }, o["a"]);
    }

    [Fact]
    public void RowsAndHeader_AreRead_InOrder()
    {
        var json = Result("[{\"name\":\"id\",\"type\":\"bigint\"},{\"name\":\"name\",\"type\":\"string\"}]", "[[1,\"a\"],[2,null]]")
            .Replace("\"truncated\":false", "\"truncated\":true").Replace("\"rowCount\":2", "\"rowCount\":25000");
        var r = Read(json);
        Assert.True(r.Succeeded);
        Assert.Equal("duckdb 1.4.2", r.Engine);
        Assert.Equal("sheriff-sql-result/1", r.Format);
        Assert.Equal(new[] { "id", "name" }, r.Columns.Select(c => c.Name));
        Assert.Equal(SqlTypeKind.BigInt, r.Columns[0].Type.Kind);
        Assert.Equal(2, r.RowsReturned);
        Assert.Equal(25000, r.RowCount);
        Assert.True(r.Truncated);
        Assert.Equal(new object?[] { 2L, null }, r.Rows![1]);
    }

    [Fact]
    public void Callback_GetsEachRow_AndNothingIsKept()
    {
        var json = Result("[{\"name\":\"id\",\"type\":\"int\"}]", "[[1],[2],[3]]");
        var seen = new List<int>();
        var r = SqlResultReader.Read(new StringReader(json), (result, row) =>
        {
            Assert.Single(result.Columns);
            seen.Add((int)row[0]!);
        });
        Assert.Equal(new[] { 1, 2, 3 }, seen);
        Assert.Null(r.Rows);
        Assert.Equal(3, r.RowsReturned);
    }

    [Fact]
    public void RowsBeforeColumns_AreStillTyped()
    {
        const string json = "{\"status\":\"succeeded\",\"rows\":[[\"2026-11-26\",\"1.50\"]],\"columns\":[{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"x\",\"type\":\"decimal(3,2)\"}]}";
        var r = Read(json);
        Assert.Equal(new object?[] { new DateTime(2026, 11, 26), 1.50m }, r.Rows![0]);
    }

    [Fact]
    public void Stream_WithUtf8_IsRead()
    {
        var json = Result("[{\"name\":\"s\",\"type\":\"string\"}]", "[[\"ü€😀\"]]");
        using var stream = new MemoryStream(new UTF8Encoding(false).GetBytes(json));
        Assert.Equal("ü€😀", SqlResultReader.Read(stream).Rows![0][0]);
    }

    [Fact]
    public void Error_IsRead_WithItsPosition()
    {
        const string json = "{\"format\":\"sheriff-sql-result/1\",\"engine\":\"spark 3.5.1\",\"status\":\"failed\"," +
            "\"error\":{\"kind\":\"syntax\",\"message\":\"Syntax error at or near 'FORM'\",\"line\":2,\"column\":10}," +
            "\"columns\":[],\"rows\":[],\"rowCount\":0,\"truncated\":false,\"written\":null,\"statistics\":null}";
        var r = Read(json);
        Assert.False(r.Succeeded);
        Assert.Equal("syntax", r.Error!.Kind);
        Assert.Equal("Syntax error at or near 'FORM'", r.Error.Message);
        Assert.Equal(2, r.Error.Line);
        Assert.Equal(10, r.Error.Column);
        var noPosition = Read(json.Replace("\"line\":2,\"column\":10", "\"line\":null,\"column\":null"));
        Assert.Null(noPosition.Error!.Line);
        Assert.Null(noPosition.Error.Column);
    }

    [Fact]
    public void Written_IsRead()
    {
        var json = Result("[]", "[]", "").Replace("\"written\":null",
            "\"written\":{\"table\":\"db.t\",\"rows\":1234,\"partitions\":[\"ds=2026-11-26\",\"ds=2026-11-27\"],\"location\":\"file:///w/db.db/t\",\"mode\":\"overwrite\",\"created\":true}");
        var w = Read(json).Written!;
        Assert.Equal("db.t", w.Table);
        Assert.Equal(1234, w.RowsWritten);
        Assert.Equal(new[] { "ds=2026-11-26", "ds=2026-11-27" }, w.Partitions);
        Assert.Equal("file:///w/db.db/t", w.Location);
        Assert.Equal("overwrite", w.Mode);
        Assert.True(w.Created);
    }

    [Fact]
    public void Statistics_AreRead_WithPartitionsAndColumns()
    {
        var json = Result("[]", "[]").Replace("\"statistics\":null",
            "\"statistics\":{\"table\":\"db.t\",\"location\":\"file:///w/t\",\"partitionColumns\":[\"ds\"],\"sizeInBytes\":123,\"rowCount\":10," +
            "\"collectedAt\":\"2026-11-26T10:00:00Z\",\"actualSizeInBytes\":456," +
            "\"partitions\":[{\"spec\":{\"ds\":\"2026-11-26\"},\"sizeInBytes\":null,\"rowCount\":null,\"collectedAt\":null,\"actualSizeInBytes\":200}]," +
            "\"columns\":[{\"name\":\"a\",\"distinctCount\":3,\"nullCount\":0,\"min\":1,\"max\":\"z\"}]}");
        var s = Read(json).Statistics!;
        Assert.Equal("db.t", s.Table);
        Assert.Equal(new[] { "ds" }, s.PartitionColumns);
        Assert.Equal(123, s.SizeInBytes);
        Assert.Equal(10, s.RowCount);
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc), s.CollectedAt);
        Assert.Equal(DateTimeKind.Utc, s.CollectedAt!.Value.Kind);
        Assert.Equal(456, s.ActualSizeInBytes);
        var p = Assert.Single(s.Partitions);
        Assert.Equal("ds=2026-11-26", p.Name);
        Assert.Equal("2026-11-26", p.Spec["ds"]);
        Assert.Null(p.SizeInBytes);
        Assert.Equal(200, p.ActualSizeInBytes);
        var c = Assert.Single(s.Columns);
        Assert.Equal("a", c.Name);
        Assert.Equal(3, c.DistinctCount);
        Assert.Equal(1L, c.Min);
        Assert.Equal("z", c.Max);
    }

    [Theory]
    [InlineData("int", "\"x\"", "column 'v' (int): a JSON string is not a int value")]
    [InlineData("int", "3000000000", "out of range")]
    [InlineData("date", "\"26/11/2026\"", "is not a date")]
    [InlineData("timestamp", "\"yesterday\"", "is not a timestamp")]
    [InlineData("decimal(4,2)", "\"1.2.3\"", "is not a decimal number")]
    [InlineData("binary", "\"%%%\"", "column 'v' (binary)")]
    [InlineData("array<int>", "{}", "a JSON object is not a array value")]
    [InlineData("map<string,int>", "[[null, 1]]", "a map key is null")]
    public void BadValues_AreFormatErrors_NamingRowAndColumn(string type, string json, string expected)
    {
        var ex = Assert.Throws<SqlResultFormatException>(() => Single(type, json));
        Assert.Contains(expected, ex.Message);
        if (type != "binary") Assert.Contains("row 1", ex.Message);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"status\":\"succeeded\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"}],\"rows\":[[1,2]]}", "more values")]
    [InlineData("{\"status\":\"succeeded\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\"}],\"rows\":[[1]]}", "has 1 values; there are 2 columns")]
    [InlineData("{\"status\":\"succeeded\",\"columns\":[{\"name\":\"a\",\"type\":\"array<int\"}],\"rows\":[]}", "cannot be read")]
    [InlineData("{\"columns\":[],\"rows\":[]}", "no 'status'")]
    [InlineData("{\"status\":\"succeeded\",\"rows\":[[1]", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    public void BadDocuments_AreFormatErrors(string json, string expected)
    {
        var ex = Assert.Throws<SqlResultFormatException>(() => Read(json));
        Assert.Contains(expected, ex.Message);
    }
}
