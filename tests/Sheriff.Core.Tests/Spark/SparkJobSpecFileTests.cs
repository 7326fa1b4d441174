using Newtonsoft.Json.Linq;
using Sheriff.Core.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Spark;

/// <summary>Path resolution, Save → Load, ComputeHash, Clone, the example spec and the JSON Schema.</summary>
public class SparkJobSpecFileTests
{
    private static readonly string Elsewhere = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "sheriff-elsewhere", "lib", "y.py"));

    [Fact]
    public void Load_ResolvesRelativePathsAgainstTheSpecFolder_NotUrisOrMavenCoordinates()
    {
        using var folder = new SparkTempFolder();
        var file = folder.Write("jobs/nightly.json", new JObject
        {
            ["script"] = "src/main.py",
            ["projectPath"] = ".",
            ["pyFiles"] = new JArray("lib/a.py", "s3://bucket/b.py", Elsewhere, "../shared/c.zip", "s3a://bucket/d.zip", "gs://bucket/e.py"),
            ["files"] = new JArray("hdfs://nn:8020/f.txt", "https://example.com/g.txt", "http://example.com/h.txt", "file:///etc/i.conf", "local:/opt/j.conf", "./conf/k.conf"),
            ["jars"] = new JArray("org.apache.spark:spark-avro_2.12:3.5.1", "lib/l.jar"),
            ["archives"] = new JArray("env.tar.gz#env"),
            ["packages"] = new JArray("org.apache.spark:spark-avro_2.12:3.5.1"),
            ["name"] = "src/not-a-path",
        }.ToString());
        var jobs = Path.GetDirectoryName(file)!;

        var spec = SparkJobSpec.Load(file);

        Assert.Equal(Path.Combine(jobs, "src", "main.py"), spec.Script);
        Assert.Equal(jobs, spec.ProjectPath!.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(new[]
        {
            Path.Combine(jobs, "lib", "a.py"), "s3://bucket/b.py", Elsewhere, Path.Combine(folder.Path, "shared", "c.zip"),
            "s3a://bucket/d.zip", "gs://bucket/e.py",
        }, spec.PyFiles);
        Assert.Equal(new[]
        {
            "hdfs://nn:8020/f.txt", "https://example.com/g.txt", "http://example.com/h.txt", "file:///etc/i.conf", "local:/opt/j.conf",
            Path.Combine(jobs, "conf", "k.conf"),
        }, spec.Files);
        Assert.Equal(new[] { "org.apache.spark:spark-avro_2.12:3.5.1", Path.Combine(jobs, "lib", "l.jar") }, spec.Jars);
        Assert.Equal(new[] { Path.Combine(jobs, "env.tar.gz#env") }, spec.Archives);
        Assert.Equal(new[] { "org.apache.spark:spark-avro_2.12:3.5.1" }, spec.Packages);
        Assert.Equal("src/not-a-path", spec.Name);
    }

    [Fact]
    public void Load_TildeIsTheHomeFolder()
    {
        using var folder = new SparkTempFolder();
        var spec = SparkJobSpec.Load(folder.Write("job.json", "{\"script\": \"~/jobs/main.py\"}"));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, "jobs", "main.py"), spec.Script);
    }

    private static SparkJobSpec Sample(string folder) => new()
    {
        Script = Path.Combine(folder, "src", "main.py"),
        ArgumentList = new[] { "--date", "2024-05-01", "" },
        ProjectPath = folder,
        PyFiles = new[] { Path.Combine(folder, "lib", "a.py"), Elsewhere, "s3://bucket/b.py" },
        Files = new[] { Path.Combine(folder, "conf", "app.conf") },
        Archives = new[] { Path.Combine(folder, "env.tar.gz#env") },
        Packages = new[] { "org.apache.spark:spark-avro_2.12:3.5.1" },
        ExecutorMemory = "8g",
        ExecutorCores = 4,
        DriverMemory = "2g",
        NumExecutors = 10,
        Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "400", ["spark.dynamicAllocation.enabled"] = "false" },
        Queue = "finance",
        SparkVersion = "3.5",
        ClusterTags = new[] { "sched:sla", "sched:adhoc" },
        CommandTags = Array.Empty<string>(),
        Name = "nightly",
        Tag = new[] { "team:finance" },
        Description = "Nightly \"roll-up\" ünïcode",
        Timeout = 7200,
        Email = "someone@example.com",
        Grouping = "finance.daily",
        GroupingInstance = "2024-05-01",
        JobId = "nightly-2024-05-01",
        StagingUri = "s3://team-bucket/staging",
    };

    [Fact]
    public void Save_WritesRelativePathsBelowTheFolder_AndLoadRoundTrips()
    {
        using var folder = new SparkTempFolder();
        var spec = Sample(folder.Path);
        var file = folder.File("job.json");

        spec.Save(file);

        var json = JObject.Parse(File.ReadAllText(file));
        Assert.Null(json["$schema"]);
        Assert.Equal("src/main.py", (string?)json["script"]);
        Assert.Equal(".", (string?)json["projectPath"]);
        Assert.Equal(new[] { "lib/a.py", Elsewhere, "s3://bucket/b.py" }, json["pyFiles"]!.Select(t => t.Value<string>()!));
        Assert.Equal("env.tar.gz#env", (string?)json["archives"]![0]);
        Assert.Equal(JTokenType.Integer, json["executorCores"]!.Type);
        Assert.Equal("400", (string?)json["conf"]!["spark.sql.shuffle.partitions"]);
        Assert.Null(json["jar"]);
        Assert.Equal("script", ((JProperty)json.First!).Name); // declared order
        Assert.Contains("\n  \"script\"", File.ReadAllText(file).Replace("\r\n", "\n")); // indented

        var loaded = SparkJobSpec.Load(file);
        Assert.Equal(spec.ComputeHash(), loaded.ComputeHash());
        Assert.Equal(spec.Script, loaded.Script);
        Assert.Equal(spec.PyFiles, loaded.PyFiles);
        Assert.Equal(spec.Conf, loaded.Conf);
        Assert.Equal(spec.Description, loaded.Description);
    }

    [Fact]
    public void Save_InAnotherFolder_KeepsPathsOutsideItAbsolute()
    {
        using var folder = new SparkTempFolder();
        var spec = Sample(folder.Path);
        var file = folder.File("specs/sub/job.json");
        spec.Save(file); // creates the folder

        var json = JObject.Parse(File.ReadAllText(file));
        Assert.Equal(spec.Script, (string?)json["script"]);
        Assert.Equal(spec.ComputeHash(), SparkJobSpec.Load(file).ComputeHash());
    }

    [Fact]
    public void Save_ReferencesTheSchemaOnlyWhenACopySitsNextToIt()
    {
        using var folder = new SparkTempFolder();
        folder.Write(SparkJobSpec.SchemaFileName, "{}");
        var file = folder.File("job.json");
        new SparkJobSpec { Name = "x" }.Save(file);
        var json = JObject.Parse(File.ReadAllText(file));
        Assert.Equal("sparkjob.schema.json", (string?)json["$schema"]);
        Assert.Equal("$schema", ((JProperty)json.First!).Name);
        Assert.Equal("x", SparkJobSpec.Load(file).Name);
    }

    [Fact]
    public void ComputeHash_IsStableAcrossKeyOrder()
    {
        using var folder = new SparkTempFolder();
        var a = SparkJobSpec.Load(folder.Write("a.json",
            "{\"name\": \"n\", \"executorMemory\": \"4g\", \"tag\": [\"x\", \"y\"], \"conf\": {\"spark.a\": 1, \"spark.b\": \"2\"}}"));
        var b = SparkJobSpec.Load(folder.Write("b.json",
            "{\"conf\": {\"spark.b\": 2, \"spark.a\": \"1\"}, \"tag\": [\"x\", \"y\"], \"executorMemory\": \"4G\", \"name\": \"n\"}"));
        Assert.Equal(a.ComputeHash(), b.ComputeHash());
        Assert.Matches("^[0-9a-f]{64}$", a.ComputeHash());
        Assert.Equal(a.ComputeHash(), a.ComputeHash());
        Assert.Equal(a.ComputeHash(), a.Clone().ComputeHash());
    }

    [Fact]
    public void ComputeHash_DiffersForDifferentSpecs()
    {
        var baseline = new SparkJobSpec { Name = "n", Tag = new[] { "x", "y" }, Conf = new Dictionary<string, string> { ["spark.a"] = "1" } };
        var hashes = new[]
        {
            baseline,
            new SparkJobSpec { Name = "m", Tag = new[] { "x", "y" }, Conf = new Dictionary<string, string> { ["spark.a"] = "1" } },
            new SparkJobSpec { Name = "n", Tag = new[] { "y", "x" }, Conf = new Dictionary<string, string> { ["spark.a"] = "1" } },
            new SparkJobSpec { Name = "n", Tag = new[] { "x", "y" }, Conf = new Dictionary<string, string> { ["spark.a"] = "2" } },
            new SparkJobSpec { Name = "n", Tag = new[] { "x", "y" } },
            new SparkJobSpec { Name = "n", Tag = new[] { "x", "y" }, Conf = new Dictionary<string, string> { ["spark.a"] = "1" }, Timeout = 1 },
            new SparkJobSpec { Name = "n", Tag = Array.Empty<string>(), Conf = new Dictionary<string, string> { ["spark.a"] = "1" } },
            new SparkJobSpec(),
        }.Select(s => s.ComputeHash()).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Fact]
    public void Clone_IsDeep()
    {
        using var folder = new SparkTempFolder();
        var spec = Sample(folder.Path);
        var copy = spec.Clone();
        Assert.Equal(spec.ComputeHash(), copy.ComputeHash());
        copy.Tag![0] = "changed";
        copy.Conf!["spark.new"] = "1";
        copy.Name = "other";
        Assert.Equal("team:finance", spec.Tag![0]);
        Assert.False(spec.Conf!.ContainsKey("spark.new"));
        Assert.Equal("nightly", spec.Name);
    }

    [Fact]
    public void ExampleSpec_IsValid()
    {
        var examples = Path.Combine(SparkTempFolder.RepoRoot(), "examples");
        var spec = SparkJobSpec.Load(Path.Combine(examples, "nightly-job.json"));
        Assert.Equal(Path.Combine(examples, "pyspark-project", "main.py"), spec.Script);
        Assert.Equal(Path.Combine(examples, "pyspark-project"), spec.ProjectPath);
        Assert.Equal("8g", spec.ExecutorMemory);
        Assert.Equal("400", spec.Conf!["spark.sql.shuffle.partitions"]);
        Assert.Equal("3.5", spec.SparkVersion);
        Assert.Equal(new[] { "sched:sla", "sched:adhoc" }, spec.ClusterTags);
        Assert.Equal(7200, spec.Timeout);
        Assert.Equal("finance.daily", spec.Grouping);
        Assert.False(string.IsNullOrEmpty(spec.Name));
        Assert.NotEmpty(spec.Tag!);
    }

    [Fact]
    public void Schema_DescribesExactlyTheSpecKeys()
    {
        var schema = JObject.Parse(File.ReadAllText(Path.Combine(SparkTempFolder.RepoRoot(), "module", "schemas", "sparkjob.schema.json")));
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.False((bool)schema["additionalProperties"]!);
        var properties = (JObject)schema["properties"]!;
        var expected = SparkField.All.Select(f => f.Name).Append("$schema").OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(expected, properties.Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var property in properties.Properties())
            Assert.False(string.IsNullOrWhiteSpace((string?)property.Value["description"]), property.Name + " has no description");
        // The JSON names are the camelCase property names of SparkJobSpec.
        var clrNames = typeof(SparkJobSpec).GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1)).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(SparkField.All.Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal), clrNames);
    }

    [Theory]
    [InlineData("512m", true)]
    [InlineData("4GB", true)]
    [InlineData("08g", true)]
    [InlineData("4 GB", false)]
    [InlineData("0g", false)]
    [InlineData("-3g", false)]
    [InlineData("4gig", false)]
    public void Schema_SizePatternAgreesWithSparkSize(string text, bool valid)
    {
        var schema = JObject.Parse(File.ReadAllText(Path.Combine(SparkTempFolder.RepoRoot(), "module", "schemas", "sparkjob.schema.json")));
        var pattern = (string)schema["properties"]!["executorMemory"]!["pattern"]!;
        Assert.Equal(valid, System.Text.RegularExpressions.Regex.IsMatch(text, pattern));
        Assert.Equal(valid, SparkSize.TryNormalize(text, out _, out _));
    }
}
