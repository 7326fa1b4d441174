using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.4 (409 duplicates, 404 with message everywhere) and §13.13 (G4 error bodies, never 500 on bad input).</summary>
public class ErrorsTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Submit_DuplicateJobId_Returns409_AndLeavesOriginalUntouched()
    {
        var id = await _s.SubmitScript("echo original");
        var body = GenieServer.JobBody(id, "'echo impostor'");
        body["name"] = "impostor";
        using var r = await _s.Post("/api/v3/jobs", body);
        var message = await r.AssertError(HttpStatusCode.Conflict);
        Assert.Contains(id, message);
        var job = await _s.WaitFinished(id);
        Assert.Equal("job-test", job.Str("name"));
        Assert.Equal("original\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Theory]
    [InlineData("applications")]
    [InlineData("clusters")]
    [InlineData("commands")]
    public async Task Create_DuplicateId_Returns409(string collection)
    {
        var id = GenieServer.NewId("dup");
        JsonObject Body(string name)
        {
            var b = collection switch
            {
                "applications" => GenieServer.ApplicationBody(id),
                "clusters" => GenieServer.ClusterBody(id, []),
                _ => GenieServer.CommandBody(id, [], [["x"]]),
            };
            b["name"] = name;
            return b;
        }

        await _s.CreateAsync(collection, Body("first"));
        using var r = await _s.Post("/api/v3/" + collection, Body("second"));
        await r.AssertError(HttpStatusCode.Conflict);
        Assert.Equal("first", (await _s.GetObject($"/api/v3/{collection}/{id}")).Str("name"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/status")]
    [InlineData("/request")]
    [InlineData("/execution")]
    [InlineData("/metadata")]
    [InlineData("/cluster")]
    [InlineData("/command")]
    [InlineData("/applications")]
    [InlineData("/output")]
    [InlineData("/output/")]
    [InlineData("/output/stdout")]
    public async Task UnknownJob_EverySubResource_Returns404_WithMessage(string sub)
    {
        var id = GenieServer.NewId("ghost");
        using var r = await _s.Get($"/api/v3/jobs/{id}{sub}");
        var message = await r.AssertError(HttpStatusCode.NotFound);
        Assert.Contains(id, message);
    }

    [Fact]
    public async Task UnknownJob_Kill_Returns404_WithMessage()
    {
        using var r = await _s.Delete("/api/v3/jobs/" + GenieServer.NewId("ghost"));
        await r.AssertError(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("applications", "")]
    [InlineData("applications", "/configs")]
    [InlineData("applications", "/tags")]
    [InlineData("applications", "/commands")]
    [InlineData("clusters", "")]
    [InlineData("clusters", "/dependencies")]
    [InlineData("clusters", "/commands")]
    [InlineData("commands", "")]
    [InlineData("commands", "/applications")]
    [InlineData("commands", "/clusters")]
    [InlineData("commands", "/clusterCriteria")]
    [InlineData("commands", "/resolvedClusters")]
    public async Task UnknownConfigResource_Returns404_WithMessage(string collection, string sub)
    {
        var id = GenieServer.NewId("ghost");
        using var r = await _s.Get($"/api/v3/{collection}/{id}{sub}");
        var message = await r.AssertError(HttpStatusCode.NotFound);
        Assert.Contains(id, message);
    }

    [Fact]
    public async Task NotFound_Body_IsG4Shape_MessageAndOptionalErrorCode()
    {
        var id = GenieServer.NewId("ghost");
        using var r = await _s.Get("/api/v3/jobs/" + id);
        await r.AssertError(HttpStatusCode.NotFound);
        var body = Assert.IsType<JsonObject>(await r.ReadJson());
        if (body.ContainsKey("errorCode"))
        {
            Assert.Equal(404, body["errorCode"]!.GetValue<int>());
        }

        Assert.StartsWith($"No job with id {id}", body.Str("message"));
        Assert.False(body.ContainsKey("trace"), "no stack trace in error bodies");
        Assert.False(body.ContainsKey("exception"), "G4 bodies are not Spring Boot 1.5 style");
    }

    [Fact]
    public async Task ResolutionFailure_412Body_HasErrorCodeOrMessageOnly()
    {
        var body = GenieServer.JobBody(GenieServer.NewId("nores"), "'true'", commandCriteria: ["no-such-tag-" + Guid.NewGuid().ToString("N")]);
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(HttpStatusCode.PreconditionFailed);
        var o = Assert.IsType<JsonObject>(await r.ReadJson());
        Assert.All(o.Select(p => p.Key), k => Assert.Contains(k, new[] { "errorCode", "message" }));
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task Submit_MalformedJson_Returns400_WithJsonMessage_Never500(string raw)
    {
        using var r = await _s.SendRaw(HttpMethod.Post, "/api/v3/jobs", raw);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submit_WrongJsonType_Returns400()
    {
        var body = GenieServer.JobBody(null, "'true'");
        body["timeout"] = "soon";
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submit_ClusterCriteriasNotAnArray_Returns400()
    {
        var body = GenieServer.JobBody(null, "'true'");
        body["clusterCriterias"] = "sched:adhoc";
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("POST", "/api/v3/clusters")]
    [InlineData("POST", "/api/v3/applications")]
    [InlineData("POST", "/api/v3/commands")]
    public async Task Create_MalformedJson_Returns400_WithJsonMessage(string method, string path)
    {
        using var r = await _s.SendRaw(new HttpMethod(method), path, "{\"id\": \"x\", ");
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Put_MalformedJson_Returns400()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("mal"), "a");
        using var r = await _s.SendRaw(HttpMethod.Put, "/api/v3/clusters/" + id, "{oops");
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_MalformedJsonPatch_Returns400()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("mal"), "a");
        using var r = await _s.SendRaw(HttpMethod.Patch, "/api/v3/clusters/" + id, "[{\"op\": ");
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SubCollection_MalformedJson_Returns400()
    {
        var id = await _s.CreateCluster(GenieServer.NewId("mal"), "a");
        using var r = await _s.SendRaw(HttpMethod.Post, $"/api/v3/clusters/{id}/tags", "[\"a\", ");
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_MalformedRequestPart_Returns400()
    {
        using var content = new MultipartFormDataContent();
        var part = new StringContent("{broken");
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Add(part, "request");
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_WithoutRequestPart_Returns400()
    {
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent([1, 2, 3]), "attachment", "x.bin");
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submit_UnsupportedContentType_Returns415()
    {
        using var r = await _s.SendRaw(HttpMethod.Post, "/api/v3/jobs", GenieServer.JobBody(null, "'true'").ToJsonString(), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
    }

    [Fact]
    public async Task UnsupportedMethod_Returns405()
    {
        using var r = await _s.Send(HttpMethod.Delete, "/api/v3");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
    }

    [Fact]
    public async Task UnknownJsonFields_AreIgnored_OnInput()
    {
        var body = GenieServer.JobBody(GenieServer.NewId("unk"), "'echo ok'");
        body["someFutureField"] = new JsonObject { ["nested"] = true };
        var id = await _s.Submit(body);
        Assert.Equal("SUCCEEDED", (await _s.WaitFinished(id)).Str("status"));
        var cl = GenieServer.ClusterBody(GenieServer.NewId("unk"), []);
        cl["launcherWhatever"] = 5;
        await _s.CreateAsync("clusters", cl);
    }
}
