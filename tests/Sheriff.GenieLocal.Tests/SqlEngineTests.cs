using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>
/// The sandbox SQL engine end to end: jobs submitted over HTTP with commandCriteria type:sheriff-sql (the default
/// seed's <c>sql-duckdb</c> command runs <c>sheriff-genie-local sql-engine</c> on DuckDB), the request shipped as the
/// attachment sheriff-sql.json with spark-submit's argv, the result read back through the output API
/// (sql-format.md). Each test works in its own database of the fixture server's warehouse.
/// </summary>
public class SqlEngineTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private static readonly byte[] DummyDriver = "raise SystemExit('the local engine never runs the driver')\n"u8.ToArray();
    private static readonly Regex UtcSeconds = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$");
    private readonly GenieServer _s = fx.Server;

    private string Warehouse => Path.Combine(_s.DataDir, "warehouse");

    // ------------------------------------------------------------------ seed

    [Fact]
    public async Task DefaultSeed_SqlDuckdbCommand_RunsThisBinarysSqlEngine_OnTheServersWarehouse()
    {
        var cmd = await _s.GetObject("/api/v3/commands/sql-duckdb");
        Assert.Equal("sheriff-sql", cmd.Str("name"));
        Assert.Equal("ACTIVE", cmd.Str("status"));
        Assert.Equal(["engine:duckdb", "type:sheriff-sql"], cmd.Strs("tags").Where(t => !t.StartsWith("genie.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["type:local"], cmd["clusterCriteria"]![0].Strs("tags"));
        var exe = cmd.Strs("executableAndArguments");
        Assert.Equal(4, exe.Count);
        Assert.DoesNotContain("{", string.Join(" ", exe), StringComparison.Ordinal);
        Assert.Contains("sheriff-genie-local", exe[0], StringComparison.Ordinal); // the apphost, or dotnet + the dll
        Assert.Equal(["sql-engine", "--warehouse", Warehouse], exe.Skip(1));
        Assert.Contains(Warehouse, cmd.Str("description"), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ writes

    [Fact]
    public async Task PartitionedTable_Create_Append_OverwriteOnePartition_OtherPartitionSurvives()
    {
        var t = NewDb() + ".orders";

        var created = await Succeeds(Query(
            "SELECT * FROM (VALUES (1, 'a', '2026-11-25'), (2, 'b', '2026-11-26'), (3, 'c', '2026-11-26')) v(id, name, ds)",
            output: Output(t, "overwrite", "ds")));
        AssertJson("""[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"ds","type":"string"}]""", created["columns"]);
        var written = created["written"]!;
        Assert.Equal(t, written.Str("table"));
        Assert.Equal(3, written["rows"]!.GetValue<long>());
        Assert.Equal(["ds=2026-11-25", "ds=2026-11-26"], written.Strs("partitions"));
        Assert.Equal("overwrite", written.Str("mode"));
        Assert.True(written["created"]!.GetValue<bool>());
        var location = Path.Combine(Warehouse, t.Split('.')[0] + ".db", "orders");
        Assert.Equal(new Uri(location).AbsoluteUri, written.Str("location"));
        Assert.Equal(3, created["rowCount"]!.GetValue<long>());
        Assert.Empty(created["rows"]!.AsArray());

        var appended = await Succeeds(Query("SELECT 4 AS id, 'd' AS name, '2026-11-26' AS ds", output: Output(t, "append", "ds")));
        Assert.False(appended["written"]!["created"]!.GetValue<bool>());
        Assert.Equal(["ds=2026-11-26"], appended["written"].Strs("partitions"));
        AssertJson("""[[1,"a","2026-11-25"],[2,"b","2026-11-26"],[3,"c","2026-11-26"],[4,"d","2026-11-26"]]""",
            (await Succeeds(Query($"SELECT * FROM {t} ORDER BY id")))["rows"]);

        // dynamic partition overwrite: ds=2026-11-26 is replaced by the one new row, ds=2026-11-25 is untouched
        var overwrite = await Succeeds(Query("SELECT 9 AS id, 'z' AS name, '2026-11-26' AS ds", output: Output(t, "overwrite", "ds")));
        Assert.Equal(["ds=2026-11-26"], overwrite["written"].Strs("partitions"));
        AssertJson("""[[1,"a","2026-11-25"],[9,"z","2026-11-26"]]""", (await Succeeds(Query($"SELECT * FROM {t} ORDER BY id")))["rows"]);

        // on disk: Hive-style folders of part-*.parquet, no staging or trash left behind
        Assert.Equal(["ds=2026-11-25", "ds=2026-11-26"], Directory.GetFileSystemEntries(location).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Directory.GetFiles(location, "*", SearchOption.AllDirectories),
            f => Assert.Matches(@"^part-[0-9a-f-]{36}\.parquet$", Path.GetFileName(f)));
        Assert.Single(Directory.GetFiles(Path.Combine(location, "ds=2026-11-26")));
    }

    [Fact]
    public async Task UnpartitionedTable_Overwrite_ReplacesAllRows_Append_AddsRows()
    {
        var t = NewDb() + ".plain";
        await Succeeds(Query("SELECT * FROM range(3) r(id)", output: Output(t, "errorifexists")));
        await Succeeds(Query("SELECT 10 AS id", output: Output(t, "overwrite")));
        AssertJson("[[10]]", (await Succeeds(Query($"SELECT * FROM {t}")))["rows"]);
        await Succeeds(Query("SELECT 11 AS id", output: Output(t, "append")));
        AssertJson("[[10],[11]]", (await Succeeds(Query($"SELECT id FROM {t} ORDER BY id")))["rows"]);

        // an empty result overwrites to an empty table that still has its schema
        await Succeeds(Query("SELECT 1 AS id WHERE false", output: Output(t, "overwrite")));
        var empty = await Succeeds(Query($"SELECT * FROM {t}"));
        AssertJson("""[{"name":"id","type":"bigint"}]""", empty["columns"]);
        Assert.Equal(0, empty["rowCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task WrittenTable_ValuesAppendedAsNarrowerTypes_AreCastToTheTablesTypes_ColumnsMatchedByName()
    {
        var t = NewDb() + ".wide";
        await Succeeds(Query("SELECT CAST(1 AS BIGINT) AS id, CAST(1.5 AS DOUBLE) AS x, 'p' AS ds", output: Output(t, "overwrite", "ds")));
        // int into bigint, decimal into double, columns in another order
        await Succeeds(Query("SELECT 'p' AS ds, CAST(2.25 AS DECIMAL(5,2)) AS X, 2 AS id", output: Output(t, "append", "ds")));
        var back = await Succeeds(Query($"SELECT * FROM {t} ORDER BY id"));
        AssertJson("""[{"name":"id","type":"bigint"},{"name":"x","type":"double"},{"name":"ds","type":"string"}]""", back["columns"]);
        AssertJson("""[[1,1.5,"p"],[2,2.25,"p"]]""", back["rows"]);
    }

    [Fact]
    public async Task DefaultDatabase_UnqualifiedName_DefaultDotName_AndBackticks_AllReachTheTable()
    {
        var name = "plain_" + Guid.NewGuid().ToString("N")[..10];
        var r = await Succeeds(Query("SELECT 42 AS answer", output: Output(name, "errorifexists")));
        Assert.Equal("default." + name, r["written"].Str("table"));
        Assert.Equal(new Uri(Path.Combine(Warehouse, name)).AbsoluteUri, r["written"].Str("location")); // Spark's layout for default
        foreach (var sql in new[] { $"SELECT * FROM {name}", $"SELECT * FROM default.{name}", $"SELECT `answer` FROM `default`.`{name}`", $"select * from DEFAULT . {name};" })
        {
            AssertJson("[[42]]", (await Succeeds(Query(sql)))["rows"]);
        }
    }

    [Fact]
    public async Task ExplicitFileLocation_TableIsWrittenThere()
    {
        var dir = Path.Combine(_s.NewScratchDir("loc"), "my table");
        var t = NewDb() + ".external";
        var uri = new Uri(dir).AbsoluteUri;
        var r = await Succeeds(Query("SELECT 1 AS id, 'x' AS p", output: Output(t, "append", ["p"], location: uri)));
        Assert.Equal(uri, r["written"].Str("location"));
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "p=x"), "part-*.parquet"));
        AssertJson("""[[1,"x"]]""", (await Succeeds(Query($"SELECT * FROM {t}")))["rows"]);
    }

    [Fact]
    public async Task ConcurrentAppends_ToOneTable_AllRowsArrive_CatalogStaysValid()
    {
        var t = NewDb() + ".busy";
        await Succeeds(Query("SELECT 0 AS id, 'seed' AS ds", output: Output(t, "overwrite", "ds")));
        var jobs = Enumerable.Range(1, 4).Select(n =>
            Succeeds(Query($"SELECT {n} * 100 + i AS id, 'p{n % 2}' AS ds FROM range(25) r(i)", output: Output(t, "append", "ds")))).ToList();
        await Task.WhenAll(jobs);
        var r = await Succeeds(Query($"SELECT count(*) AS n, count(DISTINCT id) AS d FROM {t}"));
        AssertJson("[[101,101]]", r["rows"]);
        var stats = (await Succeeds(Stats(t)))["statistics"]!;
        Assert.Equal(["p0", "p1", "seed"], stats["partitions"]!.AsArray().Select(p => p!["spec"].Str("ds")!));
    }

    // ------------------------------------------------------------------ types and rows

    private const string AllTypesSelect = """
        SELECT CAST(1 AS TINYINT) AS ti, CAST(2 AS SMALLINT) AS si, 3 AS i, CAST(4 AS BIGINT) AS bi,
               CAST(1.5 AS FLOAT) AS f, CAST(2.25 AS DOUBLE) AS d, 'NaN'::DOUBLE AS nan, 'Infinity'::DOUBLE AS inf, '-Infinity'::FLOAT AS ninf,
               CAST(12.50 AS DECIMAL(10,2)) AS dec, CAST('12345678901234567890123456789012.345678' AS DECIMAL(38,6)) AS bigdec,
               CAST('170141183460469231731687303715884105' AS HUGEINT) AS huge,
               'héllo "q" \ ☃' AS s, 'ab'::BLOB AS b, DATE '2026-11-26' AS dt, TIMESTAMP '2026-11-26 10:11:12.123456' AS ts,
               TIMESTAMPTZ '2026-11-26 12:00:00+02' AS tstz, true AS bo, NULL::INTEGER AS nul,
               [1, NULL, 3] AS arr, MAP {'k': 1.5::DECIMAL(4,2), 'z': NULL} AS m, MAP {1: 'one'} AS mi,
               {'a': 1, 'b c': [DATE '2026-01-01']} AS st
        """;

    private const string AllTypesColumns = """
        [{"name":"ti","type":"tinyint"},{"name":"si","type":"smallint"},{"name":"i","type":"int"},{"name":"bi","type":"bigint"},
         {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"nan","type":"double"},{"name":"inf","type":"double"},
         {"name":"ninf","type":"float"},{"name":"dec","type":"decimal(10,2)"},{"name":"bigdec","type":"decimal(38,6)"},
         {"name":"huge","type":"decimal(38,0)"},{"name":"s","type":"string"},{"name":"b","type":"binary"},{"name":"dt","type":"date"},
         {"name":"ts","type":"timestamp"},{"name":"tstz","type":"timestamp"},{"name":"bo","type":"boolean"},{"name":"nul","type":"int"},
         {"name":"arr","type":"array<int>"},{"name":"m","type":"map<string,decimal(4,2)>"},{"name":"mi","type":"map<int,string>"},
         {"name":"st","type":"struct<a:int,b c:array<date>>"}]
        """;

    private const string AllTypesRow = """
        [1,2,3,4,1.5,2.25,"NaN","Infinity","-Infinity","12.50","12345678901234567890123456789012.345678",
         "170141183460469231731687303715884105","héllo \"q\" \\ ☃","YWI=","2026-11-26","2026-11-26T10:11:12.123456Z",
         "2026-11-26T10:00:00.000000Z",true,null,[1,null,3],[["k","1.50"],["z",null]],[[1,"one"]],{"a":1,"b c":["2026-01-01"]}]
        """;

    private static string AllTypesQuery => $"WITH v AS ({AllTypesSelect}) SELECT * FROM v UNION ALL SELECT {string.Join(", ", Enumerable.Repeat("NULL", 23))} ORDER BY i NULLS LAST";

    private static readonly string NullRow = "[" + string.Join(",", Enumerable.Repeat("null", 23)) + "]";

    [Fact]
    public async Task Query_EveryTypeOfTheMapping_IsEncodedAsTheContractSays()
    {
        var r = await Succeeds(Query(AllTypesQuery));
        AssertJson(AllTypesColumns, r["columns"]);
        AssertJson($"[{AllTypesRow},{NullRow}]", r["rows"]);
        Assert.Equal(2, r["rowCount"]!.GetValue<long>());
        Assert.False(r["truncated"]!.GetValue<bool>());
        Assert.Null(r["written"]);
        Assert.Null(r["statistics"]);
        Assert.False(r.Has("error"));
        Assert.Equal("sheriff-sql-result/1", r.Str("format"));
        Assert.Matches(@"^duckdb \d+\.\d+\.\d+", r.Str("engine"));
    }

    [Fact]
    public async Task Table_EveryTypeOfTheMapping_RoundTripsThroughParquet()
    {
        var t = NewDb() + ".types";
        await Succeeds(Query(AllTypesQuery, output: Output(t, "errorifexists")));
        var r = await Succeeds(Query($"SELECT * FROM {t} ORDER BY i NULLS LAST"));
        AssertJson(AllTypesColumns, r["columns"]);
        AssertJson($"[{AllTypesRow},{NullRow}]", r["rows"]);
    }

    [Fact]
    public async Task MaxRows_CapsTheRowsReturned_RowCountCountsAll_RowsStreamInOrder()
    {
        var r = await Succeeds(Query("SELECT i, 'row ' || i AS s FROM range(150000) t(i) ORDER BY i DESC", maxRows: 100_000), timeoutMs: 120_000);
        var rows = r["rows"]!.AsArray();
        Assert.Equal(100_000, rows.Count);
        Assert.Equal(150_000, r["rowCount"]!.GetValue<long>());
        Assert.True(r["truncated"]!.GetValue<bool>());
        AssertJson("""[149999,"row 149999"]""", rows[0]);
        AssertJson("""[50000,"row 50000"]""", rows[^1]);

        var none = await Succeeds(Query("SELECT * FROM range(7)", maxRows: 0));
        Assert.Empty(none["rows"]!.AsArray());
        Assert.Equal(7, none["rowCount"]!.GetValue<long>());
        Assert.True(none["truncated"]!.GetValue<bool>());
        AssertJson("""[{"name":"range","type":"bigint"}]""", none["columns"]);

        var exact = await Succeeds(Query("SELECT * FROM range(5)", maxRows: 5));
        Assert.Equal(5, exact["rows"]!.AsArray().Count);
        Assert.False(exact["truncated"]!.GetValue<bool>());
    }

    // ------------------------------------------------------------------ statistics

    [Fact]
    public async Task Statistics_NullBeforeAnalyze_RecordedAfter_PerPartition_ClearedByAWrite()
    {
        var db = NewDb();
        var t = db + ".facts";
        await Succeeds(Query(
            "SELECT * FROM (VALUES (1, 1.50::DECIMAL(5,2), '2026-11-25'), (2, NULL, '2026-11-26'), (3, 9.25, '2026-11-26')) v(id, amount, ds)",
            output: Output(t, "overwrite", "ds")));
        var location = Path.Combine(Warehouse, db + ".db", "facts");
        long SizeOnDisk(string sub = "") => Directory.GetFiles(Path.Combine(location, sub), "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        var before = (await Succeeds(Stats(t)))["statistics"]!;
        Assert.Equal(t, before.Str("table"));
        Assert.Equal(new Uri(location).AbsoluteUri, before.Str("location"));
        Assert.Equal(["ds"], before.Strs("partitionColumns"));
        Assert.Null(before["sizeInBytes"]);
        Assert.Null(before["rowCount"]);
        Assert.Null(before["collectedAt"]);
        Assert.Equal(SizeOnDisk(), before["actualSizeInBytes"]!.GetValue<long>());
        Assert.True(SizeOnDisk() > 0);
        var parts = before["partitions"]!.AsArray();
        Assert.Equal(2, parts.Count);
        Assert.All(parts, p => Assert.Null(p!["sizeInBytes"]));
        Assert.Equal(SizeOnDisk("ds=2026-11-26"), parts[1]!["actualSizeInBytes"]!.GetValue<long>());
        Assert.Empty(before["columns"]!.AsArray());

        var analyzed = (await Succeeds(Analyze(t, columns: ["id", "amount", "ds"])))["statistics"]!;
        Assert.Equal(SizeOnDisk(), analyzed["sizeInBytes"]!.GetValue<long>());
        Assert.Equal(3, analyzed["rowCount"]!.GetValue<long>());
        Assert.Matches(UtcSeconds, analyzed.Str("collectedAt"));
        Assert.Equal(SizeOnDisk(), analyzed["actualSizeInBytes"]!.GetValue<long>());
        var ap = analyzed["partitions"]!.AsArray();
        AssertJson("""{"ds":"2026-11-25"}""", ap[0]!["spec"]);
        Assert.Equal(1, ap[0]!["rowCount"]!.GetValue<long>());
        Assert.Equal(2, ap[1]!["rowCount"]!.GetValue<long>());
        Assert.Equal(SizeOnDisk("ds=2026-11-26"), ap[1]!["sizeInBytes"]!.GetValue<long>());
        AssertJson("""
            [{"name":"id","distinctCount":3,"nullCount":0,"min":1,"max":3},
             {"name":"amount","distinctCount":2,"nullCount":1,"min":"1.50","max":"9.25"},
             {"name":"ds","distinctCount":2,"nullCount":0,"min":null,"max":null}]
            """, analyzed["columns"]);

        var after = (await Succeeds(Stats(t)))["statistics"]!;
        Assert.Equal(analyzed["sizeInBytes"]!.GetValue<long>(), after["sizeInBytes"]!.GetValue<long>());
        Assert.Equal(analyzed.Str("collectedAt"), after.Str("collectedAt"));

        var one = (await Succeeds(Stats(t, new JsonObject { ["ds"] = "2026-11-26" })))["statistics"]!;
        Assert.Single(one["partitions"]!.AsArray());
        Assert.Equal(SizeOnDisk("ds=2026-11-26"), one["actualSizeInBytes"]!.GetValue<long>());

        // a write makes the recorded figures stale: Spark drops them (no size auto-update); the untouched partition keeps its own
        await Succeeds(Query("SELECT 4 AS id, 1.00 AS amount, '2026-11-26' AS ds", output: Output(t, "append", "ds")));
        var stale = (await Succeeds(Stats(t)))["statistics"]!;
        Assert.Null(stale["sizeInBytes"]);
        Assert.Null(stale["rowCount"]);
        Assert.Equal(SizeOnDisk(), stale["actualSizeInBytes"]!.GetValue<long>());
        Assert.Equal(1, stale["partitions"]![0]!["rowCount"]!.GetValue<long>());
        Assert.Null(stale["partitions"]![1]!["rowCount"]);

        // ANALYZE ... PARTITION (ds='2026-11-26'): that partition only, the table level stays unknown
        var part = (await Succeeds(Analyze(t, partition: new JsonObject { ["ds"] = "2026-11-26" })))["statistics"]!;
        Assert.Null(part["rowCount"]);
        Assert.Equal(3, part["partitions"]![0]!["rowCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task Analyze_AllColumns_SkipsComplexColumns_NamedComplexColumn_Fails()
    {
        var t = NewDb() + ".nested";
        await Succeeds(Query("SELECT 1 AS id, [1, 2] AS xs, DATE '2026-01-02' AS d", output: Output(t, "overwrite")));
        var all = (await Succeeds(Analyze(t, allColumns: true)))["statistics"]!;
        AssertJson("""
            [{"name":"id","distinctCount":1,"nullCount":0,"min":1,"max":1},
             {"name":"d","distinctCount":1,"nullCount":0,"min":"2026-01-02","max":"2026-01-02"}]
            """, all["columns"]);
        Assert.Empty(all["partitions"]!.AsArray());

        var error = await Fails(Analyze(t, columns: ["xs"]), "analysis");
        Assert.Contains("xs", error.Str("message"), StringComparison.Ordinal);
        Assert.Contains("array<int>", error.Str("message"), StringComparison.Ordinal);
        await Fails(Analyze(t, columns: ["nope"]), "analysis");
        await Fails(Analyze(t, partition: new JsonObject { ["ds"] = "x" }), "partition");
    }

    // ------------------------------------------------------------------ failures

    [Fact]
    public async Task SyntaxError_Fails_WithDuckDBsMessage_AndTheLineAndColumnInTheQuery()
    {
        var (error, stderr) = await FailsWithStderr(Query("SELECT id,\n       name\nFROM x\nWHERE id = = 3"), "syntax");
        Assert.StartsWith("Parser Error: syntax error at or near \"=\"", error.Str("message"));
        Assert.Equal(4, error["line"]!.GetValue<int>());
        Assert.Equal(12, error["column"]!.GetValue<int>());
        Assert.Contains(error.Str("message")!, stderr, StringComparison.Ordinal);

        // positions survive the rewrite of backticks and `default.` (two characters longer) and non-ASCII text
        var e2 = await Fails(Query("SELECT `a`, 'é' FROM default.t1 ,, x"), "syntax");
        Assert.Equal(1, e2["line"]!.GetValue<int>());
        Assert.Equal(34, e2["column"]!.GetValue<int>());
        // a statement that is not a query: DuckDB's message, with a hint
        var e3 = await Fails(Query("\n  INSERT INTO t VALUES (1)"), "syntax");
        Assert.StartsWith("Parser Error: syntax error at or near \"INSERT\"", e3.Str("message"));
        Assert.Contains("the local engine runs one query", e3.Str("message"), StringComparison.Ordinal);
        Assert.Equal(2, e3["line"]!.GetValue<int>());
        Assert.Equal(3, e3["column"]!.GetValue<int>());
    }

    [Fact]
    public async Task DescribeAndShow_RunAsQueries()
    {
        var r = await Succeeds(Query("DESCRIBE SELECT 1 AS a, [2.5] AS b"));
        Assert.Equal("column_name", r["columns"]![0].Str("name"));
        AssertJson("""[["a","INTEGER"],["b","DECIMAL(2,1)[]"]]""",
            new JsonArray(r["rows"]!.AsArray().Select(row => (JsonNode?)new JsonArray(row![0]!.DeepClone(), row[1]!.DeepClone())).ToArray()));
    }

    [Fact]
    public async Task UnknownTableOrColumn_FailsAsAnalysis_WithThePosition()
    {
        var missing = "nosuch_" + Guid.NewGuid().ToString("N")[..8];
        var e1 = await Fails(Query($"SELECT 1\nFROM   {NewDb()}.{missing}"), "analysis");
        Assert.StartsWith("Catalog Error: ", e1.Str("message"));
        Assert.Contains(missing, e1.Str("message"), StringComparison.Ordinal);
        Assert.Equal(2, e1["line"]!.GetValue<int>());
        Assert.Equal(8, e1["column"]!.GetValue<int>());

        var e2 = await Fails(Query("SELECT 'é', nope FROM (SELECT 1 AS a) t"), "analysis");
        Assert.StartsWith("Binder Error: Referenced column \"nope\" not found", e2.Str("message"));
        Assert.Equal(1, e2["line"]!.GetValue<int>());
        Assert.Equal(13, e2["column"]!.GetValue<int>());
    }

    [Fact]
    public async Task WriteClashes_FailWithTheirKinds_AndLeaveTheTableAsItWas()
    {
        var t = NewDb() + ".guarded";
        await Succeeds(Query("SELECT 1 AS id, 'a' AS name, 'p' AS ds", output: Output(t, "errorifexists", "ds")));

        var mode = await Fails(Query("SELECT 2 AS id, 'b' AS name, 'p' AS ds", output: Output(t, "errorifexists", "ds")), "mode");
        Assert.Contains($"Table {t} already exists", mode.Str("message"), StringComparison.Ordinal);

        var missing = await Fails(Query("SELECT 2 AS id, 'b' AS name", output: Output(NewDb() + ".t", "overwrite", "ds")), "partition");
        Assert.Contains("Partition column `ds` not found", missing.Str("message"), StringComparison.Ordinal);

        await Fails(Query("SELECT 2 AS id, 'b' AS name, 'p' AS ds", output: Output(t, "append")), "partition");
        await Fails(Query("SELECT 2 AS id, 'b' AS name, 'p' AS ds", output: Output(t, "append", "name")), "partition");

        var schema = await Fails(Query("SELECT 2 AS id, 'b' AS other, 'p' AS ds", output: Output(t, "append", "ds")), "schema");
        Assert.Contains("the result has no column `name`", schema.Str("message"), StringComparison.Ordinal);
        Assert.Contains("the result's column `other` is not in the table", schema.Str("message"), StringComparison.Ordinal);
        var type = await Fails(Query("SELECT 'x' AS id, 'b' AS name, 'p' AS ds", output: Output(t, "overwrite", "ds")), "schema");
        Assert.Contains("column `id` is string in the result and int in the table", type.Str("message"), StringComparison.Ordinal);

        // a failed query in overwrite mode loses nothing either
        await Fails(Query("SELECT CAST('x' AS INTEGER) + id AS id, name, ds FROM " + t, output: Output(t, "overwrite", "ds")), "analysis");
        AssertJson("""[[1,"a","p"]]""", (await Succeeds(Query($"SELECT * FROM {t}")))["rows"]);
    }

    [Fact]
    public async Task S3LocationAndNonParquetFormats_AreUnsupported_Locally()
    {
        var s3 = await Fails(Query("SELECT 1 AS id", output: Output(NewDb() + ".t", "overwrite", [], location: "s3://bucket/path")), "unsupported");
        Assert.Contains("file locations only", s3.Str("message"), StringComparison.Ordinal);
        Assert.Contains("s3://bucket/path", s3.Str("message"), StringComparison.Ordinal);
        var orc = await Fails(Query("SELECT 1 AS id", output: Output(NewDb() + ".t", "overwrite", [], format: "orc")), "unsupported");
        Assert.Contains("parquet", orc.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsOfAnUnknownTable_FailsAsAnalysis()
    {
        var e = await Fails(Stats(NewDb() + ".nothing"), "analysis");
        Assert.Contains("Table or view not found", e.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequests_FailWithAResultFile_AndNonZeroExit()
    {
        var wrongFormat = await Fails(new JsonObject { ["format"] = "sheriff-sql/9", ["action"] = "query", ["query"] = "SELECT 1" }, "unsupported");
        Assert.Contains("sheriff-sql/9", wrongFormat.Str("message"), StringComparison.Ordinal);

        // the request file the argv names is not there: io, and the default result file is still written
        var run = await RunSql(Query("SELECT 1"), "--name x sheriff_sql_driver.py missing.json");
        Assert.Equal("FAILED", run.Status);
        Assert.Equal("io", run.Result["error"].Str("kind"));
        Assert.Contains("missing.json", run.Result["error"].Str("message"), StringComparison.Ordinal);
        Assert.Null(run.Result["error"]!["line"]);
    }

    [Fact]
    public async Task SparkSubmitOptions_InTheArgv_AreSkipped_AndResultFileNameIsTheRequests()
    {
        var request = Query("SELECT 'ok' AS status");
        request["resultFile"] = "out.json";
        var run = await RunSql(request, "--master yarn --conf spark.sql.shuffle.partitions=4 --files sheriff-sql.json --verbose sheriff_sql_driver.py sheriff-sql.json");
        Assert.True(run.Status == "SUCCEEDED", run.Describe());
        var result = Assert.IsType<JsonObject>(JsonNode.Parse(await _s.GetText($"/api/v3/jobs/{run.Id}/output/out.json")));
        AssertJson("""[["ok"]]""", result["rows"]);
        Assert.Contains("sheriff-sql: ", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    // ------------------------------------------------------------------ helpers

    private static string NewDb() => "t" + Guid.NewGuid().ToString("N")[..10];

    private static JsonObject Query(string sql, int? maxRows = null, JsonObject? output = null)
    {
        var o = new JsonObject { ["format"] = "sheriff-sql/1", ["action"] = "query", ["query"] = sql, ["output"] = output, ["resultFile"] = "sheriff-sql-result.json" };
        if (maxRows is int n)
        {
            o["maxRows"] = n;
        }

        return o;
    }

    private static JsonObject Output(string table, string mode, params string[] partitionBy) => Output(table, mode, partitionBy, null);

    private static JsonObject Output(string table, string mode, string[] partitionBy, string? location = null, string format = "parquet") => new()
    {
        ["table"] = table,
        ["partitionBy"] = Json.Arr(partitionBy),
        ["mode"] = mode,
        ["format"] = format,
        ["location"] = location,
    };

    private static JsonObject Stats(string table, JsonObject? partition = null) => new()
    {
        ["format"] = "sheriff-sql/1", ["action"] = "stats", ["table"] = table, ["partition"] = partition,
    };

    private static JsonObject Analyze(string table, string[]? columns = null, bool allColumns = false, JsonObject? partition = null) => new()
    {
        ["format"] = "sheriff-sql/1", ["action"] = "analyze", ["table"] = table, ["partition"] = partition,
        ["columns"] = columns is null ? null : Json.Arr(columns), ["allColumns"] = allColumns,
    };

    private sealed record SqlRun(string Id, string Status, JsonObject Result, string Stdout, string Stderr)
    {
        public string Describe() => $"job {Id} {Status}\nresult: {Result.ToJsonString()}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    private async Task<SqlRun> RunSql(JsonObject request, string commandArgs = "sheriff_sql_driver.py sheriff-sql.json", int timeoutMs = 60_000)
    {
        var id = GenieServer.NewId("sql");
        var body = GenieServer.JobBody(id, commandArgs, ["type:sheriff-sql"]);
        using var content = Json.Multipart(body, ("sheriff_sql_driver.py", DummyDriver), ("sheriff-sql.json", Encoding.UTF8.GetBytes(request.ToJsonString())));
        using (var r = await _s.Http.PostAsync("/api/v3/jobs", content))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        var job = await _s.WaitFinished(id, timeoutMs);
        var stdout = await _s.GetText($"/api/v3/jobs/{id}/output/stdout");
        var stderr = await _s.GetText($"/api/v3/jobs/{id}/output/stderr");
        var name = request.Str("resultFile") ?? "sheriff-sql-result.json";
        using var res = await _s.Get($"/api/v3/jobs/{id}/output/{name}");
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"no {name} for job {id} ({job.Str("status")}): {(int)res.StatusCode}\nstdout: {stdout}\nstderr: {stderr}");
        return new SqlRun(id, job.Str("status")!, Assert.IsType<JsonObject>(JsonNode.Parse(text)), stdout, stderr);
    }

    private async Task<JsonObject> Succeeds(JsonObject request, int timeoutMs = 60_000)
    {
        var run = await RunSql(request, timeoutMs: timeoutMs);
        Assert.True(run.Status == "SUCCEEDED" && run.Result.Str("status") == "succeeded", run.Describe());
        return run.Result;
    }

    private async Task<JsonObject> Fails(JsonObject request, string kind) => (await FailsWithStderr(request, kind)).Error;

    private async Task<(JsonObject Error, string Stderr)> FailsWithStderr(JsonObject request, string kind)
    {
        var run = await RunSql(request);
        Assert.True(run.Status == "FAILED" && run.Result.Str("status") == "failed", run.Describe());
        var error = Assert.IsType<JsonObject>(run.Result["error"]);
        Assert.True(error.Str("kind") == kind, $"expected kind {kind}: {run.Describe()}");
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
        Assert.Contains(error.Str("message")!, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Result["rows"]!.AsArray());
        Assert.Null(run.Result["written"]);
        return (error, run.Stderr);
    }

    private static void AssertJson(string expected, JsonNode? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual!.ToJsonString());
    }
}
