using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sheriff.Core.Genie;
using Xunit;

namespace Sheriff.Core.Tests;

/// <summary>Decoding and line splitting of job output: chunk boundaries, CRLF, invalid UTF-8 (no exceptions, ever).</summary>
public class Utf8LineSplitterTests
{
    private static List<string> Feed(Utf8LineSplitter s, byte[] bytes, params int[] cuts)
    {
        var lines = new List<string>();
        var start = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            s.Write(bytes, start, cut - start, lines);
            start = cut;
        }
        return lines;
    }

    [Fact]
    public void Splits_OnLf_RemovesOneTrailingCr_HoldsPartialUntilFlush()
    {
        var s = new Utf8LineSplitter();
        var lines = Feed(s, Encoding.UTF8.GetBytes("a\r\nb\n\nc\r\r\ntail"));
        Assert.Equal(new[] { "a", "b", "", "c\r" }, lines);
        Assert.True(s.HasPartialLine);
        Assert.Equal(4, s.PendingByteCount);
        Assert.Equal("tail", s.Flush());
        Assert.False(s.HasPartialLine);
        Assert.Null(s.Flush());
    }

    [Fact]
    public void CrLf_SplitBetweenReads_IsStillOneLineEnd()
    {
        var s = new Utf8LineSplitter();
        var bytes = Encoding.UTF8.GetBytes("first\r\nsecond\r\n");
        var lines = Feed(s, bytes, 6, 7, 14);
        Assert.Equal(new[] { "first", "second" }, lines);
        Assert.Null(s.Flush());
    }

    [Fact]
    public void EndingWithNewline_FlushReturnsNull_AndLoneCrAtEndIsRemoved()
    {
        var s = new Utf8LineSplitter();
        Assert.Equal(new[] { "x" }, Feed(s, Encoding.UTF8.GetBytes("x\n")));
        Assert.Null(s.Flush());
        var t = new Utf8LineSplitter();
        Assert.Empty(Feed(t, Encoding.UTF8.GetBytes("y\r")));
        Assert.Equal("y", t.Flush());
    }

    [Fact]
    public void MultibyteCharacters_SplitAtEveryPossibleBoundary_DecodeWhole()
    {
        const string text = "héllo € 😀 中文\nzweite Zeile ß\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var s = new Utf8LineSplitter();
            var lines = Feed(s, bytes, cut);
            Assert.Equal(new[] { "héllo € 😀 中文", "zweite Zeile ß" }, lines);
            Assert.Null(s.Flush());
        }
    }

    [Fact]
    public void MultibyteCharacters_FedOneByteAtATime_DecodeWhole()
    {
        var bytes = Encoding.UTF8.GetBytes("€😀\nπ");
        var s = new Utf8LineSplitter();
        var lines = Feed(s, bytes, Enumerable.Range(1, bytes.Length - 1).ToArray());
        Assert.Equal(new[] { "€😀" }, lines);
        Assert.Equal("π", s.Flush());
    }

    [Fact]
    public void InvalidUtf8_BecomesReplacementCharacters_NeverThrows()
    {
        var bytes = new byte[] { 0x61, 0xFF, 0xFE, 0x62, 0x0A, 0xC3, 0x0A, 0xE2, 0x82, 0x0A, 0x80, 0x63, 0x0A, 0x00, 0x0A };
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var s = new Utf8LineSplitter();
            var lines = Feed(s, bytes, cut);
            Assert.Equal(5, lines.Count);
            Assert.Equal("a\uFFFD\uFFFDb", lines[0]);
            Assert.Equal("\uFFFD", lines[1]);           // lone lead byte, cut short by the newline
            Assert.StartsWith("\uFFFD", lines[2]);      // truncated 3-byte sequence
            Assert.Equal("\uFFFDc", lines[3]);          // stray continuation byte
            Assert.Equal("\0", lines[4]);
            Assert.Null(s.Flush());
        }
    }

    [Fact]
    public void IncompleteCharacterAtEndOfData_FlushesAsReplacementCharacter()
    {
        var s = new Utf8LineSplitter();
        var lines = new List<string>();
        s.Write(new byte[] { 0x6F, 0x6B, 0xE2, 0x82 }, 0, 4, lines);
        Assert.Empty(lines);
        Assert.Equal("ok\uFFFD", s.Flush());
    }

    [Fact]
    public void SplitAll_IncludesUnterminatedLastLine()
    {
        var bytes = Encoding.UTF8.GetBytes("1\n2\r\n3");
        Assert.Equal(new[] { "1", "2", "3" }, Utf8LineSplitter.SplitAll(bytes, 0, bytes.Length));
    }
}

