using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.15 in G4 mode: cluster↔command endpoints are no-ops.</summary>
public class ClusterCommandNoOpTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task ClusterCommands_G4_AllMutationsAre204NoOps_GetAlwaysEmpty()
    {
        var t = GenieServer.NewId("noop");
        var cl = await _s.CreateCluster("cl-" + t, t);
        var cmd = await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var path = $"/api/v3/clusters/{cl}/commands";
        foreach (var call in new Func<Task<HttpResponseMessage>>[]
        {
            () => _s.Post(path, Json.Arr(cmd)),
            () => _s.Put(path, Json.Arr(cmd)),
            () => _s.Delete($"{path}/{cmd}"),
            () => _s.Delete(path),
        })
        {
            using (var r = await call())
            {
                await r.AssertStatus(HttpStatusCode.NoContent);
            }

            using var g = await _s.Get(path);
            await g.AssertStatus(HttpStatusCode.OK);
            Assert.Empty(Assert.IsType<JsonArray>(await g.ReadJson()));
        }
    }

    [Fact]
    public async Task ClusterCommands_G4_PostNonexistentCommand_StillNoOp204()
    {
        var cl = await _s.CreateCluster(GenieServer.NewId("noop"));
        using var r = await _s.Post($"/api/v3/clusters/{cl}/commands", Json.Arr(GenieServer.NewId("ghost")));
        await r.AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ClusterCommands_G4_UnknownCluster_Get404()
    {
        using var r = await _s.Get($"/api/v3/clusters/{GenieServer.NewId("ghost")}/commands");
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ClusterCommands_G4_LinkingDoesNotAffectResolution()
    {
        var t = GenieServer.NewId("noop");
        var cl = await _s.CreateCluster("cl-" + t, t);
        var cmd = await _s.CreateAsync("commands", GenieServer.CommandBody("cmd-" + t, ["c:" + t], []));
        using (var r = await _s.Post($"/api/v3/clusters/{cl}/commands", Json.Arr(cmd)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        using var s = await _s.Post("/api/v3/jobs", GenieServer.JobBody(GenieServer.NewId("j"), "'true'", ["c:" + t], [[t]]));
        await s.AssertError(HttpStatusCode.PreconditionFailed);
    }
}

/// <summary>§13.15 and the G3 rows of §11: a server started with --generation 3.</summary>
public class Generation3Tests(Generation3ServerFixture fx) : IClassFixture<Generation3ServerFixture>
{
    private static readonly string[] G4OnlyStatuses = ["RESERVED", "RESOLVED", "ACCEPTED", "CLAIMED"];
    private readonly GenieServer _s = fx.Server;

    private static JsonObject G3Command(string id, params string[] tags)
        => new()
        {
            ["id"] = id,
            ["name"] = "cmd-" + id,
            ["user"] = "tester",
            ["version"] = "1.0",
            ["status"] = "ACTIVE",
            ["tags"] = Json.Arr(tags),
            ["executable"] = "bash -c",
            ["checkDelay"] = 500,
        };

    private async Task<(string Cluster, string Command)> Setup(string t, int commands = 1)
    {
        var cl = await _s.CreateCluster("cl-" + t, t);
        var ids = new List<string>();
        for (var i = 0; i < commands; i++)
        {
            ids.Add(await _s.CreateAsync("commands", G3Command($"cmd{i}-{t}", "c:" + t)));
        }

        using var r = await _s.Post($"/api/v3/clusters/{cl}/commands", Json.Arr(ids));
        await r.AssertStatus(HttpStatusCode.NoContent);
        return (cl, ids[0]);
    }

    private Task<string> Submit(string t, string script, Action<JsonObject>? mutate = null)
    {
        var body = GenieServer.JobBody(GenieServer.NewId("g3"), GenieServer.Quote(script), ["c:" + t], [[t]]);
        mutate?.Invoke(body);
        return _s.Submit(body);
    }

    [Fact]
    public async Task G3_ClusterCommands_OrderedList_PostAppends_PutReplaces_DeleteOne_DeleteAll()
    {
        var t = GenieServer.NewId("g3");
        var cl = await _s.CreateCluster("cl-" + t, t);
        var a = await _s.CreateAsync("commands", G3Command("a-" + t));
        var b = await _s.CreateAsync("commands", G3Command("b-" + t));
        var c = await _s.CreateAsync("commands", G3Command("c-" + t));
        var path = $"/api/v3/clusters/{cl}/commands";
        async Task<List<string>> List() => (await _s.GetJson(path)).AsArray().Select(x => x.Str("id")!).ToList();

        using (var r = await _s.Post(path, Json.Arr(c, a)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        using (var r = await _s.Post(path, Json.Arr(b)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([c, a, b], await List());
        using (var r = await _s.Put(path, Json.Arr(b, c)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([b, c], await List());
        using (var r = await _s.Delete($"{path}/{b}"))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([c], await List());
        using (var r = await _s.Delete(path))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Empty(await List());
    }

    [Fact]
    public async Task G3_ClusterCommands_PostUnknownCommand_Returns412()
    {
        var cl = await _s.CreateCluster(GenieServer.NewId("g3"));
        using var r = await _s.Post($"/api/v3/clusters/{cl}/commands", Json.Arr(GenieServer.NewId("ghost")));
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task G3_Resolution_FirstCommandInClustersListWins_ReorderChangesIt()
    {
        var t = GenieServer.NewId("g3");
        var cl = await _s.CreateCluster("cl-" + t, t);
        var a = await _s.CreateAsync("commands", G3Command("a-" + t, "c:" + t));
        var z = await _s.CreateAsync("commands", G3Command("z-" + t, "c:" + t));
        using (var r = await _s.Put($"/api/v3/clusters/{cl}/commands", Json.Arr(z, a)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        var j1 = await Submit(t, "true");
        Assert.Equal(z, (await _s.GetObject($"/api/v3/jobs/{j1}/command")).Str("id"));
        using (var r = await _s.Put($"/api/v3/clusters/{cl}/commands", Json.Arr(a, z)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        var j2 = await Submit(t, "true");
        Assert.Equal(a, (await _s.GetObject($"/api/v3/jobs/{j2}/command")).Str("id"));
    }

    [Fact]
    public async Task G3_Resolution_ClusterWithoutLinkedMatchingCommand_IsSkipped_FallbackCriteria()
    {
        var t = GenieServer.NewId("g3");
        await _s.CreateCluster("sla-" + t, t, "sched:sla");
        var adhoc = await _s.CreateCluster("adhoc-" + t, t, "sched:adhoc");
        var cmd = await _s.CreateAsync("commands", G3Command("cmd-" + t, "c:" + t));
        using (var r = await _s.Post($"/api/v3/clusters/{adhoc}/commands", Json.Arr(cmd)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("g3"), "'true'", ["c:" + t], [[t, "sched:sla"], [t, "sched:adhoc"]]));
        Assert.Equal(adhoc, (await _s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id"));
    }

    [Fact]
    public async Task G3_NoMatch_Returns412_WithG3Message_JobFailed()
    {
        var id = GenieServer.NewId("g3");
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(id, "'true'", ["no-such-" + id]));
        var message = await r.AssertError(HttpStatusCode.PreconditionFailed);
        Assert.Equal("No cluster/command combination found for the given criteria. Unable to continue", message);
        Assert.Equal("FAILED", await _s.Status(id));
    }

    [Fact]
    public async Task G3_ErrorBody_IsSpringBootStyle()
    {
        var id = GenieServer.NewId("ghost");
        using var r = await _s.Get("/api/v3/jobs/" + id);
        await r.AssertError(HttpStatusCode.NotFound);
        var body = Assert.IsType<JsonObject>(await r.ReadJson());
        foreach (var k in new[] { "timestamp", "status", "error", "message", "path" })
        {
            Assert.True(body.ContainsKey(k), $"G3 error body lacks {k}: {body.ToJsonString()}");
        }

        Assert.Equal(404, body["status"]!.GetValue<int>());
        Assert.Equal("Not Found", body.Str("error"));
        Assert.Equal("/api/v3/jobs/" + id, body.Str("path"));
    }

    [Fact]
    public async Task G3_Lifecycle_StartsInInit_NeverG4OnlyStatuses_Succeeds()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "sleep 1; echo g3");
        var seen = new List<string>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            var st = await _s.Status(id);
            seen.Add(st);
            if (GenieServer.FinishedStatuses.Contains(st))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Contains(seen[0], new[] { "INIT", "RUNNING", "SUCCEEDED" });
        Assert.DoesNotContain(seen, s => G4OnlyStatuses.Contains(s));
        Assert.Equal("SUCCEEDED", seen[^1]);
        Assert.Equal("g3\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task G3_Timestamps_AlwaysThreeFractionDigits()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "true");
        var job = await _s.WaitFinished(id);
        foreach (var f in new[] { "created", "updated", "started", "finished" })
        {
            Assert.Matches(Json.G3Timestamp, job.Str(f)!);
        }

        for (var i = 0; i < 10; i++)
        {
            var cl = await _s.GetObject("/api/v3/clusters/" + await _s.CreateCluster(GenieServer.NewId("ts")));
            Assert.Matches(Json.G3Timestamp, cl.Str("created")!);
        }
    }

    [Fact]
    public async Task G3_MissingStatusOnCreate_DefaultsOutOfServiceOrInactive()
    {
        var cl = GenieServer.ClusterBody(GenieServer.NewId("g3"), []);
        cl.Remove("status");
        var clId = await _s.CreateAsync("clusters", cl);
        Assert.Equal("OUT_OF_SERVICE", (await _s.GetObject("/api/v3/clusters/" + clId)).Str("status"));
        var cmd = G3Command(GenieServer.NewId("g3"));
        cmd.Remove("status");
        var cmdId = await _s.CreateAsync("commands", cmd);
        Assert.Equal("INACTIVE", (await _s.GetObject("/api/v3/commands/" + cmdId)).Str("status"));
        var app = GenieServer.ApplicationBody(GenieServer.NewId("g3"));
        app.Remove("status");
        var appId = await _s.CreateAsync("applications", app);
        Assert.Equal("INACTIVE", (await _s.GetObject("/api/v3/applications/" + appId)).Str("status"));
    }

    [Fact]
    public async Task G3_CommandWithoutCheckDelay_Returns412()
    {
        var cmd = G3Command(GenieServer.NewId("g3"));
        cmd.Remove("checkDelay");
        using var r = await _s.Post("/api/v3/commands", cmd);
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task G3_Execution_ProcessIdCheckDelayExitCodeFilled()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "exit 0");
        await _s.WaitFinished(id);
        var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
        Assert.True(exec["processId"]!.GetValue<int>() > 0);
        Assert.Equal(500, exec["checkDelay"]!.GetValue<long>());
        Assert.Equal(0, exec["exitCode"]!.GetValue<int>());
        Assert.False(exec.Has("archiveStatus"), "archiveStatus is absent in G3");
    }

    [Fact]
    public async Task G3_Execution_ExitCodeOfFailedJob()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "exit 7");
        var job = await _s.WaitFinished(id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal(7, (await _s.GetObject($"/api/v3/jobs/{id}/execution"))["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task G3_Request_IdCreatedUpdatedFilled()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(null, "'true'", ["c:" + t], [[t]]));
        await r.AssertStatus(HttpStatusCode.Accepted);
        var id = r.Headers.Location!.AbsolutePath.Split('/').Last();
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        Assert.Equal(id, req.Str("id"));
        Assert.NotNull(req.Str("created"));
        Assert.NotNull(req.Str("updated"));
    }

    [Fact]
    public async Task G3_DisableLogArchival_Honoured_ArchiveLocationNull_OtherwiseTarGz()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var off = await Submit(t, "true", b => b["disableLogArchival"] = true);
        var on = await Submit(t, "true");
        var offJob = await _s.WaitFinished(off);
        var onJob = await _s.WaitFinished(on);
        Assert.True(offJob.Has("archiveLocation") && offJob["archiveLocation"] is null);
        Assert.EndsWith(on + ".tar.gz", onJob.Str("archiveLocation"));
        Assert.True((await _s.GetObject($"/api/v3/jobs/{off}/request"))["disableLogArchival"]!.GetValue<bool>());
    }

    [Fact]
    public async Task G3_CommandArgs_RunsOfSpacesCollapse()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var body = GenieServer.JobBody(GenieServer.NewId("g3"), "'echo   spaced'   x", ["c:" + t], [[t]]);
        var id = await _s.Submit(body);
        Assert.Equal("'echo spaced' x", (await _s.GetObject($"/api/v3/jobs/{id}/request")).Str("commandArgs"));
    }

    [Fact]
    public async Task G3_Environment_GenieVersion3()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "echo \"$GENIE_VERSION\"");
        await _s.WaitFinished(id);
        Assert.Equal("3\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task G3_OutputListing_ParentDotDot_DirUrlsEndWithSlash_DirSizeZero()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "true");
        await _s.WaitFinished(id);
        var root = await _s.GetObject($"/api/v3/jobs/{id}/output");
        var genie = root["directories"]!.AsArray().Single(d => d.Str("name") == "genie/")!;
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{id}/output/genie/", genie.Str("url"));
        Assert.Equal(0, genie["size"]!.GetValue<long>());
        var sub = await _s.GetObject($"/api/v3/jobs/{id}/output/genie/");
        var parent = Assert.IsType<JsonObject>(sub["parent"]);
        Assert.Equal("../", parent.Str("name"));
        Assert.Equal(0, parent["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task G3_Range416_ContentRangeIsBytesStarSlashLength()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "printf 'hello world\\n'");
        await _s.WaitFinished(id);
        using var r = await _s.Get($"/api/v3/jobs/{id}/output/stdout", configure: m => m.Headers.TryAddWithoutValidation("Range", "bytes=12-"));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, r.StatusCode);
        Assert.Equal(0, r.Content.Headers.ContentLength);
        Assert.True(r.Content.Headers.TryGetValues("Content-Range", out var values));
        Assert.Equal("bytes */12", Assert.Single(values));
    }

    [Fact]
    public async Task G3_KillRunning_KilledWithExitCode999()
    {
        var t = GenieServer.NewId("g3");
        await Setup(t);
        var id = await Submit(t, "sleep 30");
        await _s.WaitStatus(id, "RUNNING");
        using (var r = await _s.Delete("/api/v3/jobs/" + id))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        var job = await _s.WaitFinished(id);
        Assert.Equal("KILLED", job.Str("status"));
        Assert.Equal("Job was killed by user.", job.Str("statusMsg"));
        Assert.Equal(999, (await _s.GetObject($"/api/v3/jobs/{id}/execution"))["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task G3_GenieTags_StoredPhysically_ProtectedFromRemoval()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("g3"), "own");
        Assert.Contains("genie.id:" + id, (await _s.GetObject("/api/v3/clusters/" + id)).Strs("tags"));
        using (var r = await _s.Delete($"/api/v3/clusters/{id}/tags/genie.id:{id}"))
        {
            Assert.True((int)r.StatusCode is 204 or 412, $"got {(int)r.StatusCode}");
        }

        Assert.Contains("genie.id:" + id, (await _s.GetObject("/api/v3/clusters/" + id)).Strs("tags"));
    }
}
