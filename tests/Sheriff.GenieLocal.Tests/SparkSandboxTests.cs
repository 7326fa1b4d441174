using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>
/// The default seed's Spark sandbox: command <c>spark-local</c> (the sheriff-spark-submit shim: spark-submit's options,
/// .py applications run with python3, spark.log) and command <c>argv-recorder</c> (what a job's argv became), plus the
/// seed loader's <c>{seedDir}</c> / <c>{seedDir:sh}</c> placeholders they rely on.
/// </summary>
public class SparkSandboxTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private static readonly string[] SparkCriteria = ["type:spark-submit", "ver:3.5"];
    private readonly GenieServer _s = fx.Server;

    // ------------------------------------------------------------------ argv-recorder

    [Fact]
    public async Task ArgvRecorder_BashQuotedCommandArgs_ArriveByteForByte()
    {
        const string commandArgs = "'a b' \"c'd\" '$HOME' '`x`' '*' 'ünï' ''";
        var stdout = await RunArgvRecorder(commandArgs);
        Assert.Equal("[\"a b\",\"c'd\",\"$HOME\",\"`x`\",\"*\",\"ünï\",\"\"]\n", stdout);
        Assert.Equal(["a b", "c'd", "$HOME", "`x`", "*", "ünï", ""], ParseArgv(stdout));
    }

    [Fact]
    public async Task ArgvRecorder_NewlineTabAndOtherHardArguments_RoundTrip_OnOneLine()
    {
        string[] args = ["a b", "c'd", "$HOME", "`x`", "*", "ünï", "", "line1\nline2", "tab\there", "\"dq\"", "back\\slash",
            "semi;colon # not a comment", "😀", "--verbose", "-c", "k=v"];
        var stdout = await RunArgvRecorder(string.Join(' ', args.Select(GenieServer.Quote)));
        Assert.EndsWith("\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', stdout[..^1]);
        Assert.Contains("\"line1\\nline2\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"tab\\there\"", stdout, StringComparison.Ordinal);
        Assert.Equal(args, ParseArgv(stdout));
    }

    [Fact]
    public async Task ArgvRecorder_NoCommandArgs_PrintsEmptyArray()
        => Assert.Equal("[]\n", await RunArgvRecorder(""));

    // ------------------------------------------------------------------ seed

    [Fact]
    public async Task DefaultSeed_SparkLocalCommand_ShapeAndShimPath()
    {
        var cmd = await _s.GetObject("/api/v3/commands/spark-local");
        Assert.Equal("spark-submit", cmd.Str("name"));
        Assert.Equal("3.5.1", cmd.Str("version"));
        Assert.Equal("ACTIVE", cmd.Str("status"));
        Assert.Equal(["type:spark-submit", "ver:3.5", "ver:3.5.1"], OwnTags(cmd));
        Assert.Equal(["type:local"], cmd["clusterCriteria"]![0].Strs("tags"));
        var exe = cmd.Strs("executableAndArguments");
        Assert.Equal(2, exe.Count);
        Assert.Equal("python3", exe[0]);
        AssertShimPath(exe[1], "sheriff-spark-submit.py");

        var recorder = await _s.GetObject("/api/v3/commands/argv-recorder");
        Assert.Equal("argv-recorder", recorder.Str("name"));
        Assert.Equal(["type:argv-recorder"], OwnTags(recorder));
        Assert.Equal(["type:local"], recorder["clusterCriteria"]![0].Strs("tags"));
        AssertShimPath(recorder.Strs("executableAndArguments")[1], "sheriff-argv-recorder.py");
    }

    [Fact]
    public async Task SeedFile_SeedDirPlaceholders_ResolveToTheSeedFolder_QuotedForBashInExecutables()
    {
        // a folder name bash would split, glob and expand if it were not quoted
        var dir = Path.Combine(GenieServer.NewTempDir("seed"), "my seeds $HOME 'q' *");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "hello.sh"), "echo \"hello from $(basename \"$0\") with $# args: $*\"\n");
        var command = GenieServer.CommandBody("seeded-hello", ["type:seeded-hello"], [["type:local"]]);
        command["executableAndArguments"] = Json.Arr("bash", "{seedDir:sh}/hello.sh");
        command["description"] = "shim in {seedDir}";
        var seed = new JsonObject
        {
            ["clusters"] = new JsonArray(GenieServer.ClusterBody("seeded-local", ["sched:adhoc", "type:local"])),
            ["commands"] = new JsonArray(command),
        };
        var seedFile = Path.Combine(dir, "seed.json");
        await File.WriteAllTextAsync(seedFile, seed.ToJsonString());
        await using var s = await GenieServer.StartAsync(["--seed", seedFile]);

        var cmd = await s.GetObject("/api/v3/commands/seeded-hello");
        Assert.Equal("shim in " + dir, cmd.Str("description"));
        Assert.Equal("bash", cmd.Strs("executableAndArguments")[0]);
        Assert.Equal("'" + dir.Replace("'", "'\\''") + "'/hello.sh", cmd.Strs("executableAndArguments")[1]);
        using (var r = await s.Get("/api/v3/commands/spark-local"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode); // an explicit --seed replaces the default seed
        }

        var id = await s.Submit(GenieServer.JobBody(null, "'x y' z", ["type:seeded-hello"]));
        var job = await s.WaitFinished(id);
        Assert.True(job.Str("status") == "SUCCEEDED", $"{job.ToJsonString()}\nstderr: {await s.GetText($"/api/v3/jobs/{id}/output/stderr")}");
        Assert.Equal("hello from hello.sh with 2 args: x y z\n", await s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    // ------------------------------------------------------------------ spark-local

    [Fact]
    public async Task SparkLocal_PySparkJob_ImportsFromPyFilesZip_GetsItsArgsAndConf_WritesSparkLog()
    {
        const string main = """
            import json, os, sys
            import mypkg
            print(mypkg.hello())
            print(json.dumps(sys.argv[1:], ensure_ascii=False))
            print(os.environ['SHERIFF_SPARK_CONF'])
            """;
        var (id, job) = await RunSpark(
            "--master 'local[2]' --name sandbox-test --py-files deps.zip main.py 'arg one' ünï --verbose",
            ("main.py", Encoding.UTF8.GetBytes(main)), ("deps.zip", MyPkgZip()));
        Assert.True(job.Str("status") == "SUCCEEDED", await Describe(id, job));

        var lines = (await _s.GetText($"/api/v3/jobs/{id}/output/stdout")).Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("hello from mypkg", lines[0]);
        Assert.Equal("[\"arg one\", \"ünï\", \"--verbose\"]", lines[1]); // after the primary resource: the app's, untouched
        Assert.Equal("", lines[3]);
        var conf = Assert.IsType<JsonObject>(JsonNode.Parse(lines[2]));
        Assert.Equal("sandbox-test", conf.Str("spark.app.name"));
        Assert.Equal("local[2]", conf.Str("spark.master"));
        Assert.Equal("client", conf.Str("spark.submit.deployMode"));
        Assert.Equal(Path.Combine(_s.JobDir(id), "deps.zip"), conf.Str("spark.submit.pyFiles"));

        var sparkLog = await _s.GetText($"/api/v3/jobs/{id}/output/spark.log");
        Assert.Contains("INFO SparkContext: Running Spark version 3.5.1", sparkLog);
        Assert.Contains("INFO SparkContext: Submitted application: sandbox-test", sparkLog);
        Assert.Contains("spark.submit.pyFiles=" + Path.Combine(_s.JobDir(id), "deps.zip"), sparkLog);
        Assert.Contains("Application exited with code 0", sparkLog);
        Assert.Equal("", await _s.GetText($"/api/v3/jobs/{id}/output/stderr"));
    }

    [Fact]
    public async Task SparkLocal_ConfAndMemoryFlags_AreResolvedLikeSparkSubmit_AndVisibleInSparkLog()
    {
        const string main = "import os\nprint(os.environ['SHERIFF_SPARK_CONF'])\n";
        var (id, job) = await RunSpark(
            "--master yarn --deploy-mode cluster --executor-memory 4g --executor-cores 3 --driver-memory 2g --num-executors 5 " +
            "--queue adhoc --conf spark.sql.shuffle.partitions=7 -c spark.executor.memory=1g --conf=spark.x.y=a=b " +
            "--conf not.spark=1 main.py",
            ("main.py", Encoding.UTF8.GetBytes(main)));
        Assert.True(job.Str("status") == "SUCCEEDED", await Describe(id, job));

        var conf = Assert.IsType<JsonObject>(JsonNode.Parse(await _s.GetText($"/api/v3/jobs/{id}/output/stdout")));
        Assert.Equal("4g", conf.Str("spark.executor.memory")); // the dedicated option wins over --conf
        Assert.Equal("3", conf.Str("spark.executor.cores"));
        Assert.Equal("2g", conf.Str("spark.driver.memory"));
        Assert.Equal("5", conf.Str("spark.executor.instances"));
        Assert.Equal("adhoc", conf.Str("spark.yarn.queue"));
        Assert.Equal("7", conf.Str("spark.sql.shuffle.partitions"));
        Assert.Equal("a=b", conf.Str("spark.x.y"));
        Assert.Equal("main.py", conf.Str("spark.app.name"));
        Assert.False(conf.ContainsKey("not.spark"));

        var sparkLog = await _s.GetText($"/api/v3/jobs/{id}/output/spark.log");
        foreach (var line in new[]
        {
            "spark.executor.memory=4g", "spark.executor.cores=3", "spark.driver.memory=2g", "spark.executor.instances=5",
            "spark.yarn.queue=adhoc", "spark.sql.shuffle.partitions=7", "spark.master=yarn", "spark.submit.deployMode=cluster",
            "spark.app.name=main.py",
        })
        {
            Assert.Contains("\n" + line + "\n", sparkLog);
        }

        Assert.Contains("memory -> name: memory, amount: 4096", sparkLog);
        Assert.Contains("WARN SparkSubmit: Ignoring non-Spark config property: not.spark", sparkLog);
        Assert.Contains("INFO Client: queue: adhoc", sparkLog);
    }

    [Fact]
    public async Task SparkLocal_ScriptRaisingImportError_Fails_WithTheTracebackInStderr()
    {
        const string main = "print('before the import')\nfrom json import no_such_name\n";
        var (id, job) = await RunSpark("main.py", ("main.py", Encoding.UTF8.GetBytes(main)));
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        Assert.Equal("before the import\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        var stderr = await _s.GetText($"/api/v3/jobs/{id}/output/stderr");
        Assert.Contains("Traceback (most recent call last):", stderr);
        Assert.Contains("main.py\", line 2", stderr);
        Assert.Contains("ImportError: cannot import name 'no_such_name' from 'json'", stderr);
        Assert.Contains("Application exited with code 1", await _s.GetText($"/api/v3/jobs/{id}/output/spark.log"));
    }

    [Fact]
    public async Task SparkLocal_ExitCodeOfTheScript_IsTheJobs()
    {
        var (id, job) = await RunSpark("exit3.py", ("exit3.py", "import sys\nsys.exit(3)\n"u8.ToArray()));
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        Assert.Contains("Application exited with code 3", await _s.GetText($"/api/v3/jobs/{id}/output/spark.log"));
    }

    [Fact]
    public async Task SparkLocal_JarApplication_Fails_WithAClearMessage()
    {
        var (id, job) = await RunSpark("--class com.example.Main app.jar --input x", ("app.jar", [0x50, 0x4b, 0x03, 0x04]));
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        var stderr = await _s.GetText($"/api/v3/jobs/{id}/output/stderr");
        Assert.Contains("GenieLocal cannot run a JVM application (--class com.example.Main): primary resource app.jar", stderr);
        Assert.Contains("only PySpark-style .py applications run", stderr);
        Assert.Equal("", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task SparkLocal_MissingPyFile_Fails_LikeSparkSubmit()
    {
        var (id, job) = await RunSpark("--py-files missing.zip main.py", ("main.py", "print('never')\n"u8.ToArray()));
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        var stderr = await _s.GetText($"/api/v3/jobs/{id}/output/stderr");
        Assert.Contains($"java.io.FileNotFoundException: File file:{Path.Combine(_s.JobDir(id), "missing.zip")} does not exist", stderr);
        Assert.Contains("--py-files entry 'missing.zip' was not found", stderr);
        Assert.Equal("", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task SparkLocal_MissingScript_Fails_LikeSparkSubmit()
    {
        var (id, job) = await RunSpark("nowhere.py");
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        var stderr = await _s.GetText($"/api/v3/jobs/{id}/output/stderr");
        Assert.Contains($"File file:{Path.Combine(_s.JobDir(id), "nowhere.py")} does not exist", stderr);
    }

    [Theory]
    [InlineData("--bogus main.py", "Error: Unrecognized option '--bogus'.")]
    [InlineData("--master", "Error: Missing argument for option '--master'.")]
    [InlineData("--conf novalue main.py", "Error: Spark config without '=': novalue")]
    [InlineData("--executor-memory '4 GB' main.py", "Error: Executor memory must be a positive number")]
    [InlineData("--deploy-mode cluster main.py", "Error: Cluster deploy mode is not compatible with master \"local\"")]
    [InlineData("--name only-options", "Error: Must specify a primary resource (JAR or Python or R file)")]
    public async Task SparkLocal_UsageErrors_Fail_WithSparkSubmitsMessage(string commandArgs, string expected)
    {
        var (id, job) = await RunSpark(commandArgs, ("main.py", "print('never')\n"u8.ToArray()));
        Assert.True(job.Str("status") == "FAILED", await Describe(id, job));
        Assert.Contains(expected, await _s.GetText($"/api/v3/jobs/{id}/output/stderr"));
    }

    [Fact]
    public async Task SparkLocal_Help_Succeeds_WithUsageOnStderr()
    {
        var (id, job) = await RunSpark("--help");
        Assert.True(job.Str("status") == "SUCCEEDED", await Describe(id, job));
        Assert.StartsWith("Usage: spark-submit [options]", await _s.GetText($"/api/v3/jobs/{id}/output/stderr"));
    }

    // ------------------------------------------------------------------ resolution

    [Fact]
    public async Task Resolution_SparkSubmitVer35_SelectsSparkLocal()
    {
        var (id, job) = await RunSpark("main.py", ("main.py", "print('resolved')\n"u8.ToArray()));
        Assert.True(job.Str("status") == "SUCCEEDED", await Describe(id, job));
        Assert.Equal("spark-local", (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id"));
        Assert.Equal("local", (await _s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id"));
        Assert.Equal("resolved\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task Resolution_SparkSubmitVer99_Returns412()
    {
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(null, "main.py", ["type:spark-submit", "ver:9.9"]));
        var message = await r.AssertError(HttpStatusCode.PreconditionFailed);
        Assert.Equal("No command matching command criterion found", message);
    }

    [Fact]
    public async Task Generation3_DefaultSeed_SparkLocalRunsAPySparkStyleJob()
    {
        await using var s = await GenieServer.StartAsync(["--generation", "3"]);
        var id = GenieServer.NewId("g3spark");
        var body = GenieServer.JobBody(id, "--name g3 --py-files deps.zip main.py x", SparkCriteria);
        using var content = Json.Multipart(body, ("main.py", "import mypkg, sys\nprint(mypkg.hello(), sys.argv[1:])\n"u8.ToArray()), ("deps.zip", MyPkgZip()));
        using (var r = await s.Http.PostAsync("/api/v3/jobs", content))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        var job = await s.WaitFinished(id);
        Assert.True(job.Str("status") == "SUCCEEDED", $"{job.ToJsonString()}\nstderr: {await s.GetText($"/api/v3/jobs/{id}/output/stderr")}");
        Assert.Equal("hello from mypkg ['x']\n", await s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        Assert.Contains("Submitted application: g3", await s.GetText($"/api/v3/jobs/{id}/output/spark.log"));
    }

    // ------------------------------------------------------------------ helpers

    private async Task<string> RunArgvRecorder(string commandArgs)
    {
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("argv"), commandArgs, ["type:argv-recorder"]));
        var job = await _s.WaitFinished(id);
        Assert.True(job.Str("status") == "SUCCEEDED", await Describe(id, job));
        Assert.Equal("argv-recorder", (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id"));
        using var r = await _s.Get($"/api/v3/jobs/{id}/output/stdout");
        await r.AssertStatus(HttpStatusCode.OK);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
    }

    private static List<string> ParseArgv(string stdout)
        => Assert.IsType<JsonArray>(JsonNode.Parse(stdout)).Select(n => n!.GetValue<string>()).ToList();

    /// <summary>Submit a multipart spark-local job (commandCriteria type:spark-submit, ver:3.5) and wait for its end.</summary>
    private async Task<(string Id, JsonObject Job)> RunSpark(string commandArgs, params (string Name, byte[] Bytes)[] attachments)
    {
        var id = GenieServer.NewId("spark");
        var body = GenieServer.JobBody(id, commandArgs, SparkCriteria);
        using var content = Json.Multipart(body, attachments);
        using (var r = await _s.Http.PostAsync("/api/v3/jobs", content))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        return (id, await _s.WaitFinished(id));
    }

    private async Task<string> Describe(string id, JsonObject job)
        => $"job {id}: {job.ToJsonString()}\nstdout: {await _s.GetText($"/api/v3/jobs/{id}/output/stdout")}\n" +
           $"stderr: {await _s.GetText($"/api/v3/jobs/{id}/output/stderr")}";

    /// <summary>The stored tags, without the genie.id:/genie.name: tags Genie adds.</summary>
    private static List<string> OwnTags(JsonNode resource)
        => resource.Strs("tags").Where(t => !t.StartsWith("genie.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    private static void AssertShimPath(string path, string fileName)
    {
        Assert.DoesNotContain("{seedDir", path, StringComparison.Ordinal);
        var unquoted = path.StartsWith('\'') ? path[1..path.LastIndexOf('\'')] + path[(path.LastIndexOf('\'') + 1)..] : path;
        Assert.True(Path.IsPathRooted(unquoted), $"not absolute: {path}");
        Assert.Equal(fileName, Path.GetFileName(unquoted));
        Assert.Equal("seed", Path.GetFileName(Path.GetDirectoryName(unquoted)));
        Assert.True(File.Exists(unquoted), $"shim missing: {unquoted}");
    }

    /// <summary>A --py-files zip holding package mypkg (hello() returns "hello from mypkg").</summary>
    private static byte[] MyPkgZip()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("mypkg/__init__.py").Open(), new UTF8Encoding(false));
            w.Write("def hello():\n    return 'hello from mypkg'\n");
        }

        return ms.ToArray();
    }
}
