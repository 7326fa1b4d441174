using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.8 — HAL links (§3.1), bare arrays with `links` (§3.2), paged searches (§3.3).</summary>
public class HalTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private static Dictionary<string, JsonObject> Links(JsonNode o)
        => Assert.IsType<JsonObject>(o["_links"]).ToDictionary(p => p.Key, p => Assert.IsType<JsonObject>(p.Value));

    private void AssertLinks(JsonNode o, IDictionary<string, string> expected)
    {
        var links = Links(o);
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), links.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (rel, path) in expected)
        {
            var link = links[rel];
            Assert.Equal(_s.Origin + path, link.Str("href"));
            var templated = path.Contains('{');
            if (templated)
            {
                Assert.True(link["templated"]?.GetValue<bool>() == true, $"{rel} should be templated: {link.ToJsonString()}");
            }
            else
            {
                Assert.True(link["templated"] is null || !link["templated"]!.GetValue<bool>(), $"{rel} should not be templated");
            }
        }
    }

    [Fact]
    public async Task Root_HasFiveLinks_HalJson()
    {
        using var r = await _s.Get("/api/v3");
        Assert.Equal("application/hal+json", r.MediaType());
        AssertLinks(await r.ReadJson(), new Dictionary<string, string>
        {
            ["self"] = "/api/v3",
            ["applications"] = "/api/v3/applications",
            ["commands"] = "/api/v3/commands",
            ["clusters"] = "/api/v3/clusters",
            ["jobs"] = "/api/v3/jobs",
        });
    }

    [Fact]
    public async Task Application_Links_SelfAndTemplatedCommands()
    {
        var id = await _s.CreateApplication(GenieServer.NewId("h"));
        using var r = await _s.Get("/api/v3/applications/" + id);
        Assert.Equal("application/hal+json", r.MediaType());
        AssertLinks(await r.ReadJson(), new Dictionary<string, string>
        {
            ["self"] = $"/api/v3/applications/{id}",
            ["commands"] = $"/api/v3/applications/{id}/commands{{?status}}",
        });
    }

    [Fact]
    public async Task Cluster_Links_SelfAndTemplatedCommands()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("h"));
        AssertLinks(await _s.GetJson("/api/v3/clusters/" + id), new Dictionary<string, string>
        {
            ["self"] = $"/api/v3/clusters/{id}",
            ["commands"] = $"/api/v3/clusters/{id}/commands{{?status}}",
        });
    }

    [Fact]
    public async Task Command_Links_SelfApplicationsTemplatedClusters()
    {
        var id = await _s.CreateCommand(GenieServer.NewId("h"), [], ["x"]);
        AssertLinks(await _s.GetJson("/api/v3/commands/" + id), new Dictionary<string, string>
        {
            ["self"] = $"/api/v3/commands/{id}",
            ["applications"] = $"/api/v3/commands/{id}/applications",
            ["clusters"] = $"/api/v3/commands/{id}/clusters{{?status}}",
        });
    }

    [Fact]
    public async Task Job_AndSubResources_HaveTheirRelations()
    {
        var id = await _s.SubmitScript("true");
        var j = $"/api/v3/jobs/{id}";
        using (var r = await _s.Get(j))
        {
            Assert.Equal("application/hal+json", r.MediaType());
            AssertLinks(await r.ReadJson(), new Dictionary<string, string>
            {
                ["self"] = j,
                ["output"] = j + "/output",
                ["request"] = j + "/request",
                ["execution"] = j + "/execution",
                ["metadata"] = j + "/metadata",
                ["status"] = j + "/status",
                ["cluster"] = j + "/cluster",
                ["command"] = j + "/command",
                ["applications"] = j + "/applications",
            });
        }

        AssertLinks(await _s.GetJson(j + "/request"), new Dictionary<string, string>
        {
            ["self"] = j + "/request", ["job"] = j, ["execution"] = j + "/execution", ["output"] = j + "/output", ["status"] = j + "/status", ["metadata"] = j + "/metadata",
        });
        AssertLinks(await _s.GetJson(j + "/execution"), new Dictionary<string, string>
        {
            ["self"] = j + "/execution", ["job"] = j, ["request"] = j + "/request", ["output"] = j + "/output", ["status"] = j + "/status", ["metadata"] = j + "/metadata",
        });
        AssertLinks(await _s.GetJson(j + "/metadata"), new Dictionary<string, string>
        {
            ["self"] = j + "/metadata", ["job"] = j, ["request"] = j + "/request", ["output"] = j + "/output", ["status"] = j + "/status", ["execution"] = j + "/execution",
        });
    }

    [Fact]
    public async Task Links_AreBuiltFromRequestHost()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("h"));
        var port = _s.BaseUri.Port;
        using var r = await _s.Get("/api/v3/clusters/" + id, configure: req => req.Headers.Host = $"localhost:{port}");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal($"http://localhost:{port}/api/v3/clusters/{id}", (await r.ReadJson())["_links"]!["self"].Str("href"));
    }

    [Theory]
    [InlineData("/api/v3/jobs/{0}")]
    [InlineData("/api/v3/jobs/{0}/request")]
    [InlineData("/api/v3/jobs/{0}/execution")]
    [InlineData("/api/v3/jobs/{0}/metadata")]
    [InlineData("/api/v3/jobs/{0}/cluster")]
    [InlineData("/api/v3/jobs/{0}/command")]
    public async Task SingleResources_AreHalJson(string pattern)
    {
        var id = await _s.SubmitScript("true");
        using var r = await _s.Get(string.Format(pattern, id));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/hal+json", r.MediaType());
    }

    [Fact]
    public async Task ListEndpoint_BareArray_WithLinksArrayInsteadOfUnderscoreLinks()
    {
        var app = await _s.CreateApplication(GenieServer.NewId("h"));
        var cmd = await _s.CreateCommand(GenieServer.NewId("h"), [], ["x"]);
        using (var link = await _s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(app)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        using var r = await _s.Get($"/api/v3/commands/{cmd}/applications");
        Assert.Equal("application/hal+json", r.MediaType());
        var arr = Assert.IsType<JsonArray>(await r.ReadJson());
        var item = Assert.IsType<JsonObject>(Assert.Single(arr));
        Assert.False(item.ContainsKey("_links"));
        var links = Assert.IsType<JsonArray>(item["links"]).Select(l => (Rel: l.Str("rel")!, Href: l.Str("href")!)).ToList();
        Assert.Contains(("self", $"{_s.Origin}/api/v3/applications/{app}"), links);
        Assert.Contains(("commands", $"{_s.Origin}/api/v3/applications/{app}/commands{{?status}}"), links);
    }

    [Fact]
    public async Task JobApplications_BareArrayWithLinks()
    {
        var t = GenieServer.NewId("t");
        await _s.CreateCluster("cl-" + t, t);
        var app = await _s.CreateApplication("app-" + t);
        var cmd = await _s.CreateCommand("cmd-" + t, ["c:" + t], [t]);
        using (var link = await _s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(app)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("j"), "'true'", ["c:" + t], [[t]]));
        var arr = Assert.IsType<JsonArray>(await _s.GetJson($"/api/v3/jobs/{id}/applications"));
        var item = Assert.Single(arr);
        Assert.Equal(app, item.Str("id"));
        Assert.IsType<JsonArray>(item!["links"]);
    }

    [Theory]
    [InlineData("jobs", "jobSearchResultList", 10)]
    [InlineData("applications", "applicationList", 10)]
    [InlineData("clusters", "clusterList", 64)]
    [InlineData("commands", "commandList", 64)]
    public async Task Search_DefaultPageSize_EmbeddedKey_PageObject(string collection, string key, int defaultSize)
    {
        if (collection == "jobs")
        {
            await _s.SubmitScript("true");
        }
        else if (collection == "applications")
        {
            await _s.CreateApplication(GenieServer.NewId("p"));
        }

        using var r = await _s.Get("/api/v3/" + collection);
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/hal+json", r.MediaType());
        var body = await r.ReadJson();
        Assert.NotEmpty(body["_embedded"]![key]!.AsArray());
        var page = body["page"]!;
        Assert.Equal(defaultSize, page["size"]!.GetValue<int>());
        Assert.Equal(0, page["number"]!.GetValue<int>());
        Assert.True(page["totalElements"]!.GetValue<long>() >= 1);
        Assert.True(page["totalPages"]!.GetValue<int>() >= 1);
    }

    [Theory]
    [InlineData("jobs", "user")]
    [InlineData("applications", "name")]
    [InlineData("clusters", "name")]
    [InlineData("commands", "name")]
    public async Task Search_EmptyResult_OmitsEmbedded(string collection, string param)
    {
        using var r = await _s.Get($"/api/v3/{collection}?{param}=nobody-{Guid.NewGuid():N}");
        await r.AssertStatus(HttpStatusCode.OK);
        var body = Assert.IsType<JsonObject>(await r.ReadJson());
        Assert.False(body.ContainsKey("_embedded"), $"empty search must omit _embedded: {body.ToJsonString()}");
        Assert.True(body.ContainsKey("_links"));
        Assert.Equal(0, body["page"]!["totalElements"]!.GetValue<long>());
        Assert.Equal(0, body["page"]!["totalPages"]!.GetValue<int>());
        var links = Links(body);
        Assert.Contains("self", links.Keys);
        Assert.DoesNotContain("next", links.Keys);
        Assert.DoesNotContain("first", links.Keys);
    }

    [Fact]
    public async Task Search_Paging_FirstPrevNextLast_Rules()
    {
        var t = GenieServer.NewId("pg");
        for (var i = 0; i < 5; i++)
        {
            await _s.CreateCluster($"{t}-{i}", t);
        }

        async Task<JsonObject> Page(int n) => await _s.GetObject($"/api/v3/clusters?tag={t}&size=2&page={n}");

        var p0 = await Page(0);
        Assert.Equal(new { Size = 2, Total = 5L, Pages = 3, Number = 0 }, new { Size = p0["page"]!["size"]!.GetValue<int>(), Total = p0["page"]!["totalElements"]!.GetValue<long>(), Pages = p0["page"]!["totalPages"]!.GetValue<int>(), Number = p0["page"]!["number"]!.GetValue<int>() });
        Assert.Equal(["first", "self", "next", "last"], Links(p0).Keys.ToList());

        var p1 = await Page(1);
        Assert.Equal(["first", "prev", "self", "next", "last"], Links(p1).Keys.ToList());
        Assert.Equal(2, p1["_embedded"]!["clusterList"]!.AsArray().Count);

        var p2 = await Page(2);
        Assert.Equal(["first", "prev", "self", "last"], Links(p2).Keys.ToList());
        Assert.Single(p2["_embedded"]!["clusterList"]!.AsArray());

        var ids = new[] { p0, p1, p2 }.SelectMany(p => p["_embedded"]!["clusterList"]!.AsArray().Select(c => c.Str("id")!)).ToList();
        Assert.Equal(5, ids.Distinct().Count());

        var single = await _s.GetObject($"/api/v3/clusters?tag={t}&size=10");
        Assert.Equal(["self"], Links(single).Keys.ToList());
    }

    [Fact]
    public async Task Search_PageBeyondEnd_HasPrevButNoEmbedded()
    {
        var t = GenieServer.NewId("pg");
        await _s.CreateCluster(t + "-0", t);
        var body = await _s.GetObject($"/api/v3/clusters?tag={t}&size=1&page=3");
        Assert.False(body.ContainsKey("_embedded"));
        Assert.Contains("prev", Links(body).Keys);
        Assert.Equal(3, body["page"]!["number"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_SizeIsCappedAt2000()
    {
        var body = await _s.GetObject("/api/v3/clusters?size=5000");
        Assert.Equal(2000, body["page"]!["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_Jobs_DefaultSortIsCreatedDesc()
    {
        var tag = GenieServer.NewId("sort");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _s.SubmitScript("true", mutate: b => b["tags"] = Json.Arr(tag)));
            await Task.Delay(20);
        }

        var page = await _s.GetObject("/api/v3/jobs?tag=" + tag);
        var got = page["_embedded"]!["jobSearchResultList"]!.AsArray().Select(j => j.Str("id")!).ToList();
        ids.Reverse();
        Assert.Equal(ids, got);
        var asc = await _s.GetObject($"/api/v3/jobs?tag={tag}&sort=created,asc");
        ids.Reverse();
        Assert.Equal(ids, asc["_embedded"]!["jobSearchResultList"]!.AsArray().Select(j => j.Str("id")!).ToList());
    }

    [Fact]
    public async Task Search_Clusters_DefaultSortIsUpdatedDesc()
    {
        var t = GenieServer.NewId("sort");
        var a = await _s.CreateCluster(t + "-a", t);
        await Task.Delay(20);
        var b = await _s.CreateCluster(t + "-b", t);
        await Task.Delay(20);
        using (var r = await _s.Patch($"/api/v3/clusters/{a}", new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/description", ["value"] = "touched" })))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        var page = await _s.GetObject("/api/v3/clusters?tag=" + t);
        Assert.Equal([a, b], page["_embedded"]!["clusterList"]!.AsArray().Select(c => c.Str("id")).ToList());
    }

    [Fact]
    public async Task Search_Items_CarrySelfLinks()
    {
        var t = GenieServer.NewId("s");
        var id = await _s.CreateCommand(t, [t], ["x"]);
        var page = await _s.GetObject("/api/v3/commands?tag=" + t);
        var item = Assert.Single(page["_embedded"]!["commandList"]!.AsArray());
        Assert.Equal($"{_s.Origin}/api/v3/commands/{id}", item!["_links"]!["self"].Str("href"));
    }
}
