using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.12 — realistic job directory (§10.3), run-script exports (§10.1), setup order (§10.2), failure scenarios.</summary>
public class JobDirectoryTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private static string FileUri(string path) => new Uri(path).AbsoluteUri;

    private static string WriteFile(string dir, string name, string content)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return FileUri(path);
    }

    [Fact]
    public async Task JobDir_HasRunStdoutStderr_AndGenieLogs()
    {
        var (id, _) = await _s.RunScript("echo layout");
        var dir = _s.JobDir(id);
        foreach (var f in new[] { "run", "stdout", "stderr", "genie/logs/agent.log", "genie/logs/setup.log", "genie/logs/env.log" })
        {
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing in job dir {dir}");
            using var r = await _s.Get($"/api/v3/jobs/{id}/output/{f}");
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"output/{f} -> {(int)r.StatusCode}");
        }

        var logs = (await _s.GetObject($"/api/v3/jobs/{id}/output/genie/logs"))["files"]!.AsArray().Select(f => f.Str("name")).ToList();
        Assert.Contains("agent.log", logs);
        Assert.Contains("setup.log", logs);
        Assert.Contains("env.log", logs);
        Assert.False(File.Exists(Path.Combine(dir, "genie", "setup_failed.txt")), "no setup failure marker on success");
    }

    [Fact]
    public async Task JobDir_HasEntityDirectories_ForClusterCommandAndApplications()
    {
        var t = GenieServer.NewId("ed");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateApplication("app-" + t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        using (var link = await _s.Post($"/api/v3/commands/cmd-{t}/applications", Json.Arr("app-" + t)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("j"), "'true'", ["c:" + t], [[t]]));
        await _s.WaitFinished(id);
        var dir = _s.JobDir(id);
        Assert.True(Directory.Exists(Path.Combine(dir, "genie", "cluster", "cl-" + t)));
        Assert.True(Directory.Exists(Path.Combine(dir, "genie", "command", "cmd-" + t)));
        Assert.True(Directory.Exists(Path.Combine(dir, "genie", "applications", "app-" + t)));
        var genie = (await _s.GetObject($"/api/v3/jobs/{id}/output/genie"))["directories"]!.AsArray().Select(d => d.Str("name")).ToList();
        Assert.Contains("cluster/", genie);
        Assert.Contains("command/", genie);
        Assert.Contains("applications/", genie);
    }

    [Fact]
    public async Task RunScript_ExportsGenieVariables_AndIsTextPlain()
    {
        var (id, _) = await _s.RunScript("true");
        var run = await _s.GetText($"/api/v3/jobs/{id}/output/run");
        Assert.StartsWith("#!", run);
        foreach (var v in new[] { "GENIE_JOB_DIR", "GENIE_JOB_ID", "GENIE_CLUSTER_ID", "GENIE_COMMAND_ID", "GENIE_VERSION", "GENIE_JOB_MEMORY" })
        {
            Assert.Contains("export " + v, run);
        }

        Assert.Contains(id, run);
    }

    [Fact]
    public async Task Environment_GenieVariables_HaveSpecifiedValues()
    {
        var t = GenieServer.NewId("env");
        await _s.CreateCluster("cl-" + t, t, "a:1");
        await _s.CreateCommand("cmd-" + t, ["c:" + t, "b:2"], [t]);
        var vars = new[]
        {
            "GENIE_JOB_DIR", "GENIE_APPLICATION_DIR", "GENIE_COMMAND_DIR", "GENIE_CLUSTER_DIR", "GENIE_COMMAND_ID", "GENIE_COMMAND_NAME", "GENIE_COMMAND_TAGS",
            "GENIE_CLUSTER_ID", "GENIE_CLUSTER_NAME", "GENIE_CLUSTER_TAGS", "GENIE_JOB_ID", "GENIE_JOB_NAME", "GENIE_JOB_MEMORY", "GENIE_JOB_TAGS",
            "GENIE_JOB_GROUPING", "GENIE_JOB_GROUPING_INSTANCE", "GENIE_REQUESTED_COMMAND_TAGS", "GENIE_REQUESTED_CLUSTER_TAGS",
            "GENIE_REQUESTED_CLUSTER_TAGS_0", "GENIE_REQUESTED_CLUSTER_TAGS_1", "GENIE_VERSION", "GENIE_USER", "GENIE_USER_GROUP",
        };
        var script = string.Concat(vars.Select(v => $"echo \"{v}=${{{v}}}\"; ")) + "echo \"PWD=$(pwd)\"";
        var body = GenieServer.JobBody(GenieServer.NewId("j"), GenieServer.Quote(script), ["c:" + t], [["nomatch-" + t], [t, "a:1"]]);
        body["tags"] = Json.Arr("z:tag", "a:tag");
        body["grouping"] = "grp";
        body["memory"] = 2048;
        body["user"] = "alice";
        body["group"] = "analysts";
        var id = await _s.Submit(body);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        var env = (await _s.GetText($"/api/v3/jobs/{id}/output/stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var jobDir = _s.JobDir(id);
        Assert.Equal(jobDir, env["GENIE_JOB_DIR"]);
        Assert.Equal(jobDir, env["PWD"]);
        Assert.Equal(jobDir + "/genie/applications", env["GENIE_APPLICATION_DIR"]);
        Assert.Equal($"{jobDir}/genie/command/cmd-{t}", env["GENIE_COMMAND_DIR"]);
        Assert.Equal($"{jobDir}/genie/cluster/cl-{t}", env["GENIE_CLUSTER_DIR"]);
        Assert.Equal("cmd-" + t, env["GENIE_COMMAND_ID"]);
        Assert.Equal("cmd-cmd-" + t, env["GENIE_COMMAND_NAME"]);
        Assert.Equal(string.Join(',', new[] { "c:" + t, "b:2" }.OrderBy(x => x, StringComparer.Ordinal)), env["GENIE_COMMAND_TAGS"]);
        Assert.Equal("cl-" + t, env["GENIE_CLUSTER_ID"]);
        Assert.Equal("cl-cl-" + t, env["GENIE_CLUSTER_NAME"]);
        Assert.Equal(string.Join(',', new[] { t, "a:1" }.OrderBy(x => x, StringComparer.Ordinal)), env["GENIE_CLUSTER_TAGS"]);
        Assert.Equal(id, env["GENIE_JOB_ID"]);
        Assert.Equal("job-test", env["GENIE_JOB_NAME"]);
        Assert.Equal("2048", env["GENIE_JOB_MEMORY"]);
        Assert.Equal("a:tag,z:tag", env["GENIE_JOB_TAGS"]);
        Assert.Equal("grp", env["GENIE_JOB_GROUPING"]);
        Assert.Equal("", env["GENIE_JOB_GROUPING_INSTANCE"]);
        Assert.Equal("c:" + t, env["GENIE_REQUESTED_COMMAND_TAGS"]);
        var c1 = string.Join(',', new[] { t, "a:1" }.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal($"[[nomatch-{t}],[{c1}]]", env["GENIE_REQUESTED_CLUSTER_TAGS"]);
        Assert.Equal("nomatch-" + t, env["GENIE_REQUESTED_CLUSTER_TAGS_0"]);
        Assert.Equal(c1, env["GENIE_REQUESTED_CLUSTER_TAGS_1"]);
        Assert.Equal("4", env["GENIE_VERSION"]);
        Assert.Equal("alice", env["GENIE_USER"]);
        Assert.Equal("analysts", env["GENIE_USER_GROUP"]);
    }

    [Fact]
    public async Task EnvLog_DumpsEnvironment()
    {
        var (id, _) = await _s.RunScript("true");
        var envLog = await _s.GetText($"/api/v3/jobs/{id}/output/genie/logs/env.log");
        Assert.Contains("GENIE_JOB_ID=" + id, envLog);
        Assert.Contains("GENIE_VERSION=4", envLog);
    }

    [Fact]
    public async Task SetupFiles_SourcedInOrder_ClusterApplicationsCommandJob_OutputInSetupLog()
    {
        var t = GenieServer.NewId("su");
        var files = _s.NewScratchDir("setup");
        string Setup(string who) => WriteFile(files, who + "-setup.sh", $"echo setup-{who}\necho {who} >> \"$GENIE_JOB_DIR/order.txt\"\nexport FROM_{who.ToUpperInvariant()}={who}-value\n");

        var cluster = GenieServer.ClusterBody("cl-" + t, [t]);
        cluster["setupFile"] = Setup("cluster");
        await _s.CreateAsync("clusters", cluster);
        var app1 = GenieServer.ApplicationBody("app1-" + t);
        app1["setupFile"] = Setup("appone");
        await _s.CreateAsync("applications", app1);
        var app2 = GenieServer.ApplicationBody("app2-" + t);
        app2["setupFile"] = Setup("apptwo");
        await _s.CreateAsync("applications", app2);
        var cmd = GenieServer.CommandBody("cmd-" + t, ["c:" + t], [[t]]);
        cmd["setupFile"] = Setup("command");
        await _s.CreateAsync("commands", cmd);
        using (var link = await _s.Put($"/api/v3/commands/cmd-{t}/applications", Json.Arr("app2-" + t, "app1-" + t)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        var body = GenieServer.JobBody(GenieServer.NewId("j"), GenieServer.Quote("echo \"$FROM_CLUSTER $FROM_APPONE $FROM_APPTWO $FROM_COMMAND $FROM_JOB\""), ["c:" + t], [[t]]);
        body["setupFile"] = Setup("job");
        var id = await _s.Submit(body);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("cluster-value appone-value apptwo-value command-value job-value\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        Assert.Equal("cluster\napptwo\nappone\ncommand\njob\n", await _s.GetText($"/api/v3/jobs/{id}/output/order.txt"));
        var setupLog = await _s.GetText($"/api/v3/jobs/{id}/output/genie/logs/setup.log");
        foreach (var who in new[] { "cluster", "appone", "apptwo", "command", "job" })
        {
            Assert.Contains("setup-" + who, setupLog);
        }

        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "genie_setup.sh")), "G4 stores the job setup file as genie_setup.sh in the job root");
        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "genie", "cluster", "cl-" + t, "genie_setup.sh")), "cluster setup file under genie/cluster/<id>/");
        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "genie", "command", "cmd-" + t, "genie_setup.sh")));
        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "genie", "applications", "app1-" + t, "genie_setup.sh")));
    }

    [Fact]
    public async Task ConfigsAndDependencies_LandInEntityDirs_AndJobRoot()
    {
        var t = GenieServer.NewId("cd");
        var files = _s.NewScratchDir("cfg");
        var cluster = GenieServer.ClusterBody("cl-" + t, [t]);
        cluster["configs"] = Json.Arr(WriteFile(files, "core-site.xml", "<conf/>"));
        cluster["dependencies"] = Json.Arr(WriteFile(files, "cluster-dep.jar", "jar"));
        await _s.CreateAsync("clusters", cluster);
        var cmd = GenieServer.CommandBody("cmd-" + t, ["c:" + t], [[t]]);
        cmd["configs"] = Json.Arr(WriteFile(files, "spark-defaults.conf", "spark.x=1"));
        cmd["dependencies"] = Json.Arr(WriteFile(files, "cmd-dep.tgz", "tgz"));
        await _s.CreateAsync("commands", cmd);
        var app = GenieServer.ApplicationBody("app-" + t);
        app["configs"] = Json.Arr(WriteFile(files, "app.conf", "a=1"));
        app["dependencies"] = Json.Arr(WriteFile(files, "app-dep.zip", "zip"));
        await _s.CreateAsync("applications", app);
        using (var link = await _s.Post($"/api/v3/commands/cmd-{t}/applications", Json.Arr("app-" + t)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        var body = GenieServer.JobBody(GenieServer.NewId("j"), GenieServer.Quote($"cat job-dep.txt job.conf \"$GENIE_CLUSTER_DIR/dependencies/cluster-dep.jar\" \"$GENIE_COMMAND_DIR/dependencies/cmd-dep.tgz\" \"$GENIE_APPLICATION_DIR/app-{t}/dependencies/app-dep.zip\""), ["c:" + t], [[t]]);
        body["dependencies"] = Json.Arr(WriteFile(files, "job-dep.txt", "dep-content\n"));
        body["configs"] = Json.Arr(WriteFile(files, "job.conf", "conf-content\n"));
        var id = await _s.Submit(body);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("dep-content\nconf-content\njartgzzip", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        Assert.Equal("<conf/>", await _s.GetText($"/api/v3/jobs/{id}/output/genie/cluster/cl-{t}/config/core-site.xml"));
        Assert.Equal("spark.x=1", await _s.GetText($"/api/v3/jobs/{id}/output/genie/command/cmd-{t}/config/spark-defaults.conf"));
        Assert.Equal("a=1", await _s.GetText($"/api/v3/jobs/{id}/output/genie/applications/app-{t}/config/app.conf"));
    }

    [Fact]
    public async Task SetupFailure_Failed_SetupLogAndSetupFailedMarker_CommandNeverRuns()
    {
        var t = GenieServer.NewId("sf");
        var files = _s.NewScratchDir("sf");
        var cluster = GenieServer.ClusterBody("cl-" + t, [t]);
        cluster["setupFile"] = WriteFile(files, "bad-setup.sh", "echo about-to-fail-setup\nexit 1\n");
        await _s.CreateAsync("clusters", cluster);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("j"), GenieServer.Quote("echo command-ran > ran.txt"), ["c:" + t], [[t]]));
        var job = await _s.WaitFinished(id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal("Job script failed during setup. See setup log for details", job.Str("statusMsg"));
        Assert.Contains("about-to-fail-setup", await _s.GetText($"/api/v3/jobs/{id}/output/genie/logs/setup.log"));
        using (var marker = await _s.Get($"/api/v3/jobs/{id}/output/genie/setup_failed.txt"))
        {
            await marker.AssertStatus(HttpStatusCode.OK);
        }

        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "genie", "setup_failed.txt")));
        Assert.False(File.Exists(Path.Combine(_s.JobDir(id), "ran.txt")), "the command must not run after a setup failure");
    }

    [Fact]
    public async Task DependencyDownloadFailure_Failed_FailedToDownloadDependencies()
    {
        var id = await _s.SubmitScript("echo should-not-run", mutate: b => b["dependencies"] = Json.Arr("file:///nonexistent/" + Guid.NewGuid().ToString("N") + "/x.jar"));
        var job = await _s.WaitFinished(id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal("Failed to download dependencies", job.Str("statusMsg"));
        using var r = await _s.Get($"/api/v3/jobs/{id}/output/stdout");
        if (r.StatusCode == HttpStatusCode.OK)
        {
            Assert.DoesNotContain("should-not-run", await r.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Kill_JobDirectoryKeepsPartialOutput()
    {
        var id = await _s.SubmitScript("echo before-kill; sleep 30");
        await _s.WaitForText($"/api/v3/jobs/{id}/output/stdout", s => s.Contains("before-kill"));
        using (var r = await _s.Delete("/api/v3/jobs/" + id))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        Assert.Equal("KILLED", (await _s.WaitFinished(id)).Str("status"));
        Assert.Equal("before-kill\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }
}

/// <summary>s3:// dependency download against moto_server (--s3-endpoint).</summary>
public sealed class S3Fixture : IAsyncLifetime
{
    public MotoServer? Moto { get; private set; }
    public GenieServer? Server { get; private set; }
    public string Bucket { get; } = "sheriff-" + Guid.NewGuid().ToString("N")[..10];

    public async Task InitializeAsync()
    {
        Moto = await MotoServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(Moto.Endpoint) };
        using (var r = await http.PutAsync("/" + Bucket, new ByteArrayContent([])))
        {
            r.EnsureSuccessStatusCode();
        }

        foreach (var (key, content) in new[] { ("jobs/input/data.txt", "from-s3\n"), ("conf/app.properties", "k=v\n") })
        {
            using var r = await http.PutAsync($"/{Bucket}/{key}", new StringContent(content, Encoding.UTF8, "text/plain"));
            r.EnsureSuccessStatusCode();
        }

        Server = await GenieServer.StartAsync(["--s3-endpoint", Moto.Endpoint]);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Moto is not null)
        {
            await Moto.DisposeAsync();
        }
    }
}

public class S3DependencyTests(S3Fixture fx) : IClassFixture<S3Fixture>
{
    private readonly GenieServer _s = fx.Server!;

    [Fact]
    public async Task S3Dependency_FetchedFromS3Endpoint_IntoJobDirRoot()
    {
        var id = await _s.SubmitScript("cat data.txt app.properties", mutate: b =>
        {
            b["dependencies"] = Json.Arr($"s3://{fx.Bucket}/jobs/input/data.txt");
            b["configs"] = Json.Arr($"s3://{fx.Bucket}/conf/app.properties");
        });
        var job = await _s.WaitFinished(id);
        Assert.True(job.Str("status") == "SUCCEEDED", job.ToJsonString());
        Assert.Equal("from-s3\nk=v\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        Assert.Equal("from-s3\n", await File.ReadAllTextAsync(Path.Combine(_s.JobDir(id), "data.txt")));
    }

    [Fact]
    public async Task S3Dependency_OnClusterConfig_LandsInClusterConfigDir()
    {
        var t = GenieServer.NewId("s3");
        var cluster = GenieServer.ClusterBody("cl-" + t, [t]);
        cluster["configs"] = Json.Arr($"s3://{fx.Bucket}/conf/app.properties");
        await _s.CreateAsync("clusters", cluster);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("j"), GenieServer.Quote("cat \"$GENIE_CLUSTER_DIR/config/app.properties\""), ["c:" + t], [[t]]));
        var job = await _s.WaitFinished(id);
        Assert.True(job.Str("status") == "SUCCEEDED", job.ToJsonString());
        Assert.Equal("k=v\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task S3Dependency_MissingObject_JobFailed()
    {
        var id = await _s.SubmitScript("echo should-not-run", mutate: b => b["dependencies"] = Json.Arr($"s3://{fx.Bucket}/missing/{Guid.NewGuid():N}.jar"));
        var job = await _s.WaitFinished(id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal("Failed to download dependencies", job.Str("statusMsg"));
    }
}
