using Newtonsoft.Json.Linq;
using Sheriff.Core.Config;
using Sheriff.Core.Packaging;
using Sheriff.Core.Spark;
using Sheriff.Core.Sql;
using Sheriff.Core.Tests.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Sql;

/// <summary>A SQL request becomes a Spark job through Submit-SparkJob's pipeline: program, files, argv, routing per engine.</summary>
public class SqlJobBuilderTests : IDisposable
{
    private readonly SparkTempFolder _folder = new();
    private readonly string _driver;

    public SqlJobBuilderTests()
    {
        _driver = _folder.Write("driver/sheriff_sql_driver.py", "print('driver')\n");
    }

    public void Dispose() => _folder.Dispose();

    private SqlJob Build(SqlRequest request, SqlEngine engine, SparkJobSpec? parameters = null, string config = "{}", SparkJobSpec? specFile = null, string? profile = null)
    {
        var settings = new SqlJobSettings
        {
            Engine = engine,
            Config = SheriffConfig.Parse(config, "config.json"),
            ProfileName = profile,
            Parameters = parameters ?? new SparkJobSpec { ClusterTags = new[] { "sched:adhoc" } },
            SpecFile = specFile,
            NameStem = "daily_summary",
            DriverPath = _driver,
        };
        var context = new SubmitContext { User = "ana", WorkingDirectory = _folder.Path, Now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), DefaultJobId = "sheriff-test" };
        return SqlJobBuilder.Build(request, settings, context, new ProjectPackager(_folder.File("cache")), build: true, CancellationToken.None);
    }

    private static SqlRequest Query() => new() { Query = "SELECT 1 AS one", MaxRows = 10 };

    [Fact]
    public void Spark_RunsTheDriverWithTheRequestFile_OnTheSparkCommand()
    {
        using var job = Build(Query(), SqlEngine.Spark, new SparkJobSpec { ClusterTags = new[] { "sched:adhoc" }, SparkVersion = "3.5", CommandTags = new[] { "team:ds" } });
        var args = job.Prepared.SparkSubmitArguments;
        // the driver, then its one argument
        Assert.Equal(new[] { "sheriff_sql_driver.py", "sheriff-sql.json" }, args.Skip(args.Count - 2));
        Assert.Equal("sheriff-sql.json", args[args.ToList().IndexOf("--files") + 1]);
        Assert.Equal(new[] { "type:spark-submit", "ver:3.5", "team:ds" }, job.Prepared.Request.CommandCriteria);
        Assert.Equal(new[] { "sched:adhoc" }, job.Prepared.Request.ClusterCriterias.Single().Tags);
        // both files travel as attachments, by their bare names
        Assert.Equal(new[] { "sheriff_sql_driver.py", "sheriff-sql.json" }, job.Prepared.Attachments.Select(a => a.Name).OrderBy(n => n, StringComparer.Ordinal).Reverse());
        Assert.Equal("ana-sql-daily_summary-20261126-100000", job.Prepared.Request.Name);
        Assert.Contains("sheriff.sql:query", job.Prepared.Request.Tags);
        // team defaults as for any Spark job
        Assert.Contains("--executor-memory", args);
        Assert.Equal("4g", args[args.ToList().IndexOf("--executor-memory") + 1]);
    }

    [Fact]
    public void DuckDb_RoutesToTheLocalEngine_WithTheSameArgv()
    {
        using var spark = Build(Query(), SqlEngine.Spark, new SparkJobSpec { ClusterTags = new[] { "sched:adhoc" }, SparkVersion = "3.5", CommandTags = new[] { "team:ds" } });
        using var duck = Build(Query(), SqlEngine.DuckDb, new SparkJobSpec { ClusterTags = new[] { "sched:adhoc" }, SparkVersion = "3.5", CommandTags = new[] { "team:ds" } });
        Assert.Equal(new[] { "type:sheriff-sql", "engine:duckdb" }, duck.Prepared.Request.CommandCriteria);
        Assert.Equal(new[] { "sched:adhoc" }, duck.Prepared.Request.ClusterCriterias.Single().Tags);
        Assert.Equal(spark.Prepared.SparkSubmitArguments, duck.Prepared.SparkSubmitArguments);
        Assert.Equal(SqlEngine.DuckDb, duck.Engine);
    }

    [Fact]
    public void TheRequestFile_HoldsTheRequest_AndDisposeRemovesIt()
    {
        var job = Build(new SqlRequest { Query = "SELECT 2", Output = new SqlOutput { Table = "db.t", PartitionBy = { "ds" } } }, SqlEngine.DuckDb);
        var request = JObject.Parse(File.ReadAllText(job.RequestPath));
        Assert.Equal("SELECT 2", (string?)request["query"]);
        Assert.Equal("db.t", (string?)request["output"]!["table"]);
        Assert.Equal(job.RequestPath, job.Prepared.Attachments.Single(a => a.Name == "sheriff-sql.json").LocalPath);
        job.Dispose();
        Assert.False(File.Exists(job.RequestPath));
    }

    [Fact]
    public void ConfigDefaults_AndSpecFileResources_Apply()
    {
        const string config = """{ "sparkDefaults": { "clusterTags": ["sched:sla"], "executorMemory": "8g", "queue": "ds" } }""";
        var spec = new SparkJobSpec { Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "400" }, DriverMemory = "2g" };
        using var job = Build(Query(), SqlEngine.Spark, new SparkJobSpec(), config, spec);
        var args = job.Prepared.SparkSubmitArguments.ToList();
        Assert.Equal("8g", args[args.IndexOf("--executor-memory") + 1]);
        Assert.Equal("2g", args[args.IndexOf("--driver-memory") + 1]);
        Assert.Equal("ds", args[args.IndexOf("--queue") + 1]);
        Assert.Contains("spark.sql.shuffle.partitions=400", args);
        Assert.Equal(new[] { "sched:sla" }, job.Prepared.Request.ClusterCriterias.Single().Tags);
        Assert.Equal(ValueSource.TeamConfig, job.Prepared.Resolved.Sources["executorMemory"]);
    }

    [Fact]
    public void ExtraFilesFromTheSpec_TravelWithTheRequest()
    {
        var lookup = _folder.Write("lookup.csv", "a,b\n");
        using var job = Build(Query(), SqlEngine.Spark, new SparkJobSpec { ClusterTags = new[] { "sched:adhoc" }, Files = new[] { lookup } });
        var args = job.Prepared.SparkSubmitArguments.ToList();
        Assert.Equal("lookup.csv,sheriff-sql.json", args[args.IndexOf("--files") + 1]);
    }

    [Theory]
    [InlineData("script")]
    [InlineData("jar")]
    [InlineData("argumentList")]
    public void ASpecFileThatNamesAProgram_IsAConflict(string key)
    {
        var spec = key switch
        {
            "script" => new SparkJobSpec { Script = "/x/main.py" },
            "jar" => new SparkJobSpec { Jar = "/x/app.jar" },
            _ => new SparkJobSpec { ArgumentList = new[] { "a" } },
        };
        var ex = Assert.Throws<SparkJobException>(() => Build(Query(), SqlEngine.Spark, specFile: spec));
        Assert.Equal(SparkJobProblem.Conflict, ex.Problem);
        Assert.Equal(key, ex.Target);
    }

    [Fact]
    public void NonParquetFormats_AreRefusedOnDuckDb_ButNotOnSpark()
    {
        var request = new SqlRequest { Query = "SELECT 1", Output = new SqlOutput { Table = "t", Format = "orc" } };
        Assert.Equal("Format", Assert.Throws<SqlRequestException>(() => Build(request, SqlEngine.DuckDb)).Parameter);
        using var spark = Build(request, SqlEngine.Spark);
    }

    [Fact]
    public void NoClusterTags_IsTheUsualSparkError()
    {
        var ex = Assert.Throws<SparkJobException>(() => Build(Query(), SqlEngine.DuckDb, new SparkJobSpec()));
        Assert.Equal("ClusterTags", ex.Parameter);
    }

    [Fact]
    public void Analyze_IsTaggedAndNamedForItsAction()
    {
        using var job = Build(new SqlRequest { Action = SqlAction.Analyze, Table = "db.t", AllColumns = true }, SqlEngine.DuckDb);
        Assert.Contains("sheriff.sql:analyze", job.Prepared.Request.Tags);
        Assert.Equal("analyze", (string?)JObject.Parse(File.ReadAllText(job.RequestPath))["action"]);
    }

    [Fact]
    public void ProfileSqlEngine_IsReadFromTheConfig()
    {
        var config = SheriffConfig.Parse("""{ "profiles": { "local": { "uri": "http://127.0.0.1:1", "sqlEngine": "DuckDB" }, "prod": { "uri": "https://g" } } }""", "c.json");
        Assert.Equal("duckdb", config.Profiles["local"].SqlEngine);
        Assert.Null(config.Profiles["prod"].SqlEngine);
        var ex = Assert.Throws<SheriffConfigException>(() => SheriffConfig.Parse("""{ "profiles": { "p": { "uri": "http://x", "sqlEngine": "hive" } } }""", "c.json"));
        Assert.Contains("sqlEngine", ex.Message);
        Assert.Equal(SqlEngine.DuckDb, SqlEngines.Parse("DuckDB"));
        Assert.Throws<ArgumentException>(() => SqlEngines.Parse("hive"));
    }

    [Fact]
    public void TheEmbeddedDriver_IsExtractedOnce_IntoAContentHashedFile()
    {
        var cache = _folder.File("driver-cache");
        var first = SqlDriver.EnsureExtracted(cache);
        Assert.Equal("sheriff_sql_driver.py", Path.GetFileName(first));
        Assert.Equal(SqlDriver.ReadResource(), File.ReadAllBytes(first));
        Assert.Contains("pyspark", File.ReadAllText(first));
        var stamp = File.GetLastWriteTimeUtc(first);
        Assert.Equal(first, SqlDriver.EnsureExtracted(cache));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first));
        // a tampered copy is replaced
        File.WriteAllText(first, "tampered");
        Assert.Equal(SqlDriver.ReadResource(), File.ReadAllBytes(SqlDriver.EnsureExtracted(cache)));
        Assert.Equal(Hashing.Sha256Hex(SqlDriver.ReadResource()).Substring(0, 16), Path.GetFileName(Path.GetDirectoryName(first)));
    }
}
