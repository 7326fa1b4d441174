using Sheriff.GenieLocal.Sql;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>
/// Unit tests of the sql-engine argv (src/Sheriff.GenieLocal/Sql/SqlArgs.cs, compiled into this project): the DuckDB
/// command gets spark-submit's argv and must find the request file in it the way sql-format.md says.
/// </summary>
public class SqlArgsTests
{
    [Fact]
    public void PlainArgv_DriverThenRequest()
    {
        var a = SqlArgs.Parse(["sheriff_sql_driver.py", "sheriff-sql.json"]);
        Assert.Null(a.Warehouse);
        Assert.Equal("sheriff_sql_driver.py", a.Driver);
        Assert.Equal("sheriff-sql.json", a.RequestFile);
        Assert.Empty(a.Conf);
        Assert.Empty(a.ExtraArguments);
    }

    [Fact]
    public void SparkSubmitOptions_AreSkipped_ConfIsKept_WarehouseIsOurs()
    {
        var a = SqlArgs.Parse([
            "--warehouse", "/data/wh", "--master", "yarn", "--deploy-mode", "client", "--verbose", "--conf", "spark.sql.shuffle.partitions=7",
            "-c", "spark.x=a=b", "--conf=spark.y=2", "--name=q", "--files", "sheriff-sql.json", "--supervise", "-v",
            "--executor-memory", "4g", "sheriff_sql_driver.py", "sheriff-sql.json",
        ]);
        Assert.Equal("/data/wh", a.Warehouse);
        Assert.Equal("sheriff_sql_driver.py", a.Driver);
        Assert.Equal("sheriff-sql.json", a.RequestFile);
        Assert.Equal(
            [new("spark.sql.shuffle.partitions", "7"), new("spark.x", "a=b"), new KeyValuePair<string, string>("spark.y", "2")],
            a.Conf);
    }

    [Fact]
    public void ValueOfAnOption_EndingInPy_IsNotTheDriver()
    {
        // --py-files deps.py takes deps.py as its value; the driver is the first *positional* .py
        var a = SqlArgs.Parse(["--py-files", "deps.py", "--warehouse=/w", "sheriff_sql_driver.py", "req.json"]);
        Assert.Equal("sheriff_sql_driver.py", a.Driver);
        Assert.Equal("req.json", a.RequestFile);
        Assert.Equal("/w", a.Warehouse);
    }

    [Fact]
    public void PositionalsBeforeTheDriver_AreSkipped_ArgumentsAfterTheRequest_AreKept()
    {
        var a = SqlArgs.Parse(["stray", "sub/Driver.PY", "--looks-like-option", "x", "y"]);
        Assert.Equal(["stray"], a.SkippedPositionals);
        Assert.Equal("sub/Driver.PY", a.Driver);
        Assert.Equal("--looks-like-option", a.RequestFile); // the next argument after the driver, whatever it is
        Assert.Equal(["x", "y"], a.ExtraArguments);
    }

    [Theory]
    [InlineData(new string[0], "no driver script")]
    [InlineData(new[] { "sheriff-sql.json" }, "no driver script")]
    [InlineData(new[] { "sheriff_sql_driver.py" }, "no request file after the driver script sheriff_sql_driver.py")]
    [InlineData(new[] { "--master" }, "option --master needs a value")]
    [InlineData(new[] { "--conf", "novalue", "d.py", "r.json" }, "Spark config without '=': novalue")]
    [InlineData(new[] { "--warehouse=", "d.py", "r.json" }, "--warehouse must not be empty")]
    [InlineData(new[] { "d.py", "" }, "the request file name is empty")]
    public void BadArgv_ThrowsArgumentException_WithAReadableMessage(string[] args, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => SqlArgs.Parse(args));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
