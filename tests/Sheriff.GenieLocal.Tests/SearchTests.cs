using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.9 — search filters: equality vs %-LIKE, repeatable status (OR) and tag (AND), epoch-ms bounds, 412.</summary>
public class SearchTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private async Task<List<string>> Ids(string query, string key)
    {
        var body = await _s.GetObject(query);
        if (!body.ContainsKey("_embedded"))
        {
            return [];
        }

        return body["_embedded"]![key]!.AsArray().Select(x => x.Str("id")!).OrderBy(x => x, StringComparer.Ordinal).ToList();
    }

    private static List<string> Sorted(params string[] ids) => ids.OrderBy(x => x, StringComparer.Ordinal).ToList();

    private Task<List<string>> JobIds(string query) => Ids("/api/v3/jobs?" + query, "jobSearchResultList");

    [Fact]
    public async Task Jobs_NameEquality_WithoutPercent_IsExact()
    {
        var t = GenieServer.NewId("n");
        var a = await _s.SubmitScript("true", mutate: b => b["name"] = t);
        await _s.SubmitScript("true", mutate: b => b["name"] = t + "-longer");
        Assert.Equal([a], await JobIds("name=" + t));
    }

    [Fact]
    public async Task Jobs_NameWithPercent_IsLike()
    {
        var t = GenieServer.NewId("n");
        var a = await _s.SubmitScript("true", mutate: b => b["name"] = t + "-alpha");
        var b2 = await _s.SubmitScript("true", mutate: b => b["name"] = t + "-beta");
        await _s.SubmitScript("true", mutate: b => b["name"] = "x" + t);
        Assert.Equal(Sorted(a, b2), await JobIds($"name={t}%25"));
        Assert.Equal([b2], await JobIds($"name=%25{t}-b%25"));
    }

    [Fact]
    public async Task Jobs_UserGroupingGroupingInstance_Filters()
    {
        var t = GenieServer.NewId("u");
        var a = await _s.SubmitScript("true", mutate: b => { b["user"] = t; b["grouping"] = t + "-g"; b["groupingInstance"] = t + "-1"; });
        var b2 = await _s.SubmitScript("true", mutate: b => { b["user"] = t; b["grouping"] = t + "-g"; b["groupingInstance"] = t + "-2"; });
        Assert.Equal(Sorted(a, b2), await JobIds("user=" + t));
        Assert.Equal(Sorted(a, b2), await JobIds($"grouping={t}-g"));
        Assert.Equal([b2], await JobIds($"groupingInstance={t}-2"));
        Assert.Equal([a], await JobIds($"user={t}&groupingInstance={t}-1"));
        Assert.Equal(Sorted(a, b2), await JobIds($"groupingInstance={t}-%25"));
    }

    [Fact]
    public async Task Jobs_IdFilter_EqualityAndLike()
    {
        var t = GenieServer.NewId("i");
        var a = await _s.SubmitScript("true", id: t + "-a");
        var b = await _s.SubmitScript("true", id: t + "-b");
        Assert.Equal([a], await JobIds("id=" + a));
        Assert.Equal(Sorted(a, b), await JobIds($"id={t}%25"));
    }

    [Fact]
    public async Task Jobs_StatusRepeatable_IsOr()
    {
        var t = GenieServer.NewId("st");
        var ok = await _s.SubmitScript("true", mutate: b => b["user"] = t);
        var bad = await _s.SubmitScript("exit 1", mutate: b => b["user"] = t);
        await _s.WaitFinished(ok);
        await _s.WaitFinished(bad);
        Assert.Equal([ok], await JobIds($"user={t}&status=SUCCEEDED"));
        Assert.Equal([bad], await JobIds($"user={t}&status=FAILED"));
        Assert.Equal(Sorted(ok, bad), await JobIds($"user={t}&status=SUCCEEDED&status=FAILED"));
        Assert.Empty(await JobIds($"user={t}&status=RUNNING&status=KILLED"));
    }

    [Fact]
    public async Task Jobs_StatusFilter_IsCaseInsensitive()
    {
        var t = GenieServer.NewId("st");
        var ok = await _s.SubmitScript("true", mutate: b => b["user"] = t);
        await _s.WaitFinished(ok);
        Assert.Equal([ok], await JobIds($"user={t}&status=succeeded"));
    }

    [Fact]
    public async Task Jobs_TagRepeatable_IsAnd()
    {
        var t = GenieServer.NewId("tg");
        var both = await _s.SubmitScript("true", mutate: b => b["tags"] = Json.Arr(t + ":a", t + ":b"));
        var onlyA = await _s.SubmitScript("true", mutate: b => b["tags"] = Json.Arr(t + ":a"));
        Assert.Equal(Sorted(both, onlyA), await JobIds($"tag={t}:a"));
        Assert.Equal([both], await JobIds($"tag={t}:a&tag={t}:b"));
        Assert.Empty(await JobIds($"tag={t}:a&tag={t}:zzz"));
    }

    [Fact]
    public async Task Jobs_ClusterAndCommandFilters_NameAndExactId()
    {
        var t = GenieServer.NewId("cc");
        await _s.CreateCluster("cl-" + t, t);
        await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("j"), "'true'", ["c:" + t], [[t]]));
        Assert.Equal([id], await JobIds("clusterId=cl-" + t));
        Assert.Equal([id], await JobIds("commandId=cmd-" + t));
        Assert.Equal([id], await JobIds("clusterName=cl-cl-" + t));
        Assert.Equal([id], await JobIds("commandName=cmd-cmd-" + t));
        Assert.Equal([id], await JobIds($"commandName=cmd-cmd-{t[..6]}%25&clusterId=cl-{t}"));
    }

    [Fact]
    public async Task Jobs_UnknownClusterIdOrCommandId_ReturnsEmptyPage()
    {
        using var r = await _s.Get("/api/v3/jobs?clusterId=" + GenieServer.NewId("ghost"));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.False((await r.ReadJson()).Has("_embedded"));
        Assert.Empty(await JobIds("commandId=" + GenieServer.NewId("ghost")));
    }

    [Fact]
    public async Task Jobs_StartedBounds_MinInclusive_MaxExclusive()
    {
        var t = GenieServer.NewId("tb");
        var id = await _s.SubmitScript("true", mutate: b => b["user"] = t);
        var job = await _s.WaitFinished(id);
        var started = job.EpochMs("started");
        Assert.Equal([id], await JobIds($"user={t}&minStarted={started}"));
        Assert.Empty(await JobIds($"user={t}&minStarted={started + 1}"));
        Assert.Empty(await JobIds($"user={t}&maxStarted={started}"));
        Assert.Equal([id], await JobIds($"user={t}&maxStarted={started + 1}"));
    }

    [Fact]
    public async Task Jobs_FinishedBounds_MinInclusive_MaxExclusive()
    {
        var t = GenieServer.NewId("tb");
        var id = await _s.SubmitScript("true", mutate: b => b["user"] = t);
        var job = await _s.WaitFinished(id);
        var finished = job.EpochMs("finished");
        Assert.Equal([id], await JobIds($"user={t}&minFinished={finished}&maxFinished={finished + 1}"));
        Assert.Empty(await JobIds($"user={t}&minFinished={finished + 1}"));
        Assert.Empty(await JobIds($"user={t}&maxFinished={finished}"));
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("clusters")]
    [InlineData("commands")]
    [InlineData("applications")]
    public async Task Search_InvalidStatusValue_Returns412(string collection)
    {
        using var r = await _s.Get($"/api/v3/{collection}?status=NOT_A_STATUS");
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Clusters_NameLike_StatusOr_TagAnd()
    {
        var t = GenieServer.NewId("cs");
        var up = await _s.CreateAsync("clusters", GenieServer.ClusterBody(t + "-up", [t, "a"]));
        var oos = await _s.CreateAsync("clusters", GenieServer.ClusterBody(t + "-oos", [t, "a", "b"], "OUT_OF_SERVICE"));
        var term = await _s.CreateAsync("clusters", GenieServer.ClusterBody(t + "-term", [t], "TERMINATED"));
        Assert.Equal(Sorted(up, oos, term), await Ids($"/api/v3/clusters?name=cl-{t}%25", "clusterList"));
        Assert.Equal([up], await Ids($"/api/v3/clusters?name=cl-{t}-up", "clusterList"));
        Assert.Equal(Sorted(up, oos), await Ids($"/api/v3/clusters?tag={t}&status=UP&status=OUT_OF_SERVICE", "clusterList"));
        Assert.Equal([oos], await Ids($"/api/v3/clusters?tag={t}&tag=a&tag=b", "clusterList"));
        Assert.Equal([term], await Ids($"/api/v3/clusters?tag={t}&status=terminated", "clusterList"));
    }

    [Fact]
    public async Task Clusters_UpdateTimeBounds_MinInclusive_MaxExclusive()
    {
        var t = GenieServer.NewId("ut");
        var id = await _s.CreateCluster(t, t);
        var updated = (await _s.GetObject("/api/v3/clusters/" + id)).EpochMs("updated");
        Assert.Equal([id], await Ids($"/api/v3/clusters?tag={t}&minUpdateTime={updated}&maxUpdateTime={updated + 1}", "clusterList"));
        Assert.Empty(await Ids($"/api/v3/clusters?tag={t}&minUpdateTime={updated + 1}", "clusterList"));
        Assert.Empty(await Ids($"/api/v3/clusters?tag={t}&maxUpdateTime={updated}", "clusterList"));
    }

    [Fact]
    public async Task Clusters_TagGenieId_ShortCircuitsToIdLookup_IgnoringOtherFilters()
    {
        var t = GenieServer.NewId("gi");
        var id = await _s.CreateCluster(t, t);
        Assert.Equal([id], await Ids($"/api/v3/clusters?tag=genie.id:{id}", "clusterList"));
        Assert.Equal([id], await Ids($"/api/v3/clusters?tag=genie.id:{id}&name=something-else&status=TERMINATED", "clusterList"));
    }

    [Fact]
    public async Task Clusters_TagGenieName_BecomesNameFilter()
    {
        var t = GenieServer.NewId("gn");
        var id = await _s.CreateCluster(t, t);
        await _s.CreateCluster(t + "-2", t);
        Assert.Equal([id], await Ids($"/api/v3/clusters?tag=genie.name:cl-{t}", "clusterList"));
    }

    [Fact]
    public async Task Commands_NameUserLike_StatusAndTag()
    {
        var t = GenieServer.NewId("cm");
        var a = GenieServer.CommandBody(t + "-a", [t, "x"], [["q"]]);
        a["user"] = t + "-owner";
        await _s.CreateAsync("commands", a);
        await _s.CreateAsync("commands", GenieServer.CommandBody(t + "-b", [t], [["q"]], "DEPRECATED"));
        Assert.Equal(Sorted(t + "-a", t + "-b"), await Ids($"/api/v3/commands?name=cmd-{t}%25", "commandList"));
        Assert.Equal([t + "-a"], await Ids($"/api/v3/commands?user={t}%25", "commandList"));
        Assert.Equal([t + "-b"], await Ids($"/api/v3/commands?tag={t}&status=DEPRECATED", "commandList"));
        Assert.Equal([t + "-a"], await Ids($"/api/v3/commands?tag={t}&tag=x", "commandList"));
        Assert.Equal([t + "-b"], await Ids($"/api/v3/commands?tag=genie.id:{t}-b", "commandList"));
    }

    [Fact]
    public async Task Applications_NameUserTypeLike_StatusAndTag()
    {
        var t = GenieServer.NewId("ap");
        var a = GenieServer.ApplicationBody(t + "-a", [t]);
        a["type"] = "spark-" + t;
        await _s.CreateAsync("applications", a);
        var b = GenieServer.ApplicationBody(t + "-b", [t, "y"], "INACTIVE");
        b["type"] = "hadoop-" + t;
        b["user"] = "other-" + t;
        await _s.CreateAsync("applications", b);
        Assert.Equal([t + "-a"], await Ids($"/api/v3/applications?type=spark-{t}", "applicationList"));
        Assert.Equal(Sorted(t + "-a", t + "-b"), await Ids($"/api/v3/applications?type=%25-{t}", "applicationList"));
        Assert.Equal([t + "-b"], await Ids($"/api/v3/applications?user=other-%25&tag={t}", "applicationList"));
        Assert.Equal([t + "-b"], await Ids($"/api/v3/applications?tag={t}&status=INACTIVE", "applicationList"));
        Assert.Equal([t + "-b"], await Ids($"/api/v3/applications?tag={t}&tag=y", "applicationList"));
        Assert.Equal([t + "-a"], await Ids($"/api/v3/applications?name=app-{t}-a", "applicationList"));
    }
}
