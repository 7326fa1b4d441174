using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.1 (submit/kill codes) and §13.2 (JSON vs multipart submit, attachments).</summary>
public class SubmitTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Submit_Returns202_WithAbsoluteLocation_AndEmptyBody()
    {
        var id = GenieServer.NewId("sub");
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(id, "'echo hello'"));
        await r.AssertStatus(HttpStatusCode.Accepted);
        await r.AssertEmptyBody();
        var loc = r.Headers.Location;
        Assert.NotNull(loc);
        Assert.True(loc!.IsAbsoluteUri, $"Location must be absolute: {loc}");
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{id}", loc.ToString());
        Assert.Equal(id, loc.AbsolutePath.Split('/').Last());
    }

    [Fact]
    public async Task Submit_WithoutId_GeneratesId_LastLocationSegmentIsTheJob()
    {
        using var r = await _s.Post("/api/v3/jobs", GenieServer.JobBody(null, "'echo generated'"));
        await r.AssertStatus(HttpStatusCode.Accepted);
        var id = r.Headers.Location!.AbsolutePath.Split('/').Last();
        Assert.False(string.IsNullOrWhiteSpace(id));
        var job = await _s.WaitFinished(id);
        Assert.Equal(id, job.Str("id"));
        Assert.Equal("SUCCEEDED", job.Str("status"));
    }

    [Fact]
    public async Task Submit_DefaultSeed_EchoHello_PrintsHelloToStdout()
    {
        var (_, stdout) = await _s.RunScript("echo hello");
        Assert.Equal("hello\n", stdout);
    }

    [Fact]
    public async Task Kill_RunningJob_Returns202_WithEmptyBody()
    {
        var id = await _s.SubmitScript("sleep 30");
        await _s.WaitStatus(id, "RUNNING");
        using var r = await _s.Delete("/api/v3/jobs/" + id);
        await r.AssertStatus(HttpStatusCode.Accepted);
        await r.AssertEmptyBody();
        var job = await _s.WaitFinished(id);
        Assert.Equal("KILLED", job.Str("status"));
    }

    [Fact]
    public async Task Multipart_Submit_Returns202_AndAttachmentsLandInJobDirRoot()
    {
        var id = GenieServer.NewId("mp");
        var body = GenieServer.JobBody(id, GenieServer.Quote("cat data.txt; cat other.csv"));
        using var content = Json.Multipart(body, ("data.txt", Encoding.UTF8.GetBytes("first-attachment\n")), ("other.csv", Encoding.UTF8.GetBytes("a,b\n")));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertStatus(HttpStatusCode.Accepted);
        await r.AssertEmptyBody();
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{id}", r.Headers.Location!.ToString());
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("first-attachment\na,b\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        Assert.Equal("first-attachment\n", await _s.GetText($"/api/v3/jobs/{id}/output/data.txt"));
        var listing = await _s.GetObject($"/api/v3/jobs/{id}/output");
        var files = listing["files"]!.AsArray().Select(f => f.Str("name")).ToList();
        Assert.Contains("data.txt", files);
        Assert.Contains("other.csv", files);
        Assert.True(File.Exists(Path.Combine(_s.JobDir(id), "data.txt")), "attachment not in job dir root on disk");
    }

    [Fact]
    public async Task Multipart_Attachments_AppearInRequestDependencies_G4()
    {
        var id = GenieServer.NewId("mp");
        var body = GenieServer.JobBody(id, "'true'");
        var depFile = Path.Combine(_s.NewScratchDir("dep"), "own-dep.txt");
        File.WriteAllText(depFile, "own");
        var depUri = new Uri(depFile).AbsoluteUri;
        body["dependencies"] = Json.Arr(depUri);
        using var content = Json.Multipart(body, ("dep-a.txt", Encoding.UTF8.GetBytes("A")), ("dep-b.txt", Encoding.UTF8.GetBytes("BB")));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertStatus(HttpStatusCode.Accepted);
        var req = await _s.GetObject($"/api/v3/jobs/{id}/request");
        var deps = req.Strs("dependencies");
        Assert.Contains(depUri, deps);
        Assert.Equal(3, deps.Count);
        Assert.Contains(deps, d => d.EndsWith("dep-a.txt", StringComparison.Ordinal));
        Assert.Contains(deps, d => d.EndsWith("dep-b.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Multipart_Attachments_CountedInJobMetadata()
    {
        var id = GenieServer.NewId("mp");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'true'"), ("one.bin", new byte[10]), ("two.bin", new byte[32]));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertStatus(HttpStatusCode.Accepted);
        var meta = await _s.GetObject($"/api/v3/jobs/{id}/metadata");
        Assert.Equal(2, meta["numAttachments"]!.GetValue<int>());
        Assert.Equal(42, meta["totalSizeOfAttachments"]!.GetValue<long>());
    }

    [Fact]
    public async Task Multipart_WithoutAttachmentParts_IsAccepted_G4()
    {
        var id = GenieServer.NewId("mp");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'echo no-attachments'"));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertStatus(HttpStatusCode.Accepted);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        var meta = await _s.GetObject($"/api/v3/jobs/{id}/metadata");
        Assert.Equal(0, meta["numAttachments"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b.txt")]
    [InlineData("../escape.txt")]
    public async Task Multipart_IllegalAttachmentName_Returns400_AndCreatesNoJob(string fileName)
    {
        var id = GenieServer.NewId("bad");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'true'"), (fileName, Encoding.UTF8.GetBytes("x")));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.BadRequest);
        using var g = await _s.Get("/api/v3/jobs/" + id);
        Assert.Equal(HttpStatusCode.NotFound, g.StatusCode);
        Assert.False(File.Exists(Path.Combine(_s.DataDir, "jobs", "escape.txt")));
    }

    [Fact]
    public async Task Multipart_DuplicateId_Returns409()
    {
        var id = await _s.SubmitScript("true");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'true'"), ("f.txt", Encoding.UTF8.GetBytes("x")));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.Conflict);
    }
}

/// <summary>§7 attachment limits: 413 with small --max-attachment-size / --max-total-attachment-size.</summary>
public class AttachmentLimitTests(AttachmentLimitTests.SmallLimitsFixture fx) : IClassFixture<AttachmentLimitTests.SmallLimitsFixture>
{
    public sealed class SmallLimitsFixture : DefaultServerFixture
    {
        protected override IEnumerable<string> Args => ["--max-attachment-size", "1000", "--max-total-attachment-size", "1500"];
    }

    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Multipart_AttachmentLargerThanMaxAttachmentSize_Returns413_AndCreatesNoJob()
    {
        var id = GenieServer.NewId("big");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'true'"), ("big.bin", new byte[1001]));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.RequestEntityTooLarge);
        using var g = await _s.Get("/api/v3/jobs/" + id);
        Assert.Equal(HttpStatusCode.NotFound, g.StatusCode);
    }

    [Fact]
    public async Task Multipart_AttachmentsOverTotalLimit_Returns413()
    {
        var id = GenieServer.NewId("big");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'true'"), ("a.bin", new byte[800]), ("b.bin", new byte[800]));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertError(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Multipart_AttachmentsWithinLimits_Accepted()
    {
        var id = GenieServer.NewId("ok");
        using var content = Json.Multipart(GenieServer.JobBody(id, "'wc -c < a.bin'"), ("a.bin", new byte[1000]), ("b.bin", new byte[500]));
        using var r = await _s.Http.PostAsync("/api/v3/jobs", content);
        await r.AssertStatus(HttpStatusCode.Accepted);
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("1000", (await _s.GetText($"/api/v3/jobs/{id}/output/stdout")).Trim());
    }
}
