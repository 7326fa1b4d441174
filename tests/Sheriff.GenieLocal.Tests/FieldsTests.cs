using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.7 — exact field sets of §2, explicit nulls, [] for empty collections, genie.id/genie.name tags.</summary>
public class FieldsTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private static readonly string[] CommonFields = ["id", "created", "updated", "name", "user", "version", "description", "metadata", "tags"];
    private static readonly string[] ExecEnvFields = ["configs", "dependencies", "setupFile"];
    private readonly GenieServer _s = fx.Server;

    private static void AssertFields(JsonObject o, IEnumerable<string> fields)
    {
        foreach (var f in fields)
        {
            Assert.True(o.ContainsKey(f), $"field {f} missing from {o.ToJsonString()}");
        }
    }

    private static void AssertExplicitNull(JsonObject o, params string[] fields)
    {
        foreach (var f in fields)
        {
            Assert.True(o.ContainsKey(f), $"{f} must be serialized (as null), missing in {o.ToJsonString()}");
            Assert.True(o[f] is null, $"{f} should be null, was {o[f]?.ToJsonString()}");
        }
    }

    private static void AssertEmptyArray(JsonObject o, params string[] fields)
    {
        foreach (var f in fields)
        {
            var arr = Assert.IsType<JsonArray>(o[f]);
            Assert.Empty(arr);
        }
    }

    [Fact]
    public async Task Application_AllFieldsPresent_NullsExplicit_EmptyCollections()
    {
        var id = await _s.CreateApplication(GenieServer.NewId("f"));
        var o = await _s.GetObject("/api/v3/applications/" + id);
        AssertFields(o, [.. CommonFields, .. ExecEnvFields, "status", "type", "_links"]);
        AssertExplicitNull(o, "description", "metadata", "setupFile", "type");
        AssertEmptyArray(o, "configs", "dependencies");
        Assert.Equal("ACTIVE", o.Str("status"));
    }

    [Fact]
    public async Task Cluster_AllFieldsPresent_NullsExplicit_EmptyCollections()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("f"));
        var o = await _s.GetObject("/api/v3/clusters/" + id);
        AssertFields(o, [.. CommonFields, .. ExecEnvFields, "status", "_links"]);
        AssertExplicitNull(o, "description", "metadata", "setupFile");
        AssertEmptyArray(o, "configs", "dependencies");
    }

    [Fact]
    public async Task Command_AllFieldsPresent_CheckDelay10000_EmptyClusterCriteria()
    {
        var id = GenieServer.NewId("f");
        await _s.CreateAsync("commands", GenieServer.CommandBody(id, [], []));
        var o = await _s.GetObject("/api/v3/commands/" + id);
        AssertFields(o, [.. CommonFields, .. ExecEnvFields, "status", "executable", "executableAndArguments", "checkDelay", "memory", "clusterCriteria", "_links"]);
        AssertExplicitNull(o, "description", "metadata", "setupFile", "memory");
        AssertEmptyArray(o, "configs", "dependencies", "clusterCriteria");
        Assert.Equal(10000, o["checkDelay"]!.GetValue<long>());
    }

    [Fact]
    public async Task Command_CheckDelayInput_IsIgnored_G4()
    {
        var id = GenieServer.NewId("f");
        var body = GenieServer.CommandBody(id, [], [["x"]]);
        body["checkDelay"] = 5;
        await _s.CreateAsync("commands", body);
        Assert.Equal(10000, (await _s.GetObject("/api/v3/commands/" + id))["checkDelay"]!.GetValue<long>());
    }

    [Fact]
    public async Task Command_ExecutableAndArguments_Wins_ExecutableIsSpaceJoin()
    {
        var id = GenieServer.NewId("f");
        var body = GenieServer.CommandBody(id, [], [["x"]]);
        body["executableAndArguments"] = Json.Arr("/opt/spark/bin/spark-submit", "--master", "yarn");
        body["executable"] = "ignored --x";
        await _s.CreateAsync("commands", body);
        var o = await _s.GetObject("/api/v3/commands/" + id);
        Assert.Equal("/opt/spark/bin/spark-submit --master yarn", o.Str("executable"));
        Assert.Equal(["/opt/spark/bin/spark-submit", "--master", "yarn"], o.Strs("executableAndArguments"));
    }

    [Fact]
    public async Task Command_OnlyExecutable_SplitOnSingleSpaces()
    {
        var id = GenieServer.NewId("f");
        var body = GenieServer.CommandBody(id, [], [["x"]]);
        body.Remove("executableAndArguments");
        body["executable"] = "${SPARK_HOME}/bin/spark-submit --master yarn --deploy-mode client";
        await _s.CreateAsync("commands", body);
        var o = await _s.GetObject("/api/v3/commands/" + id);
        Assert.Equal(["${SPARK_HOME}/bin/spark-submit", "--master", "yarn", "--deploy-mode", "client"], o.Strs("executableAndArguments"));
        Assert.Equal("${SPARK_HOME}/bin/spark-submit --master yarn --deploy-mode client", o.Str("executable"));
    }

    [Fact]
    public async Task Command_ClusterCriteria_OutputIsCriterionShape_WithAllScalarFields()
    {
        var id = GenieServer.NewId("f");
        await _s.CreateAsync("commands", GenieServer.CommandBody(id, [], [["type:yarn"]]));
        var crit = Assert.IsType<JsonObject>((await _s.GetObject("/api/v3/commands/" + id))["clusterCriteria"]![0]);
        AssertFields(crit, ["id", "name", "version", "status", "tags"]);
        AssertExplicitNull(crit, "id", "name", "version", "status");
        Assert.Equal(["type:yarn"], crit.Strs("tags"));
    }

    [Fact]
    public async Task Resource_Metadata_IsReturnedAsGiven()
    {
        var id = GenieServer.NewId("f");
        var body = GenieServer.ClusterBody(id, []);
        body["metadata"] = new JsonObject { ["owner"] = "team-x", ["n"] = 3, ["nested"] = new JsonObject { ["a"] = new JsonArray(1, 2) } };
        await _s.CreateAsync("clusters", body);
        var o = await _s.GetObject("/api/v3/clusters/" + id);
        Assert.True(JsonNode.DeepEquals(body["metadata"], o["metadata"]), $"metadata changed: {o["metadata"]?.ToJsonString()}");
    }

    [Theory]
    [InlineData("applications")]
    [InlineData("clusters")]
    [InlineData("commands")]
    public async Task Resource_Tags_IncludeSynthesizedGenieIdAndName_G4(string collection)
    {
        var id = GenieServer.NewId("f");
        var body = collection switch
        {
            "applications" => GenieServer.ApplicationBody(id, ["own:1"]),
            "clusters" => GenieServer.ClusterBody(id, ["own:1"]),
            _ => GenieServer.CommandBody(id, ["own:1"], [["x"]]),
        };
        await _s.CreateAsync(collection, body);
        var o = await _s.GetObject($"/api/v3/{collection}/{id}");
        var tags = o.Strs("tags").OrderBy(t => t, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "genie.id:" + id, "genie.name:" + body.Str("name"), "own:1" }.OrderBy(t => t, StringComparer.Ordinal).ToList(), tags);
        var tagsEndpoint = (await _s.GetJson($"/api/v3/{collection}/{id}/tags")).AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains("genie.id:" + id, tagsEndpoint);
        Assert.Contains("genie.name:" + body.Str("name"), tagsEndpoint);
    }

    [Fact]
    public async Task Resource_GenieTagsOnInput_AreStripped_G4()
    {
        var id = GenieServer.NewId("f");
        var body = GenieServer.ClusterBody(id, ["genie.id:impostor", "genie.name:impostor", "own:1"]);
        await _s.CreateAsync("clusters", body);
        var tags = (await _s.GetObject("/api/v3/clusters/" + id)).Strs("tags");
        Assert.DoesNotContain("genie.id:impostor", tags);
        Assert.DoesNotContain("genie.name:impostor", tags);
        Assert.Contains("genie.id:" + id, tags);
        Assert.Equal(3, tags.Count);
    }

    [Fact]
    public async Task Resource_GenieNameTag_FollowsRename()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("f"));
        var body = GenieServer.ClusterBody(id, []);
        body["name"] = "renamed-" + id;
        using (var r = await _s.Put("/api/v3/clusters/" + id, body))
        {
            await r.AssertStatus(System.Net.HttpStatusCode.NoContent);
        }

        var tags = (await _s.GetObject("/api/v3/clusters/" + id)).Strs("tags");
        Assert.Contains("genie.name:renamed-" + id, tags);
        Assert.DoesNotContain("genie.name:cl-" + id, tags);
    }

    [Fact]
    public async Task Job_AllFieldsPresent_CopiedFromRequest()
    {
        var id = GenieServer.NewId("fj");
        var body = GenieServer.JobBody(id, "'echo fields'");
        body["description"] = "a description";
        body["tags"] = Json.Arr("team:x", "sheriff");
        body["metadata"] = new JsonObject { ["k"] = "v" };
        body["grouping"] = "grp";
        body["groupingInstance"] = "grp-1";
        await _s.Submit(body);
        var job = await _s.WaitFinished(id);
        AssertFields(job, [.. CommonFields, "status", "statusMsg", "started", "finished", "archiveLocation", "clusterName", "commandName", "runtime", "commandArgs", "grouping", "groupingInstance", "_links"]);
        Assert.Equal("a description", job.Str("description"));
        Assert.Equal(["sheriff", "team:x"], job.Strs("tags").Where(t => !t.StartsWith("genie.", StringComparison.Ordinal)).OrderBy(t => t, StringComparer.Ordinal).ToList());
        Assert.True(JsonNode.DeepEquals(body["metadata"], job["metadata"]));
        Assert.Equal("grp", job.Str("grouping"));
        Assert.Equal("grp-1", job.Str("groupingInstance"));
        Assert.Equal("'echo fields'", job.Str("commandArgs"));
        Assert.Equal("job-test", job.Str("name"));
        Assert.Equal("tester", job.Str("user"));
        Assert.Equal("NA", job.Str("version"));
    }

    [Fact]
    public async Task Job_OptionalFieldsAbsent_AreExplicitNulls()
    {
        var id = await _s.SubmitScript("true");
        var job = await _s.GetObject("/api/v3/jobs/" + id);
        AssertExplicitNull(job, "description", "metadata", "grouping", "groupingInstance");
        Assert.IsType<JsonArray>(job["tags"]);
    }

    [Fact]
    public async Task Request_EchoesRequestedId_NullCreatedUpdated_G4()
    {
        var id = GenieServer.NewId("rq");
        var body = GenieServer.JobBody(id, "'true'");
        body["timeout"] = 120;
        body["group"] = "analysts";
        body["grouping"] = "g";
        body["applications"] = new JsonArray();
        await _s.Submit(body);
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        AssertFields(req, [.. CommonFields, .. ExecEnvFields, "clusterCriterias", "commandCriteria", "commandArgs", "group", "disableLogArchival", "email", "cpu", "memory", "timeout", "applications", "grouping", "groupingInstance", "_links"]);
        Assert.Equal(id, req.Str("id"));
        AssertExplicitNull(req, "created", "updated", "email", "setupFile", "groupingInstance");
        Assert.Equal(120, req["timeout"]!.GetValue<int>());
        Assert.Equal("analysts", req.Str("group"));
        AssertEmptyArray(req, "configs", "dependencies", "applications");
        Assert.Equal(["sched:adhoc"], req["clusterCriterias"]![0].Strs("tags"));
    }

    [Fact]
    public async Task Request_ServerGeneratedId_RequestIdIsNull_G4()
    {
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(null, "'true'"));
        await r.AssertStatus(System.Net.HttpStatusCode.Accepted);
        var id = r.Headers.Location!.AbsolutePath.Split('/').Last();
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        AssertExplicitNull(req, "id");
    }

    [Fact]
    public async Task Request_CommandArgs_StoredVerbatim_G4_RunsOfSpacesKept()
    {
        var args = "'printf \"%s|\" a  b'   trailing";
        var id = await _s.Submit(GenieServer.JobBody(GenieServer.NewId("v"), args));
        Assert.Equal(args, (await _s.GetObject($"/api/v3/jobs/{id}/request")).Str("commandArgs"));
        Assert.Equal(args, (await _s.GetObject($"/api/v3/jobs/{id}")).Str("commandArgs"));
    }

    [Fact]
    public async Task Request_CommandArguments_JoinedWithSpacesWithoutQuoting_EchoedAsCommandArgs()
    {
        var id = GenieServer.NewId("ca");
        var body = GenieServer.JobBody(id, "'echo should-lose'");
        body["commandArguments"] = Json.Arr("'echo", "joined", "args'");
        await _s.Submit(body);
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        Assert.Equal("'echo joined args'", req.Str("commandArgs"));
        Assert.True(!req.Has("commandArguments") || req["commandArguments"] is null, "commandArguments is input-only");
        await _s.WaitFinished(id);
        Assert.Equal("joined args\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task Execution_AllG4FieldsPresent()
    {
        var id = await _s.SubmitScript("true");
        await _s.WaitFinished(id);
        var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
        AssertFields(exec, ["id", "created", "updated", "hostName", "processId", "checkDelay", "timeout", "exitCode", "memory", "archiveStatus", "launcherExt", "_links"]);
        Assert.Equal(id, exec.Str("id"));
    }

    [Fact]
    public async Task Metadata_ClientHostFromXForwardedFor_UserAgent_StdSizesNull_G4()
    {
        var id = GenieServer.NewId("md");
        using (var r = await _s.Send(HttpMethod.Post, "/api/v3/jobs", GenieServer.JobBody(id, "'echo m'"), req =>
        {
            req.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.1.2.3, 10.9.9.9");
            req.Headers.TryAddWithoutValidation("User-Agent", "sheriff-tests/1.0");
        }))
        {
            await r.AssertStatus(System.Net.HttpStatusCode.Accepted);
        }

        await _s.WaitFinished(id);
        var md = await _s.GetObject($"/api/v3/jobs/{id}/metadata");
        AssertFields(md, ["id", "created", "updated", "clientHost", "userAgent", "numAttachments", "totalSizeOfAttachments", "stdOutSize", "stdErrSize", "_links"]);
        Assert.Equal("10.1.2.3", md.Str("clientHost"));
        Assert.Equal("sheriff-tests/1.0", md.Str("userAgent"));
        AssertExplicitNull(md, "stdOutSize", "stdErrSize");
    }

    [Fact]
    public async Task Metadata_ClientHost_FallsBackToSocketPeer()
    {
        var id = await _s.SubmitScript("true");
        var md = await _s.GetObject($"/api/v3/jobs/{id}/metadata");
        Assert.Contains(md.Str("clientHost"), new[] { "127.0.0.1", "::ffff:127.0.0.1" });
    }

    [Fact]
    public async Task SearchResult_HasExactlyTheSearchFields_NoTagsNoCommandArgs()
    {
        var id = await _s.SubmitScript("true", mutate: b => b["tags"] = Json.Arr("x"));
        await _s.WaitFinished(id);
        var page = await _s.GetObject("/api/v3/jobs?id=" + id);
        var item = Assert.IsType<JsonObject>(Assert.Single(page["_embedded"]!["jobSearchResultList"]!.AsArray()));
        var keys = item.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "_links", "clusterName", "commandName", "finished", "id", "name", "runtime", "started", "status", "user" }.OrderBy(k => k, StringComparer.Ordinal).ToList(), keys);
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{id}", item["_links"]!["self"].Str("href"));
    }
}
