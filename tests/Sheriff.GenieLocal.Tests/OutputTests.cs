using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>Shared finished job whose stdout is exactly "hello world\n" (12 bytes).</summary>
public sealed class OutputFixture : IAsyncLifetime
{
    private GenieServer? _server;

    public GenieServer Server => _server!;
    public string JobId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await GenieServer.StartAsync();
        JobId = await _server.SubmitScript("printf 'hello world\\n'; printf 'err' >&2; mkdir -p sub/deeper; echo nested > sub/deeper/n.txt; printf '\\000\\001\\002\\377' > blob.bin");
        var job = await _server.WaitFinished(JobId);
        if (job.Str("status") != "SUCCEEDED")
        {
            throw new InvalidOperationException("fixture job failed: " + job.ToJsonString());
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>§13.11 — /output listing (JSON/HTML), file bytes and headers, Range (§6.3), live growth, availability, traversal.</summary>
public class OutputTests(OutputFixture fx) : IClassFixture<OutputFixture>
{
    private readonly GenieServer _s = fx.Server;
    private readonly string _job = fx.JobId;

    private string Out(string path = "") => $"/api/v3/jobs/{_job}/output{(path.Length > 0 ? "/" + path : "")}";

    private Task<HttpResponseMessage> Ranged(string range)
        => _s.Get(Out("stdout"), configure: r => r.Headers.TryAddWithoutValidation("Range", range));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Listing_Root_IsJsonByDefault_ParentNull(string suffix)
    {
        using var r = await _s.Get($"/api/v3/jobs/{_job}/output{suffix}");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", r.MediaType());
        var body = Assert.IsType<JsonObject>(await r.ReadJson());
        Assert.True(body.ContainsKey("parent") && body["parent"] is null, "parent must be null at the job root");
        Assert.IsType<JsonArray>(body["directories"]);
        Assert.IsType<JsonArray>(body["files"]);
    }

    [Fact]
    public async Task Listing_Root_ContainsRunStdoutStderrAndGenieDir()
    {
        var body = await _s.GetObject(Out());
        var files = body["files"]!.AsArray().Select(f => f.Str("name")).ToList();
        var dirs = body["directories"]!.AsArray().Select(d => d.Str("name")).ToList();
        Assert.Contains("run", files);
        Assert.Contains("stdout", files);
        Assert.Contains("stderr", files);
        Assert.Contains("genie/", dirs);
        Assert.Contains("sub/", dirs);
    }

    [Fact]
    public async Task Listing_EntriesSortedOrdinally_DirectoryNamesEndWithSlash()
    {
        var body = await _s.GetObject(Out());
        var files = body["files"]!.AsArray().Select(f => f.Str("name")!).ToList();
        var dirs = body["directories"]!.AsArray().Select(d => d.Str("name")!).ToList();
        Assert.Equal(files.OrderBy(x => x, StringComparer.Ordinal).ToList(), files);
        Assert.Equal(dirs.OrderBy(x => x, StringComparer.Ordinal).ToList(), dirs);
        Assert.All(dirs, d => Assert.EndsWith("/", d));
        Assert.All(files, f => Assert.False(f.EndsWith('/')));
    }

    [Fact]
    public async Task Listing_UrlsAreAbsoluteAndFetchable_DirUrlsWithoutTrailingSlash_G4()
    {
        var body = await _s.GetObject(Out());
        var stdout = body["files"]!.AsArray().Single(f => f.Str("name") == "stdout")!;
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{_job}/output/stdout", stdout.Str("url"));
        Assert.Equal(12, stdout["size"]!.GetValue<long>());
        using (var r = await _s.Http.GetAsync(stdout.Str("url")))
        {
            Assert.Equal("hello world\n", await r.Content.ReadAsStringAsync());
        }

        var genie = body["directories"]!.AsArray().Single(d => d.Str("name") == "genie/")!;
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{_job}/output/genie", genie.Str("url"));
        using (var r = await _s.Http.GetAsync(genie.Str("url")))
        {
            await r.AssertStatus(HttpStatusCode.OK);
            Assert.Contains("logs/", (await r.ReadJson())["directories"]!.AsArray().Select(d => d.Str("name")));
        }
    }

    [Fact]
    public async Task Listing_FileSizes_MatchBytesOnDisk_DirectorySizeIsFilesystemSize_G4()
    {
        var body = await _s.GetObject(Out());
        var run = body["files"]!.AsArray().Single(f => f.Str("name") == "run")!;
        Assert.Equal(new FileInfo(Path.Combine(_s.JobDir(_job), "run")).Length, run["size"]!.GetValue<long>());
        var genie = body["directories"]!.AsArray().Single(d => d.Str("name") == "genie/")!;
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%s", Path.Combine(_s.JobDir(_job), "genie")]) { RedirectStandardOutput = true };
        using var stat = System.Diagnostics.Process.Start(psi)!;
        var fsSize = long.Parse((await stat.StandardOutput.ReadToEndAsync()).Trim());
        await stat.WaitForExitAsync();
        Assert.Equal(fsSize, genie["size"]!.GetValue<long>()); // filesystem size of the directory entry (4096 on ext4)
    }

    [Fact]
    public async Task Listing_FirstLevelSubdir_ParentIsJobIdSlash_WithRootUrl_G4()
    {
        var body = await _s.GetObject(Out("genie"));
        var parent = Assert.IsType<JsonObject>(body["parent"]);
        Assert.Equal(_job + "/", parent.Str("name"));
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{_job}/output/", parent.Str("url"));
    }

    [Fact]
    public async Task Listing_SecondLevelSubdir_ParentIsParentDirName_G4()
    {
        var body = await _s.GetObject(Out("sub/deeper"));
        var parent = Assert.IsType<JsonObject>(body["parent"]);
        Assert.Equal("sub/", parent.Str("name"));
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{_job}/output/sub", parent.Str("url"));
        Assert.True(parent["size"]!.GetValue<long>() > 0);
        var file = Assert.Single(body["files"]!.AsArray());
        Assert.Equal("n.txt", file.Str("name"));
        Assert.Equal($"{_s.Origin}/api/v3/jobs/{_job}/output/sub/deeper/n.txt", file.Str("url"));
    }

    [Fact]
    public async Task Listing_AcceptHtml_ReturnsHtmlPage()
    {
        using var r = await _s.Get(Out(), accept: "text/html,application/xhtml+xml");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/html", r.MediaType());
        var html = await r.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("stdout", html);
    }

    [Fact]
    public async Task Listing_AcceptJsonExplicit_ReturnsJson()
    {
        using var r = await _s.Get(Out(), accept: "application/json");
        Assert.Equal("application/json", r.MediaType());
    }

    [Fact]
    public async Task File_FullBody_WithTextPlainLengthAcceptRangesLastModified()
    {
        using var r = await _s.Get(Out("stdout"));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("hello world\n", await r.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", r.MediaType());
        Assert.Equal(12, r.Content.Headers.ContentLength);
        Assert.Contains("bytes", r.Headers.AcceptRanges);
        Assert.NotNull(r.Content.Headers.LastModified);
    }

    [Fact]
    public async Task File_Run_IsTextPlain()
    {
        using var r = await _s.Get(Out("run"));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("text/plain", r.MediaType());
    }

    [Fact]
    public async Task File_Binary_IsOctetStream_BytesExact()
    {
        using var r = await _s.Get(Out("blob.bin"));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/octet-stream", r.MediaType());
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, await r.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task File_Nested_IsServed()
    {
        Assert.Equal("nested\n", await _s.GetText(Out("sub/deeper/n.txt")));
    }

    [Theory]
    [InlineData("bytes=0-11", "hello world\n", "bytes 0-11/12")]
    [InlineData("bytes=10-", "d\n", "bytes 10-11/12")]
    [InlineData("bytes=-2", "d\n", "bytes 10-11/12")]
    [InlineData("bytes=6-10", "world", "bytes 6-10/12")]
    [InlineData("bytes=0-1000", "hello world\n", "bytes 0-11/12")]
    public async Task Output_Range_Returns206_WithContentRange(string range, string expected, string contentRange)
    {
        using var r = await Ranged(range);
        await r.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(expected, await r.Content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), r.Content.Headers.ContentLength);
        Assert.Equal(contentRange, r.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Output_RangeStartBeyondLength_Returns416_WithZeroContentLength()
    {
        using var r = await Ranged("bytes=12-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, r.StatusCode);
        Assert.Equal(0, r.Content.Headers.ContentLength);
        Assert.Empty(await r.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Output_Range416_ContentRangeIsBytesStarSlashZero_G4()
    {
        using var r = await Ranged("bytes=100-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, r.StatusCode);
        Assert.True(r.Content.Headers.TryGetValues("Content-Range", out var values), "416 must carry Content-Range");
        Assert.Equal("bytes */0", Assert.Single(values));
    }

    [Fact]
    public async Task Output_NoRange_Returns200FullBody()
    {
        using var r = await _s.Get(Out("stderr"));
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("err", await r.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("nope.txt")]
    [InlineData("genie/nope/deeper")]
    public async Task Output_MissingPath_Returns404(string path)
    {
        using var r = await _s.Get(Out(path));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Theory]
    [InlineData("..%2F..%2Fgenie.db")]
    [InlineData("%2e%2e%2f%2e%2e%2fgenie.db")]
    [InlineData("%2E%2E/%2E%2E/genie.db")]
    [InlineData("../../genie.db")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("..%5C..%5Cgenie.db")]
    [InlineData("sub/..%2F..%2F..%2F..%2Fgenie.db")]
    public async Task Output_PathTraversal_IsRefused(string raw)
    {
        var uri = new Uri($"{_s.Origin}/api/v3/jobs/{_job}/output/{raw}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var req = new HttpRequestMessage(HttpMethod.Get, uri);
        using var r = await _s.Http.SendAsync(req);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        var text = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("SQLite format", text);
        Assert.DoesNotContain("root:", text);
        Assert.True(r.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"traversal {raw} -> {(int)r.StatusCode}");
    }

    [Fact]
    public async Task Output_OtherJobsDirectory_NotReachable()
    {
        var other = await _s.SubmitScript("echo secret-of-other");
        await _s.WaitFinished(other);
        var uri = new Uri($"{_s.Origin}/api/v3/jobs/{_job}/output/..%2F{other}%2Fstdout", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var r = await _s.Http.GetAsync(uri);
        Assert.DoesNotContain("secret-of-other", await r.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Output_DataDirGenieDb_NotReachableAsJobFile()
    {
        Assert.True(File.Exists(Path.Combine(_s.DataDir, "genie.db")), "expected genie.db in the data dir");
        using var r = await _s.Get(Out("genie.db"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }
}

/// <summary>§13.11 live growth of stdout while RUNNING, and Range tailing during growth.</summary>
public class LiveOutputTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Output_StdoutGrowsLive_WhileRunning()
    {
        var id = await _s.SubmitScript("echo first; sleep 3; echo second");
        var early = await _s.WaitForText($"/api/v3/jobs/{id}/output/stdout", t => t.Contains("first"));
        Assert.Equal("RUNNING", await _s.Status(id));
        Assert.DoesNotContain("second", early);
        var listing = await _s.GetObject($"/api/v3/jobs/{id}/output");
        Assert.Equal(6, listing["files"]!.AsArray().Single(f => f.Str("name") == "stdout")!["size"]!.GetValue<long>());

        using (var r = await _s.Get($"/api/v3/jobs/{id}/output/stdout", configure: m => m.Headers.TryAddWithoutValidation("Range", "bytes=6-")))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, r.StatusCode);
        }

        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("first\nsecond\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
        using var tail = await _s.Get($"/api/v3/jobs/{id}/output/stdout", configure: m => m.Headers.TryAddWithoutValidation("Range", "bytes=6-"));
        await tail.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal("second\n", await tail.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Output_StderrGrowsLive_WhileRunning()
    {
        var id = await _s.SubmitScript("echo e1 >&2; sleep 3; echo e2 >&2");
        var early = await _s.WaitForText($"/api/v3/jobs/{id}/output/stderr", t => t.Contains("e1"));
        Assert.DoesNotContain("e2", early);
        await _s.WaitFinished(id);
        Assert.Equal("e1\ne2\n", await _s.GetText($"/api/v3/jobs/{id}/output/stderr"));
    }

    [Fact]
    public async Task Output_ListingWhileRunning_ShowsFilesTheJobCreates()
    {
        var id = await _s.SubmitScript("echo x > made-early.txt; sleep 3; echo y > made-late.txt");
        try
        {
            var names = await WaitForListing(id, n => n.Contains("made-early.txt"));
            Assert.DoesNotContain("made-late.txt", names);
        }
        finally
        {
            await _s.WaitFinished(id);
        }

        var after = (await _s.GetObject($"/api/v3/jobs/{id}/output"))["files"]!.AsArray().Select(f => f.Str("name")!).ToList();
        Assert.Contains("made-late.txt", after);
    }

    private async Task<List<string>> WaitForListing(string id, Func<List<string>, bool> until)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var names = new List<string>();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var r = await _s.Get($"/api/v3/jobs/{id}/output");
            if (r.StatusCode == HttpStatusCode.OK)
            {
                names = (await r.ReadJson())["files"]!.AsArray().Select(f => f.Str("name")!).ToList();
                if (until(names))
                {
                    return names;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail("listing condition not reached: " + string.Join(",", names));
        return names;
    }
}
