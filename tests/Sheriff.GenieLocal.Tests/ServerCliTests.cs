using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>The sheriff-genie-local CLI contract: LISTENING line, ping, bind refusal, token, seeds, selector, restart recovery.</summary>
public class ServerCliTests
{
    [Fact]
    public async Task Start_PortZero_PrintsListeningLine_AndAnswersPing()
    {
        await using var s = await GenieServer.StartAsync();
        Assert.Matches(new Regex(@"^http://127\.0\.0\.1:\d+/$"), s.BaseUri.ToString());
        Assert.NotEqual(0, s.BaseUri.Port);
        using var r = await s.Get("/genielocal/ping");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("pong", (await r.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Start_TwoServersOnPortZero_GetDifferentPorts()
    {
        await using var a = await GenieServer.StartAsync();
        await using var b = await GenieServer.StartAsync();
        Assert.NotEqual(a.BaseUri.Port, b.BaseUri.Port);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    public async Task Bind_NonLoopbackWithoutToken_ExitsWithCode2(string address)
    {
        var dir = GenieServer.NewTempDir("bind");
        using var p = Process.Start(GenieServer.StartInfo(["--port", "0", "--bind", address, "--data-dir", dir]))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("server bound to a non-loopback address without --token instead of exiting");
        }

        Assert.Equal(2, p.ExitCode);
        Assert.DoesNotContain("LISTENING", await stdout);
        _ = await stderr;
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Bind_NonLoopbackWithToken_Starts()
    {
        await using var s = await GenieServer.StartAsync(["--bind", "0.0.0.0"], token: "tok-" + Guid.NewGuid().ToString("N"));
        using var r = await s.Get("/api/v3");
        await r.AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_RequiredOnEveryRequest_401WithoutOrWrong_200WithBearer()
    {
        var token = "secret-" + Guid.NewGuid().ToString("N");
        await using var s = await GenieServer.StartAsync(token: token);
        using var anon = s.NewClient();
        using var wrong = s.NewClient("not-" + token);
        foreach (var path in new[] { "/api/v3", "/api/v3/clusters", "/api/v3/jobs/x/status", "/genielocal/ping" })
        {
            using var r1 = await anon.GetAsync(path);
            Assert.True(r1.StatusCode == HttpStatusCode.Unauthorized, $"{path} without token -> {(int)r1.StatusCode}");
            using var r2 = await wrong.GetAsync(path);
            Assert.True(r2.StatusCode == HttpStatusCode.Unauthorized, $"{path} with wrong token -> {(int)r2.StatusCode}");
        }

        using (var post = await anon.PostAsync("/api/v3/jobs", Json.Content(GenieServer.JobBody(null, "'true'"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        }

        using var basic = s.NewClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        using (var r = await basic.GetAsync("/api/v3"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using var ok = await s.Get("/api/v3");
        await ok.AssertStatus(HttpStatusCode.OK);
        var (id, stdout) = await s.RunScript("echo authed");
        Assert.Equal("authed\n", stdout);
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task DefaultSeed_LocalClusterAndShellCommand()
    {
        await using var s = await GenieServer.StartAsync();
        var cl = await s.GetObject("/api/v3/clusters/local");
        Assert.Equal("UP", cl.Str("status"));
        Assert.Contains("sched:adhoc", cl.Strs("tags"));
        Assert.Contains("type:local", cl.Strs("tags"));
        var cmd = await s.GetObject("/api/v3/commands/shell");
        Assert.Equal("ACTIVE", cmd.Str("status"));
        Assert.Contains("type:shell", cmd.Strs("tags"));
        Assert.Equal(["bash", "-c"], cmd.Strs("executableAndArguments"));
        Assert.Equal(["type:local"], cmd["clusterCriteria"]![0].Strs("tags"));
        var (_, stdout) = await s.RunScript("echo hello");
        Assert.Equal("hello\n", stdout);
    }

    [Fact]
    public async Task Generation3_DefaultSeed_ServerStarts_AndServesSeedResources()
    {
        await using var s = await GenieServer.StartAsync(["--generation", "3"]);
        Assert.Equal("UP", (await s.GetObject("/api/v3/clusters/local")).Str("status"));
        Assert.Equal("ACTIVE", (await s.GetObject("/api/v3/commands/shell")).Str("status"));
    }

    [Fact]
    public async Task NoDefaultSeed_NoLocalCluster_ShellJobsDoNotResolve()
    {
        await using var s = await GenieServer.StartAsync(["--no-default-seed"]);
        using (var r = await s.Get("/api/v3/clusters/local"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        using var submit = await s.Post("/api/v3/jobs", GenieServer.JobBody(null, "'true'"));
        await submit.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task SeedFile_LoadsApplicationsClustersCommands_InsteadOfDefaultSeed()
    {
        var dir = GenieServer.NewTempDir("seed");
        var seed = new JsonObject
        {
            ["applications"] = new JsonArray(GenieServer.ApplicationBody("seed-app")),
            ["clusters"] = new JsonArray(GenieServer.ClusterBody("seed-cluster", ["sched:sla", "type:seeded"])),
            ["commands"] = new JsonArray(GenieServer.CommandBody("seed-cmd", ["type:seeded-cmd"], [["type:seeded"]])),
        };
        var seedFile = Path.Combine(dir, "seed.json");
        await File.WriteAllTextAsync(seedFile, seed.ToJsonString());
        await using var s = await GenieServer.StartAsync(["--seed", seedFile]);
        Directory.Delete(dir, recursive: true); // read at start-up only
        await s.GetObject("/api/v3/applications/seed-app");
        await s.GetObject("/api/v3/clusters/seed-cluster");
        await s.GetObject("/api/v3/commands/seed-cmd");
        using (var r = await s.Get("/api/v3/clusters/local"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        var id = await s.Submit(GenieServer.JobBody(null, "'echo seeded'", ["type:seeded-cmd"], [["sched:sla"]]));
        var job = await s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("cl-seed-cluster", job.Str("clusterName"));
    }

    [Fact]
    public async Task ClaimDelay_JobStaysAccepted_ThenRuns()
    {
        await using var s = await GenieServer.StartAsync(["--claim-delay", "1500"]);
        var id = await s.SubmitScript("echo delayed");
        Assert.Equal("ACCEPTED", await s.Status(id));
        await Task.Delay(500);
        Assert.Equal("ACCEPTED", await s.Status(id));
        var job = await s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.True(job.Time("started") - job.Time("created") >= TimeSpan.FromMilliseconds(1400), $"claimed too early: {job.ToJsonString()}");
    }

    [Fact]
    public async Task DeleteAll_Collections_Return204_ApplicationsInUse400()
    {
        await using var s = await GenieServer.StartAsync();
        var app = await s.CreateApplication(GenieServer.NewId("app"));
        var cmd = await s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["nothing"]);
        await s.CreateCluster(GenieServer.NewId("cl"), "x");
        using (var link = await s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(app)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        using (var r = await s.Delete("/api/v3/applications"))
        {
            await r.AssertError(HttpStatusCode.BadRequest);
        }

        await s.GetObject("/api/v3/applications/" + app);
        foreach (var collection in new[] { "commands", "applications", "clusters" })
        {
            using (var r = await s.Delete("/api/v3/" + collection))
            {
                await r.AssertStatus(HttpStatusCode.NoContent);
            }

            Assert.False((await s.GetObject("/api/v3/" + collection)).Has("_embedded"), $"{collection} not emptied");
        }
    }

    [Fact]
    public async Task SelectorRandom_SpreadsOverMatchingClusters()
    {
        await using var s = await GenieServer.StartAsync(["--selector", "random"]);
        var t = GenieServer.NewId("rnd");
        await s.CreateCluster("a-" + t, t);
        await s.CreateCluster("b-" + t, t);
        await s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var seen = new HashSet<string>();
        for (var i = 0; i < 24 && seen.Count < 2; i++)
        {
            var id = await s.Submit(GenieServer.JobBody(GenieServer.NewId("r"), "'true'", ["c:" + t], [[t]]));
            seen.Add((await s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id")!);
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task Restart_SameDataDir_ResourcesAndFinishedJobsSurvive()
    {
        var s = await GenieServer.StartAsync();
        try
        {
            var cl = await s.CreateCluster(GenieServer.NewId("keep"), "persist");
            var (jobId, _) = await s.RunScript("echo persisted");
            var before = await s.GetObject("/api/v3/jobs/" + jobId);
            s = await s.RestartAsync();
            Assert.Contains("persist", (await s.GetObject("/api/v3/clusters/" + cl)).Strs("tags"));
            var after = await s.GetObject("/api/v3/jobs/" + jobId);
            Assert.Equal("SUCCEEDED", after.Str("status"));
            Assert.Equal(before.Str("finished"), after.Str("finished"));
            Assert.Equal("persisted\n", await s.GetText($"/api/v3/jobs/{jobId}/output/stdout"));
            using var dup = await s.Post("/api/v3/jobs", GenieServer.JobBody(jobId, "'true'"));
            await dup.AssertError(HttpStatusCode.Conflict);
        }
        finally
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_AfterCrashWhileRunning_JobMarkedFailed_OtherRecordsIntact()
    {
        var s = await GenieServer.StartAsync(["--max-running", "1"]);
        try
        {
            var cl = await s.CreateCluster(GenieServer.NewId("keep"), "persist");
            var (doneId, _) = await s.RunScript("echo done-before-crash");
            var running = await s.SubmitScript("echo started; sleep 60");
            await s.WaitStatus(running, "RUNNING");
            var queued = await s.SubmitScript("echo requeued-ran");
            Assert.Equal("ACCEPTED", await s.Status(queued));

            s = await s.RestartAsync();

            var crashed = await s.GetObject("/api/v3/jobs/" + running);
            Assert.Equal("FAILED", crashed.Str("status"));
            Assert.Equal("Job was running when GenieLocal stopped; marked FAILED on restart.", crashed.Str("statusMsg"));
            Assert.NotNull(crashed.Str("finished"));

            var requeued = await s.WaitFinished(queued);
            Assert.Equal("SUCCEEDED", requeued.Str("status"));
            Assert.Equal("requeued-ran\n", await s.GetText($"/api/v3/jobs/{queued}/output/stdout"));

            Assert.Equal("SUCCEEDED", await s.Status(doneId));
            Assert.Equal("done-before-crash\n", await s.GetText($"/api/v3/jobs/{doneId}/output/stdout"));
            Assert.Contains("persist", (await s.GetObject("/api/v3/clusters/" + cl)).Strs("tags"));
            Assert.Equal("started\n", await s.GetText($"/api/v3/jobs/{running}/output/stdout"));
        }
        finally
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_NewJobsRunAfterRecovery()
    {
        var s = await GenieServer.StartAsync();
        try
        {
            await s.RunScript("true");
            s = await s.RestartAsync();
            var (_, stdout) = await s.RunScript("echo after-restart");
            Assert.Equal("after-restart\n", stdout);
        }
        finally
        {
            await s.DisposeAsync();
        }
    }
}