/// <summary>Choosing the last N lines from a window at the end of a file (the pure part of the tail).</summary>
public class SelectTailTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void WholeFile_LastTwoLines_WithPartialLine()
    {
        var t = JobOutputReader.SelectTail(B("a\nb\nc\npartial"), 0, 2, includePartialLastLine: true)!;
        Assert.Equal(new[] { "c", "partial" }, t.Lines);
        Assert.Equal("c\npartial", t.Text);
        Assert.Equal(13, t.EndOffset);
        Assert.Equal(4, t.StartOffset);
    }

    [Fact]
    public void WithoutPartialLine_EndOffsetIsTheStartOfThePartialLine()
    {
        var t = JobOutputReader.SelectTail(B("a\nb\nc\npartial"), 0, 2, includePartialLastLine: false)!;
        Assert.Equal(new[] { "b", "c" }, t.Lines);
        Assert.Equal(6, t.EndOffset);
        Assert.Equal("b\nc\n", t.Text);
    }

    [Fact]
    public void WindowInsideTheFile_FirstSegmentIsNotTrusted()
    {
        // window starts mid-file: "xx\n" may be the end of a longer line, so only 2 complete lines are known
        Assert.Null(JobOutputReader.SelectTail(B("xx\nb\nc\n"), 100, 3, includePartialLastLine: true));
        var t = JobOutputReader.SelectTail(B("xx\nb\nc\n"), 100, 2, includePartialLastLine: true)!;
        Assert.Equal(new[] { "b", "c" }, t.Lines);
        Assert.Equal(107, t.EndOffset);
        Assert.Equal(107, t.Length);
    }

    [Fact]
    public void NoNewlineInAWindowInsideTheFile_NeedsMore()
    {
        Assert.Null(JobOutputReader.SelectTail(B("abcdef"), 10, 1, includePartialLastLine: true));
        Assert.Null(JobOutputReader.SelectTail(B("abcdef"), 10, 0, includePartialLastLine: false));
    }

    [Fact]
    public void FewerLinesThanAsked_AtFileStart_ReturnsAll()
    {
        var t = JobOutputReader.SelectTail(B("one\ntwo\n"), 0, 10, includePartialLastLine: true)!;
        Assert.Equal(new[] { "one", "two" }, t.Lines);
        Assert.Equal(0, t.StartOffset);
    }

    [Fact]
    public void ZeroLines_EndsAtFileEnd_OrAtThePartialLine()
    {
        var all = JobOutputReader.SelectTail(B("a\nb"), 0, 0, includePartialLastLine: true)!;
        Assert.Empty(all.Lines);
        Assert.Equal(3, all.EndOffset);
        var complete = JobOutputReader.SelectTail(B("a\nb"), 0, 0, includePartialLastLine: false)!;
        Assert.Equal(2, complete.EndOffset);
    }

    [Fact]
    public void EmptyFile_IsAnEmptyTail()
    {
        var t = JobOutputReader.SelectTail(Array.Empty<byte>(), 0, 5, includePartialLastLine: true)!;
        Assert.Empty(t.Lines);
        Assert.Equal(0, t.EndOffset);
    }

    [Fact]
    public void EmptyLines_Count()
    {
        var t = JobOutputReader.SelectTail(B("\n\n\n"), 0, 2, includePartialLastLine: true)!;
        Assert.Equal(new[] { "", "" }, t.Lines);
        Assert.Equal(1, t.StartOffset);
    }
}

