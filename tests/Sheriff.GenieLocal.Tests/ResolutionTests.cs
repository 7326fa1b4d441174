using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.5 — synchronous G4 resolution (§9.3), deterministic `first` selector, 412 + persisted FAILED job.</summary>
public class ResolutionTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private static JsonObject Job(string cmdTag, params string[][] clusterCriterias)
        => GenieServer.JobBody(GenieServer.NewId("res"), "'echo resolved'", [cmdTag], clusterCriterias);

    private async Task<JsonObject> SubmitAndGet(JsonObject body)
    {
        var id = await _s.Submit(body);
        return await _s.GetObject("/api/v3/jobs/" + id);
    }

    private async Task<(string Cluster, string Command)> Resolved(JsonObject body)
    {
        var id = await _s.Submit(body);
        var cluster = (await _s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id")!;
        var command = (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id")!;
        return (cluster, command);
    }

    [Fact]
    public async Task Resolution_HappensBefore202_ClusterAndCommandAvailableImmediately()
    {
        var id = await _s.SubmitScript("echo x");
        var job = await _s.GetObject("/api/v3/jobs/" + id);
        Assert.Equal((await _s.GetObject("/api/v3/clusters/local")).Str("name"), job.Str("clusterName"));
        Assert.Equal((await _s.GetObject("/api/v3/commands/shell")).Str("name"), job.Str("commandName"));
        Assert.Equal("local", (await _s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id"));
        Assert.Equal("shell", (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id"));
    }

    [Fact]
    public async Task Resolution_ClusterMustCarryAllCriteriaTags_SupersetMatch()
    {
        var t = GenieServer.NewId("t");
        var partial = await _s.CreateCluster("a-" + t, t);
        var full = await _s.CreateCluster("b-" + t, t, "sla", "extra:1");
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var (cluster, command) = await Resolved(Job("c:" + t, [t, "sla"]));
        Assert.Equal(full, cluster);
        Assert.NotEqual(partial, cluster);
        Assert.Equal("cmd-" + t, command);
    }

    [Fact]
    public async Task Resolution_CommandMustCarryAllCriteriaTags()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateCommand("a-" + t, ["c:" + t], [t]);
        await _s.CreateCommand("b-" + t, ["c:" + t, "ver:2"], [t]);
        var body = GenieServer.JobBody(GenieServer.NewId("res"), "'true'", ["c:" + t, "ver:2"], [[t]]);
        var (_, command) = await Resolved(body);
        Assert.Equal("b-" + t, command);
    }

    [Fact]
    public async Task Resolution_JobNameDenormalized_ClusterNameAndCommandNamePopulated()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var job = await SubmitAndGet(Job("c:" + t, [t]));
        Assert.Equal("cl-cl-" + t, job.Str("clusterName"));
        Assert.Equal("cmd-cmd-" + t, job.Str("commandName"));
    }

    [Fact]
    public async Task Resolution_OnlyUpClustersSelectable()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateAsync("clusters", GenieServer.ClusterBody("a-" + t, [t], "OUT_OF_SERVICE"));
        await _s.CreateAsync("clusters", GenieServer.ClusterBody("b-" + t, [t], "TERMINATED"));
        var up = await _s.CreateCluster("c-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var (cluster, _) = await Resolved(Job("c:" + t, [t]));
        Assert.Equal(up, cluster);
    }

    [Fact]
    public async Task Resolution_NoUpCluster_Returns412_NoClustersAvailable()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateAsync("clusters", GenieServer.ClusterBody("a-" + t, [t], "OUT_OF_SERVICE"));
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        using var r = await _s.Post("/api/v3/jobs", Job("c:" + t, [t]));
        var message = await r.AssertError(HttpStatusCode.PreconditionFailed);
        Assert.Equal("No clusters available to run any candidate command on", message);
    }

    [Fact]
    public async Task Resolution_OnlyActiveCommandsSelectable_DeprecatedAndInactiveSkipped()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateAsync("commands", GenieServer.CommandBody("a-" + t, ["c:" + t], [[t]], "DEPRECATED"));
        await _s.CreateAsync("commands", GenieServer.CommandBody("b-" + t, ["c:" + t], [[t]], "INACTIVE"));
        await _s.CreateCommand("c-" + t, ["c:" + t], [t]);
        var (_, command) = await Resolved(Job("c:" + t, [t]));
        Assert.Equal("c-" + t, command);
    }

    [Fact]
    public async Task Resolution_OnlyDeprecatedCommand_Returns412_NoCommandMatching()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateAsync("commands", GenieServer.CommandBody("a-" + t, ["c:" + t], [[t]], "DEPRECATED"));
        using var r = await _s.Post("/api/v3/jobs", Job("c:" + t, [t]));
        var message = await r.AssertError(HttpStatusCode.PreconditionFailed);
        Assert.Equal("No command matching command criterion found", message);
    }

    [Fact]
    public async Task Resolution_CommandWithoutClusterCriteria_IsNeverSelected()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateAsync("commands", GenieServer.CommandBody("a-" + t, ["c:" + t], []));
        using var r = await _s.Post("/api/v3/jobs", Job("c:" + t, [t]));
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Resolution_NoMatch_Returns412_AndPersistsFailedJob()
    {
        var id = GenieServer.NewId("nomatch");
        var body = GenieServer.JobBody(id, "'true'", ["no-such-" + id]);
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(HttpStatusCode.PreconditionFailed);
        var job = await _s.GetObject("/api/v3/jobs/" + id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal("Failed to resolve job given original request and available resources", job.Str("statusMsg"));
        Assert.Null(job.Str("clusterName"));
        Assert.Null(job.Str("commandName"));
        Assert.Equal("FAILED", (await _s.GetObject($"/api/v3/jobs/{id}/status")).Str("status"));
        Assert.Equal("NO_FILES", (await _s.GetObject($"/api/v3/jobs/{id}/execution")).Str("archiveStatus"));
    }

    [Fact]
    public async Task Resolution_NoMatch_SecondSubmitWithSameId_Returns409()
    {
        var id = GenieServer.NewId("nomatch");
        var body = GenieServer.JobBody(id, "'true'", ["no-such-" + id]);
        using (var r = await _s.Post("/api/v3/jobs", body))
        {
            await r.AssertError(HttpStatusCode.PreconditionFailed);
        }

        using var again = await _s.Post("/api/v3/jobs", body);
        await again.AssertError(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Resolution_NoMatch_ClusterAndCommand404_ApplicationsEmpty_Output404()
    {
        var id = GenieServer.NewId("nomatch");
        using (var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(id, "'true'", ["no-such-" + id])))
        {
            await r.AssertError(HttpStatusCode.PreconditionFailed);
        }

        using (var c = await _s.Get($"/api/v3/jobs/{id}/cluster"))
        {
            await c.AssertError(HttpStatusCode.NotFound);
        }

        using (var c = await _s.Get($"/api/v3/jobs/{id}/command"))
        {
            await c.AssertError(HttpStatusCode.NotFound);
        }

        Assert.Empty((await _s.GetJson($"/api/v3/jobs/{id}/applications")).AsArray());
        using var o = await _s.Get($"/api/v3/jobs/{id}/output");
        Assert.Equal(HttpStatusCode.NotFound, o.StatusCode);
    }

    [Fact]
    public async Task Resolution_G4_CommandCriteriaPriorityIsOuterLoop_JobCriteriasInner()
    {
        // command criteria [x] then [y]; job criterias [p] then [q].
        // merged order: x+p, x+q, y+p, y+q. Only x+q and y+p match something: x+q wins although the job prefers p.
        var t = GenieServer.NewId("t");
        var xq = await _s.CreateCluster("xq-" + t, t, "x", "q");
        await _s.CreateCluster("yp-" + t, t, "y", "p");
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t, "x"], [t, "y"]);
        var (cluster, _) = await Resolved(Job("c:" + t, ["p"], ["q"]));
        Assert.Equal(xq, cluster);
    }

    [Fact]
    public async Task Resolution_JobClusterCriterias_FirstMatchingCriteriaWins_WithinCommandPriority()
    {
        var t = GenieServer.NewId("t");
        var adhoc = await _s.CreateCluster("a-" + t, t, "sched:adhoc");
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var (fallback, _) = await Resolved(Job("c:" + t, ["sched:sla"], ["sched:adhoc"]));
        Assert.Equal(adhoc, fallback);

        var sla = await _s.CreateCluster("z-" + t, t, "sched:sla");
        var (preferred, _) = await Resolved(Job("c:" + t, ["sched:sla"], ["sched:adhoc"]));
        Assert.Equal(sla, preferred);
    }

    [Fact]
    public async Task Resolution_DefaultSelectorFirst_PicksOrdinallySmallestClusterId_Repeatably()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("m-" + t, t);
        await _s.CreateCluster("B-" + t, t);
        await _s.CreateCluster("b-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        for (var i = 0; i < 3; i++)
        {
            var (cluster, _) = await Resolved(Job("c:" + t, [t]));
            Assert.Equal("B-" + t, cluster);
        }
    }

    [Fact]
    public async Task Resolution_DefaultSelectorFirst_PicksOrdinallySmallestCommandId_Repeatably()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateCommand("z-" + t, ["c:" + t], [t]);
        await _s.CreateCommand("a-" + t, ["c:" + t], [t]);
        await _s.CreateCommand("m-" + t, ["c:" + t], [t]);
        for (var i = 0; i < 3; i++)
        {
            var (_, command) = await Resolved(Job("c:" + t, [t]));
            Assert.Equal("a-" + t, command);
        }
    }

    [Fact]
    public async Task Resolution_GenieIdTagInCommandCriteria_PinsCommand()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateCommand("a-" + t, ["c:" + t], [t]);
        await _s.CreateCommand("b-" + t, ["c:" + t], [t]);
        var (_, command) = await Resolved(Job("genie.id:b-" + t, [t]));
        Assert.Equal("b-" + t, command);
    }

    [Fact]
    public async Task Resolution_GenieIdTagInClusterCriteria_PinsCluster()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("a-" + t, t);
        await _s.CreateCluster("b-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var (cluster, _) = await Resolved(Job("c:" + t, ["genie.id:b-" + t]));
        Assert.Equal("b-" + t, cluster);
    }

    [Fact]
    public async Task Resolution_GenieNameTag_PinsByName()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("a-" + t, t);
        await _s.CreateCluster("b-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var (cluster, command) = await Resolved(GenieServer.JobBody(GenieServer.NewId("res"), "'true'", ["genie.name:cmd-cmd-" + t], [["genie.name:cl-b-" + t]]));
        Assert.Equal("b-" + t, cluster);
        Assert.Equal("cmd-" + t, command);
    }

    [Fact]
    public async Task Resolution_GenieIdOfUnknownCommand_Returns412()
    {
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(GenieServer.NewId("res"), "'true'", ["genie.id:" + GenieServer.NewId("ghost")]));
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Resolution_ConflictingScalarCriterionFields_PairSkipped()
    {
        // command criterion pins cluster id a-; the job pins b- via genie.id: -> the merged pair is skipped -> 412
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("a-" + t, t);
        await _s.CreateCluster("b-" + t, t);
        var cmd = GenieServer.CommandBody("cmd-" + t, ["c:" + t], []);
        cmd["clusterCriteria"] = new JsonArray(new JsonObject { ["id"] = "a-" + t, ["tags"] = new JsonArray() });
        await _s.CreateAsync("commands", cmd);
        using var r = await _s.Post("/api/v3/jobs", Job("c:" + t, ["genie.id:b-" + t]));
        await r.AssertError(HttpStatusCode.PreconditionFailed);
        var (cluster, _) = await Resolved(Job("c:" + t, ["genie.id:a-" + t]));
        Assert.Equal("a-" + t, cluster);
    }

    [Fact]
    public async Task Resolution_Applications_DefaultToCommandOrder_RequestOverrides()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        var a1 = await _s.CreateApplication("z-app-" + t);
        var a2 = await _s.CreateApplication("a-app-" + t);
        var a3 = await _s.CreateApplication("m-app-" + t);
        var cmd = await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        using (var link = await _s.Put($"/api/v3/commands/{cmd}/applications", Json.Arr(a1, a2)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        var id1 = await _s.Submit(Job("c:" + t, [t]));
        var apps1 = (await _s.GetJson($"/api/v3/jobs/{id1}/applications")).AsArray().Select(x => x.Str("id")).ToList();
        Assert.Equal([a1, a2], apps1);

        var body = Job("c:" + t, [t]);
        body["applications"] = Json.Arr(a3, a1);
        var id2 = await _s.Submit(body);
        var apps2 = (await _s.GetJson($"/api/v3/jobs/{id2}/applications")).AsArray().Select(x => x.Str("id")).ToList();
        Assert.Equal([a3, a1], apps2);
    }

    [Fact]
    public async Task Resolution_Memory_RequestThenCommandThenDefault1500()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        var cmd = GenieServer.CommandBody("cmd-" + t, ["c:" + t], [[t]]);
        cmd["memory"] = 777;
        await _s.CreateAsync("commands", cmd);

        var fromCommand = await _s.Submit(Job("c:" + t, [t]));
        Assert.Equal(777, (await _s.GetObject($"/api/v3/jobs/{fromCommand}/execution"))["memory"]!.GetValue<int>());

        var explicitBody = Job("c:" + t, [t]);
        explicitBody["memory"] = 1234;
        var fromRequest = await _s.Submit(explicitBody);
        Assert.Equal(1234, (await _s.GetObject($"/api/v3/jobs/{fromRequest}/execution"))["memory"]!.GetValue<int>());

        var fallback = await _s.SubmitScript("true");
        Assert.Equal(1500, (await _s.GetObject($"/api/v3/jobs/{fallback}/execution"))["memory"]!.GetValue<int>());
    }

    [Fact]
    public async Task Resolution_DefaultTimeout_Is604800Seconds_AfterStart()
    {
        var id = await _s.SubmitScript("echo t");
        var job = await _s.WaitFinished(id);
        var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
        Assert.Equal(job.Time("started").AddSeconds(604800), exec.Time("timeout"));
    }

    [Fact]
    public async Task Resolution_ExplicitTimeout_ExecutionTimeoutIsStartedPlusTimeout()
    {
        var id = await _s.SubmitScript("echo t", mutate: b => b["timeout"] = 3600);
        var job = await _s.WaitFinished(id);
        var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
        Assert.Equal(job.Time("started").AddSeconds(3600), exec.Time("timeout"));
    }
}
