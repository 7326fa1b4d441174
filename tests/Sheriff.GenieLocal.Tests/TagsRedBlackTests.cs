using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.14 — tag edits and status changes immediately change resolution of later submissions (red/black swap, §9.4).</summary>
public class TagsRedBlackTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private async Task<string> ClusterOf(string t, params string[][] criterias)
    {
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("rb"), "'true'", ["c:" + t], criterias));
        return (await _s.GetObject($"/api/v3/jobs/{id}/cluster")).Str("id")!;
    }

    private async Task Ok(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.NoContent)
    {
        using var r = await call;
        await r.AssertStatus(expected);
    }

    [Fact]
    public async Task RedBlack_MoveSlaTagBetweenClusters_NewSubmissionsFollow_AndRollBack()
    {
        var t = GenieServer.NewId("rb");
        var sla = "sched:sla-" + t;
        var blue = await _s.CreateCluster("blue-" + t, t, sla);
        var green = await _s.CreateCluster("green-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        Assert.Equal(blue, await ClusterOf(t, [sla, t]));

        await Ok(_s.Post($"/api/v3/clusters/{green}/tags", Json.Arr(sla)));
        await Ok(_s.Delete($"/api/v3/clusters/{blue}/tags/{sla}"));
        Assert.Equal(green, await ClusterOf(t, [sla, t]));

        await Ok(_s.Post($"/api/v3/clusters/{blue}/tags", Json.Arr(sla)));
        await Ok(_s.Delete($"/api/v3/clusters/{green}/tags/{sla}"));
        Assert.Equal(blue, await ClusterOf(t, [sla, t]));
    }

    [Fact]
    public async Task RedBlack_RunningJobIsUntouchedBySwap()
    {
        var t = GenieServer.NewId("rb");
        var sla = "sched:sla-" + t;
        var blue = await _s.CreateCluster("blue-" + t, t, sla);
        var green = await _s.CreateCluster("green-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var running = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("rb"), GenieServer.Quote("sleep 1.5; echo \"$GENIE_CLUSTER_ID\""), ["c:" + t], [[sla]]));
        await _s.WaitStatus(running, "RUNNING");
        await Ok(_s.Post($"/api/v3/clusters/{green}/tags", Json.Arr(sla)));
        await Ok(_s.Delete($"/api/v3/clusters/{blue}/tags/{sla}"));
        Assert.Equal(green, await ClusterOf(t, [sla]));
        var job = await _s.WaitFinished(running);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("cl-" + blue, job.Str("clusterName"));
        Assert.Equal(blue + "\n", await _s.GetText($"/api/v3/jobs/{running}/output/stdout"));
    }

    [Fact]
    public async Task PutTags_ReplacesTagSet_ChangesResolution()
    {
        var t = GenieServer.NewId("pt");
        var a = await _s.CreateCluster("a-" + t, t, "pool:x");
        var b = await _s.CreateCluster("b-" + t, t, "pool:y");
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        Assert.Equal(a, await ClusterOf(t, ["pool:x"]));
        await Ok(_s.Put($"/api/v3/clusters/{a}/tags", Json.Arr(t, "pool:y")));
        await Ok(_s.Put($"/api/v3/clusters/{b}/tags", Json.Arr(t, "pool:x")));
        Assert.Equal(b, await ClusterOf(t, ["pool:x"]));
    }

    [Fact]
    public async Task DeleteAllTags_ClusterNoLongerMatches()
    {
        var t = GenieServer.NewId("dt");
        var a = await _s.CreateCluster("a-" + t, t);
        var b = await _s.CreateCluster("b-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        Assert.Equal(a, await ClusterOf(t, [t]));
        await Ok(_s.Delete($"/api/v3/clusters/{a}/tags"));
        Assert.Equal(b, await ClusterOf(t, [t]));
        var tags = (await _s.GetJson($"/api/v3/clusters/{a}/tags")).AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.DoesNotContain(t, tags);
    }

    [Theory]
    [InlineData("OUT_OF_SERVICE")]
    [InlineData("TERMINATED")]
    public async Task ClusterStatusChange_NonUpExcluded_BackToUpIncluded(string status)
    {
        var t = GenieServer.NewId("cs");
        var a = await _s.CreateCluster("a-" + t, t);
        var b = await _s.CreateCluster("b-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        Assert.Equal(a, await ClusterOf(t, [t]));
        await Ok(_s.Patch($"/api/v3/clusters/{a}", new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/status", ["value"] = status })));
        Assert.Equal(b, await ClusterOf(t, [t]));
        await Ok(_s.Patch($"/api/v3/clusters/{a}", new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/status", ["value"] = "UP" })));
        Assert.Equal(a, await ClusterOf(t, [t]));
    }

    [Fact]
    public async Task ClusterStatusChangeViaPut_OutOfService_AllExcluded_Returns412()
    {
        var t = GenieServer.NewId("cs");
        var a = await _s.CreateCluster("a-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        await Ok(_s.Put($"/api/v3/clusters/{a}", GenieServer.ClusterBody(a, [t], "OUT_OF_SERVICE")));
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(GenieServer.NewId("rb"), "'true'", ["c:" + t], [[t]]));
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task CommandTagEdit_MovesVersionTag_ChangesCommandSelection()
    {
        var t = GenieServer.NewId("ct");
        await _s.CreateCluster("cl-" + t, t);
        var v1 = await _s.CreateCommand("a-" + t, ["c:" + t, "ver:default"], [t]);
        var v2 = await _s.CreateCommand("b-" + t, ["c:" + t], [t]);
        async Task<string> CommandOf()
        {
            var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("ct"), "'true'", ["c:" + t, "ver:default"], [[t]]));
            return (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id")!;
        }

        Assert.Equal(v1, await CommandOf());
        await Ok(_s.Post($"/api/v3/commands/{v2}/tags", Json.Arr("ver:default")));
        await Ok(_s.Delete($"/api/v3/commands/{v1}/tags/ver:default"));
        Assert.Equal(v2, await CommandOf());
    }

    [Fact]
    public async Task CommandStatusChange_Deprecated_NoLongerSelected()
    {
        var t = GenieServer.NewId("cd");
        await _s.CreateCluster("cl-" + t, t);
        var a = await _s.CreateCommand("a-" + t, ["c:" + t], [t]);
        var b = await _s.CreateCommand("b-" + t, ["c:" + t], [t]);
        await Ok(_s.Patch($"/api/v3/commands/{a}", new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/status", ["value"] = "DEPRECATED" })));
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("cd"), "'true'", ["c:" + t], [[t]]));
        Assert.Equal(b, (await _s.GetObject($"/api/v3/jobs/{id}/command")).Str("id"));
    }

    [Fact]
    public async Task CommandClusterCriteriaEdit_ChangesClusterSelection()
    {
        var t = GenieServer.NewId("cc");
        var x = await _s.CreateCluster("x-" + t, t, "pool:x");
        var y = await _s.CreateCluster("y-" + t, t, "pool:y");
        var cmd = await _s.CreateCommand("cmd-" + t, ["c:" + t], [t, "pool:x"]);
        Assert.Equal(x, await ClusterOf(t, [t]));
        await Ok(_s.Put($"/api/v3/commands/{cmd}/clusterCriteria/0", new JsonObject { ["tags"] = Json.Arr(t, "pool:y") }), HttpStatusCode.OK);
        Assert.Equal(y, await ClusterOf(t, [t]));
    }

    [Fact]
    public async Task NewCluster_WithMatchingTags_IsSelectableImmediately()
    {
        var t = GenieServer.NewId("nc");
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        using (var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(GenieServer.NewId("nc"), "'true'", ["c:" + t], [[t]])))
        {
            await r.AssertError(HttpStatusCode.PreconditionFailed);
        }

        var cl = await _s.CreateCluster("cl-" + t, t);
        Assert.Equal(cl, await ClusterOf(t, [t]));
    }
}