/// <summary>The reader against an in-memory Genie that implements §6 (ranges, 206/416, listing) and /status.</summary>
public class JobOutputReaderTests
{
    [Fact]
    public async Task Tail_OfABigFile_ReadsOnlyItsEnd()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 100_000).Select(i => $"line {i}\n"))));
        var reader = fake.Reader();
        var tail = await reader.TailLinesAsync("j1", "stdout", 5, true, default);
        Assert.Equal(Enumerable.Range(99_996, 5).Select(i => $"line {i}"), tail.Lines);
        Assert.Equal(1, tail.Requests);
        Assert.Equal(8192, tail.BytesRead);
        Assert.Equal(fake.Length("j1", "stdout"), tail.EndOffset);
        Assert.Equal(8192, fake.BytesServed);
    }

    [Fact]
    public async Task Tail_WithLongLines_GrowsTheWindowGeometrically_WithoutRereading()
    {
        var fake = new FakeGenie();
        var longLine = new string('x', 20_000);
        var text = "head\n" + longLine + "\n" + longLine + "é\n" + "short\n";
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes(text));
        var reader = fake.Reader();
        var tail = await reader.TailLinesAsync("j1", "stdout", 3, true, default);
        Assert.Equal(new[] { longLine, longLine + "é", "short" }, tail.Lines);
        // 40,015 bytes: 8 KiB from the end, then 24 KiB before that (a 32 KiB window), then the rest; nothing twice
        Assert.Equal(new[] { "bytes=-8192", "bytes=7247-31822", "bytes=0-7246" }, fake.Ranges);
        Assert.Equal(fake.Length("j1", "stdout"), fake.BytesServed);
        Assert.Equal(3, tail.Requests);
    }

    [Fact]
    public async Task Tail_OfAnEmptyFile_IsEmpty()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "stderr", Array.Empty<byte>());
        var tail = await fake.Reader().TailLinesAsync("j1", "stderr", 5, true, default);
        Assert.Empty(tail.Lines);
        Assert.Equal(0, tail.EndOffset);
    }

    [Fact]
    public async Task Tail_ServerIgnoringRange_StillCorrect()
    {
        var fake = new FakeGenie { IgnoreRange = true };
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("a\nb\nc\n"));
        var tail = await fake.Reader().TailLinesAsync("j1", "stdout", 2, true, default);
        Assert.Equal(new[] { "b", "c" }, tail.Lines);
    }

    [Fact]
    public async Task MissingPath_IsOutputNotFound_UnknownJob_IsTheStatus404()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("x\n"));
        var reader = fake.Reader();
        var missing = await Assert.ThrowsAsync<GenieOutputNotFoundException>(() => reader.TailLinesAsync("j1", "nope.log", 5, true, default));
        Assert.Equal("j1", missing.JobId);
        Assert.Equal("nope.log", missing.Path);
        var unknown = await Assert.ThrowsAsync<GenieApiException>(() => reader.ReadAllTextAsync("ghost", "stdout", default));
        Assert.True(unknown.IsNotFound);
        Assert.Contains("No job with id ghost", unknown.Message);
    }

    [Fact]
    public async Task CopyTo_IsByteExact_ForBinaryContent()
    {
        var fake = new FakeGenie();
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 256)).ToArray();
        fake.SetFile("j1", "blob.bin", bytes);
        using var target = new MemoryStream();
        var n = await fake.Reader().CopyToAsync("j1", "blob.bin", target, default);
        Assert.Equal(bytes.Length, n);
        Assert.Equal(bytes, target.ToArray());
    }

    [Fact]
    public async Task WholeFile_IsStreamed_NotBufferedBeforeTheFirstBatch()
    {
        var fake = new FakeGenie();
        var source = new CountingStream(20 * 1024 * 1024); // 20 MiB of "x…x\n" lines, produced on demand
        fake.SetStream("j1", "stdout", source);
        var reader = fake.Reader();
        using var lines = await reader.OpenLinesAsync("j1", "stdout", default);
        var first = await lines.ReadBatchAsync(default);
        Assert.NotEmpty(first!);
        Assert.True(source.Served < 1024 * 1024, $"{source.Served} bytes were pulled before the first batch");
    }

    [Fact]
    public async Task LineStream_And_ReadAllText()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("α\r\nβ\n\xFF\nlast"));
        var reader = fake.Reader();
        using (var stream = await reader.OpenLinesAsync("j1", "stdout", default))
        {
            var all = new List<string>();
            IReadOnlyList<string>? batch;
            while ((batch = await stream.ReadBatchAsync(default)) != null) all.AddRange(batch);
            Assert.Equal(new[] { "α", "β", "\u00FF", "last" }, all); // "\xFF" in a C# string is U+00FF, valid UTF-8 when encoded
        }
        Assert.Equal("α\r\nβ\n\u00FF\nlast", await reader.ReadAllTextAsync("j1", "stdout", default));
    }

    [Fact]
    public async Task List_MapsDirectoriesThenFiles_WithPaths()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "SUCCEEDED");
        fake.Listing = """
            {"parent": {"name": "j1/", "url": "http://genie.test/api/v3/jobs/j1/output/", "size": 4096, "lastModified": "2024-05-01T10:00:03Z"},
             "directories": [{"name": "logs/", "url": "http://genie.test/api/v3/jobs/j1/output/genie/logs", "size": 4096, "lastModified": "2024-05-01T10:00:03.120Z"}],
             "files": [{"name": "genie.done", "url": "http://genie.test/api/v3/jobs/j1/output/genie/genie.done", "size": 0, "lastModified": "2024-05-01T10:00:08.234Z"}]}
            """;
        var entries = await fake.Reader().ListAsync("j1", "genie/", default);
        Assert.Equal(2, entries.Count);
        Assert.True(entries[0].IsDirectory);
        Assert.Equal("logs", entries[0].Name);
        Assert.Equal("genie/logs", entries[0].Path);
        Assert.Equal("genie/logs/", entries[0].ToString());
        Assert.False(entries[1].IsDirectory);
        Assert.Equal("genie/genie.done", entries[1].Path);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 8, 234, TimeSpan.Zero), entries[1].LastModified);
        Assert.Equal("j1", entries[1].JobId);
    }

    [Fact]
    public async Task ReadingADirectory_IsAnError_ButAJsonFileIsReadAsIs()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "conf.json", Encoding.UTF8.GetBytes("{\"files\": 3,\n\"x\": [1]}"), "application/json");
        fake.Listing = """{"parent": null, "directories": [], "files": [{"name": "stdout", "url": "http://genie.test/x", "size": 1}]}""";
        var reader = fake.Reader();
        var ex = await Assert.ThrowsAsync<GenieOutputIsDirectoryException>(() => reader.ReadAllTextAsync("j1", "genie", default));
        Assert.Equal("genie", ex.Path);
        await Assert.ThrowsAsync<GenieOutputIsDirectoryException>(() => reader.TailLinesAsync("j1", "genie", 3, true, default));
        var f = reader.Follow("j1", "genie");
        await Assert.ThrowsAsync<GenieOutputIsDirectoryException>(() => f.ReadNewLinesAsync(default));
        Assert.Equal("{\"files\": 3,\n\"x\": [1]}", await reader.ReadAllTextAsync("j1", "conf.json", default));
        using var copy = new MemoryStream();
        await reader.CopyToAsync("j1", "conf.json", copy, default);
        Assert.Equal(fake.Length("j1", "conf.json"), copy.Length);
    }

    [Fact]
    public async Task List_OfAFile_DescribesThatFile()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "data/result.json", Encoding.UTF8.GetBytes("{\"a\": 1}"), "application/json");
        var entry = Assert.Single(await fake.Reader().ListAsync("j1", "data/result.json", default));
        Assert.Equal("result.json", entry.Name);
        Assert.Equal("data/result.json", entry.Path);
        Assert.Equal(8, entry.Size);
        Assert.False(entry.IsDirectory);
    }

    [Fact]
    public async Task Follow_DeliversGrowingOutput_KeepsSplitCharacters_HoldsPartialLine_StopsAfterTheJobEnds()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "RUNNING");
        var reader = fake.Reader();
        reader.PollInterval = TimeSpan.FromMilliseconds(1);
        var f = reader.Follow("j1", "stdout");
        f.ChunkSize = 5; // forces multibyte characters and lines across reads

        // stdout does not exist yet: nothing, not an error, while the job runs
        Assert.Empty(await f.ReadNewLinesAsync(default));
        Assert.False(f.Finished);
        Assert.NotNull(f.WaitingReason);

        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("größe €\npart"));
        var got = new List<string>();
        for (var i = 0; i < 10 && !f.Finished; i++) got.AddRange(await f.ReadNewLinesAsync(default));
        Assert.Equal(new[] { "größe €" }, got);     // "part" is held: no newline yet
        Assert.False(f.Finished);

        fake.Append("j1", "stdout", Encoding.UTF8.GetBytes("ial\r\nend"));
        fake.SetStatus("j1", "SUCCEEDED");
        while (!f.Finished) got.AddRange(await f.ReadNewLinesAsync(default));
        Assert.Equal(new[] { "größe €", "partial", "end" }, got);
        Assert.Equal("SUCCEEDED", f.FinalStatus);
        Assert.Equal(fake.Length("j1", "stdout"), f.Offset);
        Assert.Empty(await f.ReadNewLinesAsync(default));
    }

    [Fact]
    public async Task Follow_FinalReadAfterTheJobEnds_CatchesLastOutput()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "RUNNING");
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("one\n"));
        // the last line lands between the read that finds nothing and the status answer
        fake.OnStatus = () => { if (fake.Length("j1", "stdout") == 4) { fake.Append("j1", "stdout", Encoding.UTF8.GetBytes("two\n")); fake.SetStatus("j1", "FAILED"); } };
        var reader = fake.Reader();
        reader.PollInterval = TimeSpan.FromMilliseconds(1);
        var f = reader.Follow("j1", "stdout");
        var got = new List<string>();
        while (!f.Finished) got.AddRange(await f.ReadNewLinesAsync(default));
        Assert.Equal(new[] { "one", "two" }, got);
        Assert.Equal("FAILED", f.FinalStatus);
    }

    [Fact]
    public async Task Follow_OfAFinishedJob_DoesNotWaitAPollInterval()
    {
        var fake = new FakeGenie();
        fake.SetFile("j1", "stdout", Encoding.UTF8.GetBytes("a\nb"));
        var reader = fake.Reader();
        reader.PollInterval = TimeSpan.FromMinutes(5);
        var f = reader.Follow("j1", "stdout");
        var got = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!f.Finished) got.AddRange(await f.ReadNewLinesAsync(cts.Token));
        Assert.Equal(new[] { "a", "b" }, got);
    }

    [Fact]
    public async Task Follow_PathThatNeverAppears_IsOutputNotFoundOnceTheJobEnds()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "SUCCEEDED");
        var reader = fake.Reader();
        var f = reader.Follow("j1", "spark.log");
        await Assert.ThrowsAsync<GenieOutputNotFoundException>(async () => { while (!f.Finished) await f.ReadNewLinesAsync(default); });
    }

    [Fact]
    public async Task Follow_UnknownJob_IsNotFound()
    {
        var reader = new FakeGenie().Reader();
        var f = reader.Follow("ghost", "stdout");
        var ex = await Assert.ThrowsAsync<GenieApiException>(async () => { while (!f.Finished) await f.ReadNewLinesAsync(default); });
        Assert.True(ex.IsNotFound);
    }

    [Fact]
    public async Task Follow_IsCancelledDuringItsWait()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "RUNNING");
        fake.SetFile("j1", "stdout", Array.Empty<byte>());
        var reader = fake.Reader();
        reader.PollInterval = TimeSpan.FromMinutes(5);
        var f = reader.Follow("j1", "stdout");
        await f.ReadNewLinesAsync(default); // caught up: the next step asks /status, then waits 5 minutes
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.ReadNewLinesAsync(cts.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Follow_InByteMode_CopiesExactBytes()
    {
        var fake = new FakeGenie();
        fake.SetStatus("j1", "SUCCEEDED");
        var bytes = new byte[] { 0, 0xFF, 0xFE, 10, 13, 0xC3 };
        fake.SetFile("j1", "blob", bytes);
        var f = fake.Reader().Follow("j1", "blob");
        f.ChunkSize = 4;
        using var target = new MemoryStream();
        while (!f.Finished) await f.CopyNewBytesAsync(target, default);
        Assert.Equal(bytes, target.ToArray());
    }
}

