using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.1 — routes and methods of §5 with their success codes (configuration resources).</summary>
public class ResourcesTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Root_Get_Returns200_WithDescription()
    {
        using var r = await _s.Get("/api/v3");
        await r.AssertStatus(HttpStatusCode.OK);
        var body = await r.ReadJson();
        Assert.Equal("Genie V3 API", body.Str("description"));
    }

    [Theory]
    [InlineData("applications")]
    [InlineData("clusters")]
    [InlineData("commands")]
    public async Task Create_Returns201_WithLocationOfNewResource(string collection)
    {
        var id = GenieServer.NewId("res");
        var body = collection switch
        {
            "applications" => GenieServer.ApplicationBody(id),
            "clusters" => GenieServer.ClusterBody(id, ["x"]),
            _ => GenieServer.CommandBody(id, ["x"], [["nothing-" + id]]),
        };
        using var r = await _s.Post("/api/v3/" + collection, body);
        await r.AssertStatus(HttpStatusCode.Created);
        var location = r.Headers.Location;
        Assert.NotNull(location);
        Assert.True(location!.IsAbsoluteUri, $"Location should be absolute: {location}");
        Assert.Equal($"{_s.Origin}/api/v3/{collection}/{id}", location.ToString());
        var got = await _s.GetObject($"/api/v3/{collection}/{id}");
        Assert.Equal(id, got.Str("id"));
    }

    [Fact]
    public async Task Create_WithoutId_GeneratesId_ReturnedInLocation()
    {
        var body = GenieServer.ClusterBody("unused", ["x"]);
        body.Remove("id");
        using var r = await _s.Post("/api/v3/clusters", body);
        await r.AssertStatus(HttpStatusCode.Created);
        var id = r.Headers.Location!.AbsolutePath.Split('/').Last();
        Assert.False(string.IsNullOrWhiteSpace(id));
        var got = await _s.GetObject("/api/v3/clusters/" + id);
        Assert.Equal(id, got.Str("id"));
        Assert.Equal("cl-unused", got.Str("name"));
    }

    [Fact]
    public async Task Create_IdWithDots_IsAddressable()
    {
        var id = "SP.CS." + GenieServer.NewId("dots").ToUpperInvariant();
        await _s.CreateApplication(id);
        var got = await _s.GetObject("/api/v3/applications/" + id);
        Assert.Equal(id, got.Str("id"));
    }

    [Fact]
    public async Task Put_ReplacesResource_Returns204()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("put"), "a");
        var body = GenieServer.ClusterBody(id, ["b"], "OUT_OF_SERVICE");
        body["name"] = "renamed";
        body["description"] = "new description";
        using var r = await _s.Put("/api/v3/clusters/" + id, body);
        await r.AssertStatus(HttpStatusCode.NoContent);
        await r.AssertEmptyBody();
        var got = await _s.GetObject("/api/v3/clusters/" + id);
        Assert.Equal("renamed", got.Str("name"));
        Assert.Equal("OUT_OF_SERVICE", got.Str("status"));
        Assert.Equal("new description", got.Str("description"));
        Assert.Contains("b", got.Strs("tags"));
        Assert.DoesNotContain("a", got.Strs("tags"));
    }

    [Fact]
    public async Task Put_BodyIdDiffersFromPathId_Returns400()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("put"), "a");
        var body = GenieServer.ClusterBody(id + "-other", ["a"]);
        using var r = await _s.Put("/api/v3/clusters/" + id, body);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Put_UnknownId_Returns404()
    {
        var id = GenieServer.NewId("nope");
        using var r = await _s.Put("/api/v3/applications/" + id, GenieServer.ApplicationBody(id));
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_JsonPatchWithApplicationJsonContentType_Returns204_AndApplies()
    {
        var id = await _s.CreateApplication(GenieServer.NewId("patch"));
        var patch = new JsonArray(
            new JsonObject { ["op"] = "replace", ["path"] = "/name", ["value"] = "patched" },
            new JsonObject { ["op"] = "replace", ["path"] = "/status", ["value"] = "DEPRECATED" });
        using var r = await _s.Patch("/api/v3/applications/" + id, patch);
        await r.AssertStatus(HttpStatusCode.NoContent);
        var got = await _s.GetObject("/api/v3/applications/" + id);
        Assert.Equal("patched", got.Str("name"));
        Assert.Equal("DEPRECATED", got.Str("status"));
    }

    [Fact]
    public async Task Patch_ClusterStatus_Returns204_AndApplies()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("patch"), "a");
        using var r = await _s.Patch("/api/v3/clusters/" + id, new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/status", ["value"] = "TERMINATED" }));
        await r.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal("TERMINATED", (await _s.GetObject("/api/v3/clusters/" + id)).Str("status"));
    }

    [Fact]
    public async Task Delete_Cluster_Returns204_ThenGet404()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("del"), "a");
        using var r = await _s.Delete("/api/v3/clusters/" + id);
        await r.AssertStatus(HttpStatusCode.NoContent);
        using var g = await _s.Get("/api/v3/clusters/" + id);
        await g.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_UnknownCluster_Returns204_G4()
    {
        using var r = await _s.Delete("/api/v3/clusters/" + GenieServer.NewId("nope"));
        await r.AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Delete_UnknownApplication_Returns204_G4()
    {
        using var r = await _s.Delete("/api/v3/applications/" + GenieServer.NewId("nope"));
        await r.AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Delete_UnknownCommand_Returns404_G4()
    {
        using var r = await _s.Delete("/api/v3/commands/" + GenieServer.NewId("nope"));
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ApplicationUsedByCommand_Returns400_AndKeepsIt()
    {
        var app = await _s.CreateApplication(GenieServer.NewId("app"));
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["nothing"]);
        using (var link = await _s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(app)))
        {
            await link.AssertStatus(HttpStatusCode.NoContent);
        }

        using var r = await _s.Delete("/api/v3/applications/" + app);
        await r.AssertError(HttpStatusCode.BadRequest);
        await _s.GetObject("/api/v3/applications/" + app);
    }

    [Theory]
    [InlineData("applications", "configs")]
    [InlineData("applications", "dependencies")]
    [InlineData("applications", "tags")]
    [InlineData("clusters", "configs")]
    [InlineData("clusters", "dependencies")]
    [InlineData("clusters", "tags")]
    [InlineData("commands", "configs")]
    [InlineData("commands", "dependencies")]
    [InlineData("commands", "tags")]
    public async Task SubCollection_AddGetReplaceDelete_Use204And200PlainJson(string collection, string sub)
    {
        var id = GenieServer.NewId("sub");
        var body = collection switch
        {
            "applications" => GenieServer.ApplicationBody(id),
            "clusters" => GenieServer.ClusterBody(id, []),
            _ => GenieServer.CommandBody(id, [], [["nothing-" + id]]),
        };
        await _s.CreateAsync(collection, body);
        var path = $"/api/v3/{collection}/{id}/{sub}";
        List<string> Own(JsonNode n) => n.AsArray().Select(x => x!.GetValue<string>()).Where(x => !x.StartsWith("genie.", StringComparison.Ordinal)).OrderBy(x => x, StringComparer.Ordinal).ToList();

        using (var add = await _s.Post(path, Json.Arr("file:///tmp/a1", "file:///tmp/a2")))
        {
            await add.AssertStatus(HttpStatusCode.NoContent);
        }

        using (var add2 = await _s.Post(path, Json.Arr("file:///tmp/a3")))
        {
            await add2.AssertStatus(HttpStatusCode.NoContent);
        }

        using (var get = await _s.Get(path))
        {
            await get.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("application/json", get.MediaType());
            Assert.Equal(["file:///tmp/a1", "file:///tmp/a2", "file:///tmp/a3"], Own(await get.ReadJson()));
        }

        using (var put = await _s.Put(path, Json.Arr("file:///tmp/b")))
        {
            await put.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal(["file:///tmp/b"], Own(await _s.GetJson(path)));

        using (var del = await _s.Delete(path))
        {
            await del.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Empty(Own(await _s.GetJson(path)));
    }

    [Fact]
    public async Task DeleteSingleTag_Returns204_AndRemovesOnlyThatTag()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("tag"), "keep:1", "drop:1");
        using var r = await _s.Delete($"/api/v3/clusters/{id}/tags/drop:1");
        await r.AssertStatus(HttpStatusCode.NoContent);
        var tags = (await _s.GetJson($"/api/v3/clusters/{id}/tags")).AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Contains("keep:1", tags);
        Assert.DoesNotContain("drop:1", tags);
    }

    [Fact]
    public async Task CommandApplications_PostAppends_PutReplacesInOrder_DeleteOne_DeleteAll()
    {
        var a = await _s.CreateApplication(GenieServer.NewId("a"));
        var b = await _s.CreateApplication(GenieServer.NewId("b"));
        var c = await _s.CreateApplication(GenieServer.NewId("c"));
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["nothing"]);
        var path = $"/api/v3/commands/{cmd}/applications";
        List<string> Ids(JsonNode n) => n.AsArray().Select(x => x.Str("id")!).ToList();

        using (var r = await _s.Post(path, Json.Arr(b, a)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        using (var r = await _s.Post(path, Json.Arr(c)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([b, a, c], Ids(await _s.GetJson(path)));

        using (var r = await _s.Put(path, Json.Arr(c, b)))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([c, b], Ids(await _s.GetJson(path)));

        using (var r = await _s.Delete($"{path}/{c}"))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Equal([b], Ids(await _s.GetJson(path)));

        using (var r = await _s.Delete(path))
        {
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        Assert.Empty((await _s.GetJson(path)).AsArray());
    }

    [Fact]
    public async Task CommandApplications_PostEmptyArray_Returns412()
    {
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["nothing"]);
        using var r = await _s.Post($"/api/v3/commands/{cmd}/applications", new JsonArray());
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task CommandApplications_PostUnknownApplication_Returns404()
    {
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["nothing"]);
        using var r = await _s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(GenieServer.NewId("ghost")));
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ApplicationCommands_ListsCommandsUsingTheApplication_WithStatusFilter()
    {
        var app = await _s.CreateApplication(GenieServer.NewId("app"));
        var active = await _s.CreateCommand(GenieServer.NewId("cmda"), ["x"], ["nothing"]);
        var deprecated = await _s.CreateAsync("commands", GenieServer.CommandBody(GenieServer.NewId("cmdd"), ["x"], [["nothing"]], "DEPRECATED"));
        foreach (var cmd in new[] { active, deprecated })
        {
            using var r = await _s.Post($"/api/v3/commands/{cmd}/applications", Json.Arr(app));
            await r.AssertStatus(HttpStatusCode.NoContent);
        }

        var all = (await _s.GetJson($"/api/v3/applications/{app}/commands")).AsArray().Select(x => x.Str("id")!).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { active, deprecated }.OrderBy(x => x, StringComparer.Ordinal).ToList(), all);
        var onlyActive = (await _s.GetJson($"/api/v3/applications/{app}/commands?status=ACTIVE")).AsArray().Select(x => x.Str("id")).ToList();
        Assert.Equal([active], onlyActive);
    }

    [Fact]
    public async Task ClusterCriteria_Mutations_Return200WithEmptyBody_AndEditPriorityList()
    {
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["p0"]);
        var path = $"/api/v3/commands/{cmd}/clusterCriteria";
        List<string> First(JsonNode n) => n.AsArray().Select(c => c!["tags"]!.AsArray()[0]!.GetValue<string>()).ToList();

        using (var r = await _s.Post(path, new JsonObject { ["tags"] = Json.Arr("p2") }))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            await r.AssertEmptyBody();
        }

        Assert.Equal(["p0", "p2"], First(await _s.GetJson(path)));

        using (var r = await _s.Put(path + "/1", new JsonObject { ["tags"] = Json.Arr("p1") }))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            await r.AssertEmptyBody();
        }

        using (var get = await _s.Get(path))
        {
            Assert.Equal("application/json", get.MediaType());
            Assert.Equal(["p0", "p1", "p2"], First(await get.ReadJson()));
        }

        using (var r = await _s.Delete(path + "/0"))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            await r.AssertEmptyBody();
        }

        Assert.Equal(["p1", "p2"], First(await _s.GetJson(path)));

        using (var r = await _s.Put(path, new JsonArray(new JsonObject { ["tags"] = Json.Arr("q") })))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            await r.AssertEmptyBody();
        }

        Assert.Equal(["q"], First(await _s.GetJson(path)));

        using (var r = await _s.Delete(path))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            await r.AssertEmptyBody();
        }

        Assert.Empty((await _s.GetJson(path)).AsArray());
    }

    [Fact]
    public async Task ClusterCriteria_DeleteMissingPriority_Returns404()
    {
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["p0"]);
        using var r = await _s.Delete($"/api/v3/commands/{cmd}/clusterCriteria/5");
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ClusterCriteria_AllBlankCriterion_Returns412()
    {
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], ["p0"]);
        using var r = await _s.Post($"/api/v3/commands/{cmd}/clusterCriteria", new JsonObject { ["tags"] = Json.Arr(" ") });
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task CommandClusters_ListsClustersMatchingAnyCriterion_WithoutImplicitStatusFilter()
    {
        var t = GenieServer.NewId("t");
        var up = await _s.CreateCluster(GenieServer.NewId("up"), t, "one");
        var oos = await _s.CreateAsync("clusters", GenieServer.ClusterBody(GenieServer.NewId("oos"), [t, "two"], "OUT_OF_SERVICE"));
        await _s.CreateCluster(GenieServer.NewId("other"), "one");
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], [t, "one"], [t, "two"]);
        var ids = (await _s.GetJson($"/api/v3/commands/{cmd}/clusters")).AsArray().Select(x => x.Str("id")!).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { up, oos }.OrderBy(x => x, StringComparer.Ordinal).ToList(), ids);
        var upOnly = (await _s.GetJson($"/api/v3/commands/{cmd}/clusters?status=UP")).AsArray().Select(x => x.Str("id")!).ToList();
        Assert.Equal([up], upOnly);
    }

    [Fact]
    public async Task ResolvedClusters_ReturnsCriterionAndResources_WithDefaultUpStatus()
    {
        var t = GenieServer.NewId("t");
        var up = await _s.CreateCluster(GenieServer.NewId("up"), t);
        await _s.CreateAsync("clusters", GenieServer.ClusterBody(GenieServer.NewId("oos"), [t], "OUT_OF_SERVICE"));
        var cmd = await _s.CreateCommand(GenieServer.NewId("cmd"), ["x"], [t]);
        using var r = await _s.Get($"/api/v3/commands/{cmd}/resolvedClusters");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", r.MediaType());
        var arr = (await r.ReadJson()).AsArray();
        var entry = Assert.Single(arr);
        Assert.Contains(t, entry!["criterion"].Strs("tags"));
        var resources = entry["resources"]!.AsArray().Select(x => x.Str("id")).ToList();
        Assert.Equal([up], resources);
        var withOos = (await _s.GetJson($"/api/v3/commands/{cmd}/resolvedClusters?addDefaultStatus=false")).AsArray();
        Assert.Equal(2, Assert.Single(withOos)!["resources"]!.AsArray().Count);
    }
}
