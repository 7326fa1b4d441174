using Newtonsoft.Json.Linq;
using Sheriff.Core.Sql;
using Xunit;

namespace Sheriff.Core.Tests.Sql;

/// <summary>The request file (sheriff-sql/1): exact JSON per action, and validation before anything is sent.</summary>
public class SqlRequestTests
{
    [Fact]
    public void Query_ReturningRows()
    {
        var json = JObject.Parse(new SqlRequest { Query = "SELECT 1", MaxRows = 50 }.ToJson());
        Assert.Equal(JObject.Parse("""
            { "format": "sheriff-sql/1", "action": "query", "query": "SELECT 1", "output": null, "maxRows": 50,
              "resultFile": "sheriff-sql-result.json" }
            """), json, JToken.EqualityComparer);
    }

    [Fact]
    public void Query_IntoATable_QualifiesTheName_AndReturnsNoRows()
    {
        var request = new SqlRequest
        {
            Query = "SELECT * FROM x",
            Output = new SqlOutput { Table = "daily", PartitionBy = { "ds", "country" }, Mode = SqlWriteMode.ErrorIfExists, Location = "s3://b/p" },
        };
        var json = JObject.Parse(request.ToJson());
        Assert.Equal(JObject.Parse("""
            { "format": "sheriff-sql/1", "action": "query", "query": "SELECT * FROM x",
              "output": { "table": "default.daily", "partitionBy": ["ds", "country"], "mode": "errorifexists", "format": "parquet", "location": "s3://b/p" },
              "maxRows": 0, "resultFile": "sheriff-sql-result.json" }
            """), json, JToken.EqualityComparer);
        // the documented key order
        Assert.Equal(new[] { "format", "action", "query", "output", "maxRows", "resultFile" }, json.Properties().Select(p => p.Name));
    }

    [Fact]
    public void Analyze_WithPartitionAndColumns()
    {
        var request = new SqlRequest
        {
            Action = SqlAction.Analyze, Table = "db.t",
            Partition = new Dictionary<string, string> { ["ds"] = "2026-11-26" }, Columns = new List<string> { "a", "b" },
        };
        Assert.Equal(JObject.Parse("""
            { "format": "sheriff-sql/1", "action": "analyze", "table": "db.t", "partition": { "ds": "2026-11-26" },
              "columns": ["a", "b"], "allColumns": false, "resultFile": "sheriff-sql-result.json" }
            """), JObject.Parse(request.ToJson()), JToken.EqualityComparer);
    }

    [Fact]
    public void Stats_WholeTable()
    {
        Assert.Equal(JObject.Parse("""
            { "format": "sheriff-sql/1", "action": "stats", "table": "default.t", "partition": null, "resultFile": "sheriff-sql-result.json" }
            """), JObject.Parse(new SqlRequest { Action = SqlAction.Stats, Table = "t" }.ToJson()), JToken.EqualityComparer);
    }

    [Fact]
    public void Save_WritesUtf8WithoutBom_AndTheQueryExactly()
    {
        var path = Path.Combine(Path.GetTempPath(), "sheriff-sql-test-" + Guid.NewGuid().ToString("n") + ".json");
        try
        {
            const string query = "SELECT 'ü \"q\" \\ \n line2' AS x -- é";
            new SqlRequest { Query = query }.Save(path);
            var bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.Equal(query, (string?)JObject.Parse(File.ReadAllText(path))["query"]);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(null, "Query")]
    [InlineData("  ", "Query")]
    public void EmptyQuery_IsInvalid(string? query, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<SqlRequestException>(() => new SqlRequest { Query = query }.Validate()).Parameter);
    }

    [Theory]
    [InlineData("db.t", null, true)]
    [InlineData("t", null, true)]
    [InlineData("_a1.b_2", null, true)]
    [InlineData("a.b.c", "OutputTable", false)]
    [InlineData("db.", "OutputTable", false)]
    [InlineData("db t", "OutputTable", false)]
    [InlineData("t; DROP", "OutputTable", false)]
    [InlineData("1t", "OutputTable", false)]
    public void OutputTableNames(string table, string? parameter, bool valid)
    {
        var request = new SqlRequest { Query = "SELECT 1", Output = new SqlOutput { Table = table } };
        if (valid) request.Validate();
        else Assert.Equal(parameter, Assert.Throws<SqlRequestException>(() => request.Validate()).Parameter);
    }

    [Fact]
    public void OutputChecks_NameTheParameter()
    {
        SqlRequestException Fails(Action<SqlOutput> change)
        {
            var output = new SqlOutput { Table = "db.t" };
            change(output);
            return Assert.Throws<SqlRequestException>(() => new SqlRequest { Query = "SELECT 1", Output = output }.Validate());
        }
        Assert.Equal("PartitionBy", Fails(o => o.PartitionBy.Add("bad name")).Parameter);
        Assert.Equal("PartitionBy", Fails(o => { o.PartitionBy.Add("ds"); o.PartitionBy.Add("DS"); }).Parameter);
        Assert.Equal("Format", Fails(o => o.Format = "delta").Parameter);
        Assert.Equal("Location", Fails(o => o.Location = "/tmp/x").Parameter);
        Assert.Equal("MaxRows", Assert.Throws<SqlRequestException>(() => new SqlRequest { Query = "SELECT 1", MaxRows = -1 }.Validate()).Parameter);
    }

    [Fact]
    public void AnalyzeChecks()
    {
        Assert.Equal("Table", Assert.Throws<SqlRequestException>(() => new SqlRequest { Action = SqlAction.Analyze }.Validate()).Parameter);
        Assert.Equal("AllColumns", Assert.Throws<SqlRequestException>(() =>
            new SqlRequest { Action = SqlAction.Analyze, Table = "t", Columns = new List<string> { "a" }, AllColumns = true }.Validate()).Parameter);
        Assert.Equal("Partition", Assert.Throws<SqlRequestException>(() =>
            new SqlRequest { Action = SqlAction.Stats, Table = "t", Partition = new Dictionary<string, string> { ["a b"] = "1" } }.Validate()).Parameter);
    }
}