/// <summary>In-memory stand-in for the parts of Genie the output reader uses (genie-api.md §5.2 status, §6).</summary>
internal sealed class FakeGenie : HttpMessageHandler
{
    private readonly Dictionary<string, (byte[] Bytes, string Type)> _files = new();
    private readonly Dictionary<string, string> _status = new();

    public bool IgnoreRange { get; set; }
    public string? Listing { get; set; }
    public Action? OnStatus { get; set; }
    public long BytesServed { get; private set; }
    public List<string> Ranges { get; } = new();

    public JobOutputReader Reader() => new(new GenieClient(new Uri("http://genie.test/"), this));

    public void SetFile(string job, string path, byte[] bytes, string type = "text/plain")
    {
        lock (_files) _files[job + "/" + path] = (bytes, type);
        if (!_status.ContainsKey(job)) SetStatus(job, "SUCCEEDED");
    }

    public void Append(string job, string path, byte[] more)
    {
        lock (_files)
        {
            var (bytes, type) = _files[job + "/" + path];
            _files[job + "/" + path] = (bytes.Concat(more).ToArray(), type);
        }
    }

    private readonly Dictionary<string, Stream> _streams = new();

    public void SetStream(string job, string path, Stream stream)
    {
        _streams[job + "/" + path] = stream;
        if (!_status.ContainsKey(job)) SetStatus(job, "SUCCEEDED");
    }

