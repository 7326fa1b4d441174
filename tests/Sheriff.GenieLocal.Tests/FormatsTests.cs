using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.10 — G4 timestamp text (ms-truncated, no fraction when ms == 0) and ISO-8601 durations.</summary>
public class FormatsTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task ResourceTimestamps_AreG4Format_AndCreatedNotAfterUpdated()
    {
        for (var i = 0; i < 25; i++)
        {
            var id = await _s.CreateCluster(GenieServer.NewId("ts"));
            var o = await _s.GetObject("/api/v3/clusters/" + id);
            Json.AssertG4Timestamp(o.Str("created"), "created");
            Json.AssertG4Timestamp(o.Str("updated"), "updated");
            Assert.True(o.Time("created") <= o.Time("updated"));
        }
    }

    [Fact]
    public async Task Timestamps_AreTruncatedToMilliseconds_AndUtc()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = await _s.CreateApplication(GenieServer.NewId("ts"));
        var created = (await _s.GetObject("/api/v3/applications/" + id)).Time("created");
        Assert.Equal(0, created.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(TimeSpan.Zero, created.Offset);
        Assert.InRange(created, before, DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task JobTimestampsAndExecutionTimeout_AreG4Format()
    {
        var id = await _s.SubmitScript("echo f");
        var job = await _s.WaitFinished(id);
        foreach (var f in new[] { "created", "updated", "started", "finished" })
        {
            Json.AssertG4Timestamp(job.Str(f), "job." + f);
        }

        var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
        Json.AssertG4Timestamp(exec.Str("timeout"), "execution.timeout");
        Json.AssertG4Timestamp(exec.Str("created"), "execution.created");
        var md = await _s.GetObject($"/api/v3/jobs/{id}/metadata");
        Json.AssertG4Timestamp(md.Str("created"), "metadata.created");
    }

    [Fact]
    public async Task Runtime_IsIsoDuration_EqualToFinishedMinusStarted()
    {
        var id = await _s.SubmitScript("sleep 1.2");
        var job = await _s.WaitFinished(id);
        var text = job.Str("runtime")!;
        Assert.Matches(Json.IsoDuration, text);
        Assert.Equal(job.Time("finished") - job.Time("started"), Json.Duration(text));
        Assert.True(Json.Duration(text) >= TimeSpan.FromSeconds(1.1));
    }

    [Fact]
    public async Task Runtime_NotStarted_IsPT0S()
    {
        var id = GenieServer.NewId("nr");
        using (var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(id, "'true'", ["no-such-" + id])))
        {
            Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, r.StatusCode);
        }

        Assert.Equal("PT0S", (await _s.GetObject("/api/v3/jobs/" + id)).Str("runtime"));
    }

    [Fact]
    public async Task SearchResult_TimestampsAndRuntime_SameFormats()
    {
        var id = await _s.SubmitScript("true");
        await _s.WaitFinished(id);
        var item = (await _s.GetObject("/api/v3/jobs?id=" + id))["_embedded"]!["jobSearchResultList"]![0]!;
        Json.AssertG4Timestamp(item.Str("started"), "started");
        Json.AssertG4Timestamp(item.Str("finished"), "finished");
        Assert.Matches(Json.IsoDuration, item.Str("runtime")!);
    }

    [Fact]
    public async Task OutputListing_LastModified_IsG4Format()
    {
        var id = await _s.SubmitScript("echo x");
        await _s.WaitFinished(id);
        var listing = await _s.GetObject($"/api/v3/jobs/{id}/output");
        foreach (var entry in listing["files"]!.AsArray().Concat(listing["directories"]!.AsArray()))
        {
            Json.AssertG4Timestamp(entry.Str("lastModified"), "lastModified of " + entry.Str("name"));
        }
    }

    [Fact]
    public async Task JsonOutput_Enums_AreUpperCase()
    {
        var id = GenieServer.NewId("en");
        var body = GenieServer.CommandBody(id, [], [["x"]], "deprecated");
        await _s.CreateAsync("commands", body);
        Assert.Equal("DEPRECATED", (await _s.GetObject("/api/v3/commands/" + id)).Str("status"));
        var app = GenieServer.ApplicationBody(GenieServer.NewId("en"), status: "inactive");
        var appId = await _s.CreateAsync("applications", app);
        Assert.Equal("INACTIVE", (await _s.GetObject("/api/v3/applications/" + appId)).Str("status"));
    }
}
