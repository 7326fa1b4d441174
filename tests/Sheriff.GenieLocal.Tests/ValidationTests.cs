using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.3 — required fields → 400 (G4); blank values / criteria / e-mail / long args → 412; never a job.</summary>
public class ValidationTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private async Task AssertRejectedWithoutJob(JsonObject body, HttpStatusCode expected)
    {
        var id = GenieServer.NewId("val");
        body["id"] = id;
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(expected);
        using var g = await _s.Get("/api/v3/jobs/" + id);
        Assert.True(g.StatusCode == HttpStatusCode.NotFound, $"a rejected request must not create a job, GET -> {(int)g.StatusCode}");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("user")]
    [InlineData("version")]
    [InlineData("clusterCriterias")]
    [InlineData("commandCriteria")]
    public async Task Submit_MissingRequiredField_Returns400_G4(string field)
    {
        var body = GenieServer.JobBody(null, "'true'");
        body.Remove(field);
        await AssertRejectedWithoutJob(body, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("user")]
    [InlineData("version")]
    public async Task Submit_BlankRequiredString_Returns412(string field)
    {
        var body = GenieServer.JobBody(null, "'true'");
        body[field] = "   ";
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_AllBlankCommandCriteria_Returns412()
    {
        var body = GenieServer.JobBody(null, "'true'");
        body["commandCriteria"] = Json.Arr("", "  ");
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_ClusterCriteriaWithOnlyBlankTags_Returns412()
    {
        var body = GenieServer.JobBody(null, "'true'", clusterCriterias: [["sched:adhoc"], [" ", ""]]);
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_BlankCommandCriteriaEntriesAreDropped_NonBlankStillResolve()
    {
        var body = GenieServer.JobBody(GenieServer.NewId("drop"), "'echo dropped-blanks'", commandCriteria: ["type:shell", "", "  "], clusterCriterias: [["sched:adhoc", " "]]);
        var id = await _s.Submit(body);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        Assert.Equal(["type:shell"], req.Strs("commandCriteria"));
        Assert.Equal(["sched:adhoc"], req["clusterCriterias"]![0].Strs("tags"));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@")]
    public async Task Submit_BadEmail_Returns412(string email)
    {
        var body = GenieServer.JobBody(null, "'true'");
        body["email"] = email;
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_ValidEmail_IsAccepted()
    {
        var body = GenieServer.JobBody(GenieServer.NewId("mail"), "'true'");
        body["email"] = "alice@example.com";
        var id = await _s.Submit(body);
        Assert.Equal("alice@example.com", (await _s.GetObject($"/api/v3/jobs/{id}/request")).Str("email"));
    }

    [Fact]
    public async Task Submit_CommandArgsLongerThan10000Chars_Returns412()
    {
        var body = GenieServer.JobBody(null, "echo " + new string('x', 10_001));
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_CommandArgsOfExactly10000Chars_IsAccepted()
    {
        var body = GenieServer.JobBody(GenieServer.NewId("long"), ":" + new string('x', 9_999));
        await _s.Submit(body);
    }

    [Fact]
    public async Task Submit_CommandArgumentsElementLongerThan10000Chars_Returns412()
    {
        var body = GenieServer.JobBody(null, "'true'");
        body.Remove("commandArgs");
        body["commandArguments"] = Json.Arr("echo", new string('y', 10_001));
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Theory]
    [InlineData("memory", 0)]
    [InlineData("cpu", 0)]
    [InlineData("timeout", 0)]
    public async Task Submit_NonPositiveNumber_Returns412(string field, int value)
    {
        var body = GenieServer.JobBody(null, "'true'");
        body[field] = value;
        await AssertRejectedWithoutJob(body, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Submit_IdLongerThan255_Returns412()
    {
        var body = GenieServer.JobBody(null, "'true'");
        body["id"] = new string('i', 256);
        using var r = await _s.Post("/api/v3/jobs", body);
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Theory]
    [InlineData("applications")]
    [InlineData("clusters")]
    [InlineData("commands")]
    public async Task Create_MissingStatus_Returns400_G4(string collection)
    {
        var id = GenieServer.NewId("nost");
        var body = collection switch
        {
            "applications" => GenieServer.ApplicationBody(id),
            "clusters" => GenieServer.ClusterBody(id, []),
            _ => GenieServer.CommandBody(id, [], [["x"]]),
        };
        body.Remove("status");
        using var r = await _s.Post("/api/v3/" + collection, body);
        await r.AssertError(HttpStatusCode.BadRequest);
        using var g = await _s.Get($"/api/v3/{collection}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, g.StatusCode);
    }

    [Theory]
    [InlineData("applications", "name")]
    [InlineData("clusters", "user")]
    [InlineData("commands", "version")]
    public async Task Create_BlankCommonField_Returns412(string collection, string field)
    {
        var id = GenieServer.NewId("blank");
        var body = collection switch
        {
            "applications" => GenieServer.ApplicationBody(id),
            "clusters" => GenieServer.ClusterBody(id, []),
            _ => GenieServer.CommandBody(id, [], [["x"]]),
        };
        body[field] = "";
        using var r = await _s.Post("/api/v3/" + collection, body);
        await r.AssertError(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Create_LowercaseEnum_IsAccepted_AndReturnedUppercase_G4()
    {
        var id = GenieServer.NewId("lc");
        var body = GenieServer.ClusterBody(id, []);
        body["status"] = "up";
        await _s.CreateAsync("clusters", body);
        Assert.Equal("UP", (await _s.GetObject("/api/v3/clusters/" + id)).Str("status"));
    }

    [Fact]
    public async Task Create_InvalidEnumValue_IsRejectedAsClientError_NotCreated()
    {
        var id = GenieServer.NewId("enum");
        var body = GenieServer.ClusterBody(id, []);
        body["status"] = "SIDEWAYS";
        using var r = await _s.Post("/api/v3/clusters", body);
        Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.PreconditionFailed, $"got {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        using var g = await _s.Get("/api/v3/clusters/" + id);
        Assert.Equal(HttpStatusCode.NotFound, g.StatusCode);
    }
}