    public long Length(string job, string path) { lock (_files) return _files[job + "/" + path].Bytes.Length; }

    public void SetStatus(string job, string status) => _status[job] = status;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = Answer(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        var parts = path.Split('/', 6); // "", api, v3, jobs, id, rest
        var id = parts[4];
        var rest = parts.Length > 5 ? parts[5] : "";
        if (!_status.ContainsKey(id)) return Json(HttpStatusCode.NotFound, $"{{\"message\": \"No job with id {id} exists\"}}");
        if (rest == "status")
        {
            OnStatus?.Invoke();
            return Json(HttpStatusCode.OK, $"{{\"status\": \"{_status[id]}\"}}");
        }
        var file = rest.StartsWith("output/") ? rest.Substring(7) : rest == "output" ? "" : null;
        if (file == null) return Json(HttpStatusCode.NotFound, "{}");
        if (_streams.TryGetValue(id + "/" + file, out var stream))
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
        (byte[] Bytes, string Type) entry;
        lock (_files)
        {
            if (!_files.TryGetValue(id + "/" + file, out entry))
                return Listing != null ? Json(HttpStatusCode.OK, Listing) : Json(HttpStatusCode.NotFound, $"{{\"message\": \"No output {file}\"}}");
        }
        var bytes = entry.Bytes;
        var range = request.Headers.Range;
        if (range != null) Ranges.Add(range.ToString());
        if (range == null || IgnoreRange) return Bytes(HttpStatusCode.OK, bytes, 0, bytes.Length, entry.Type);

        var r = range.Ranges.Single();
        long from, to;
        if (r.From == null) { from = Math.Max(0, bytes.Length - r.To!.Value); to = bytes.Length - 1; }
        else { from = r.From.Value; to = Math.Min(r.To ?? long.MaxValue, bytes.Length - 1); }
        if (from >= bytes.Length || bytes.Length == 0)
        {
            var unsatisfiable = new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable) { Content = new ByteArrayContent(Array.Empty<byte>()) };
            unsatisfiable.Content.Headers.ContentRange = new ContentRangeHeaderValue(bytes.Length);
            return unsatisfiable;
        }
        var partial = Bytes(HttpStatusCode.PartialContent, bytes, from, to - from + 1, entry.Type);
        partial.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, to, bytes.Length);
        return partial;
    }

    private HttpResponseMessage Bytes(HttpStatusCode code, byte[] bytes, long from, long count, string type)
    {
        BytesServed += count;
        var response = new HttpResponseMessage(code) { Content = new ByteArrayContent(bytes, (int)from, (int)count) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode code, string body)
        => new(code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}

/// <summary>A read-only stream of <c>length</c> bytes of 99 'x' and a newline per line, counting what was read.</summary>
internal sealed class CountingStream(long length) : Stream
{
    public long Served { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => Served; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - Served);
        for (var i = 0; i < n; i++) buffer[offset + i] = (Served + i) % 100 == 99 ? (byte)'\n' : (byte)'x';
        Served += n;
        return n;
    }
}
