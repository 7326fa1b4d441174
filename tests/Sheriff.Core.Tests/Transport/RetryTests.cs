using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Auth;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;
using Xunit;

namespace Sheriff.Core.Tests.Transport;

/// <summary>The retry rules over real HTTP to a scripted loopback server: what is retried, how often, how long.</summary>
public class RetryTests
{
    private const string JobJson = "{\"id\":\"x\",\"name\":\"n\",\"user\":\"u\",\"status\":\"RUNNING\"}";

    internal static GenieClient Fast(Uri uri, int attempts = 5, int baseMs = 1, int maxMs = 5, double totalSeconds = 30,
        double timeoutSeconds = 10, GenieCredential? credential = null)
        => new(uri, new GenieClientOptions
        {
            Retry = new RetryPolicy
            {
                MaxAttempts = attempts,
                BaseDelay = TimeSpan.FromMilliseconds(baseMs),
                MaxDelay = TimeSpan.FromMilliseconds(maxMs),
                MaxTotalTime = TimeSpan.FromSeconds(totalSeconds),
            },
            RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            Credential = credential,
        });

    private static List<GenieTransportEvent> Record(GenieClient client)
    {
        var events = new List<GenieTransportEvent>();
        client.TransportEvent += (_, e) => { lock (events) events.Add(e); };
        return events;
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(429)]
    public async Task Get_RetriesARetryableStatus_UpToMaxAttempts_ThenFailsWithThatStatus(int status)
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(status, "{\"message\":\"busy\"}"));
        using var client = Fast(server.Uri, attempts: 4);
        var ex = await Assert.ThrowsAsync<GenieApiException>(() => client.GetJobAsync("x", default));
        Assert.Equal(status, (int)ex.StatusCode);
        Assert.Equal(4, server.Count);
        Assert.Contains("(4 attempts over", ex.Message);
        Assert.Equal(3, client.Statistics.Retries);
        Assert.Equal(1, client.Statistics.GaveUp);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(429)]
    public async Task Get_SucceedsWhenTheServerRecovers(int status)
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(status), StubReply.Json(status), StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri);
        var job = await client.GetJobAsync("x", default);
        Assert.Equal("RUNNING", job.Status);
        Assert.Equal(3, server.Count);
        Assert.Equal(status.ToString(), Assert.Single(client.Statistics.RetriesByReason).Key);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(413)]
    [InlineData(500)]
    public async Task Get_NeverRetries_Other4xxOr500(int status)
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(status, "{\"message\":\"no\"}"), StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri);
        var ex = await Assert.ThrowsAsync<GenieApiException>(() => client.GetJobAsync("x", default));
        Assert.Equal(status, (int)ex.StatusCode);
        Assert.Equal(1, server.Count);
        Assert.Equal(0, client.Statistics.Retries);
    }

    [Fact]
    public async Task RetryAfter_DeltaSeconds_IsWaitedAtLeast()
    {
        using var server = StubHttpServer.Sequence(
            new StubReply { Status = 429, Headers = { ["Retry-After"] = "1" } },
            StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri);
        var events = Record(client);
        await client.GetJobAsync("x", default);
        var r = server.Requests.ToArray();
        Assert.Equal(2, r.Length);
        Assert.True(r[1].Received - r[0].Received >= TimeSpan.FromMilliseconds(990), $"waited only {(r[1].Received - r[0].Received).TotalMilliseconds} ms");
        Assert.EndsWith("(Retry-After)", Assert.Single(events).Message);
    }

    [Fact]
    public async Task RetryAfter_HttpDate_IsWaitedAtLeast()
    {
        // the date has whole seconds: three seconds ahead is more than two from now
        using var server = new StubHttpServer((_, n) => n == 1
            ? new StubReply { Status = 503, Headers = { ["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(3).ToString("r") } }
            : StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri);
        await client.GetJobAsync("x", default);
        var r = server.Requests.ToArray();
        Assert.True(r[1].Received - r[0].Received >= TimeSpan.FromMilliseconds(1900), $"waited only {(r[1].Received - r[0].Received).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RetryAfter_BeyondTheBudget_GivesUpAtOnce()
    {
        using var server = StubHttpServer.Sequence(new StubReply { Status = 429, Headers = { ["Retry-After"] = "60" } }, StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri, totalSeconds: 5);
        var events = Record(client);
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GenieApiException>(() => client.GetJobAsync("x", default));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
        Assert.Equal(429, (int)ex.StatusCode);
        Assert.Equal(1, server.Count);
        var e = Assert.Single(events);
        Assert.Equal(GenieTransportEventKind.GaveUp, e.Kind);
        Assert.Contains("Retry-After 60 s is beyond the retry budget of 5 s", e.Message);
    }

    [Fact]
    public async Task TotalBudget_BoundsTheRetries()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(503));
        using var client = Fast(server.Uri, attempts: 100, baseMs: 300, maxMs: 300, totalSeconds: 1);
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAsync<GenieApiException>(() => client.GetJobAsync("x", default));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.8), $"took {sw.Elapsed}");
        Assert.InRange(server.Count, 2, 99);
    }

    [Fact]
    public void Backoff_CeilingDoubles_UpToTheMaximum()
    {
        var p = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(new[] { 100, 200, 400, 800, 1000, 1000 }, Enumerable.Range(1, 6).Select(n => (int)p.BackoffCeiling(n).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(1), p.BackoffCeiling(1000)); // no overflow far out
    }

    [Fact]
    public void FullJitter_StaysWithin_ZeroToCeiling_AndUsesTheWholeRange()
    {
        var p = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };
        var random = new Random(42);
        for (var retry = 1; retry <= 8; retry++)
        {
            var ceiling = p.BackoffCeiling(retry);
            var samples = Enumerable.Range(0, 2000).Select(_ => p.JitteredDelay(retry, random.NextDouble())).ToList();
            Assert.All(samples, d => Assert.InRange(d, TimeSpan.Zero, ceiling));
            Assert.True(samples.Min() < TimeSpan.FromTicks(ceiling.Ticks / 20), "full jitter reaches near zero");
            Assert.True(samples.Max() > TimeSpan.FromTicks(ceiling.Ticks * 19 / 20), "full jitter reaches near the ceiling");
        }
        Assert.Equal(TimeSpan.Zero, p.JitteredDelay(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.JitteredDelay(1, 1.0));
        // Retry-After wins when it is longer than the jittered delay, never shortens it
        Assert.Equal(TimeSpan.FromSeconds(7), p.DelayBeforeRetry(1, 0.5, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), p.DelayBeforeRetry(1, 0.5, TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void RetryAfter_Parses_DeltaSeconds_AndHttpDates()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(120), RetryPolicy.ParseRetryAfter("120", now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter("Fri, 02 Jan 2026 03:04:35 GMT", now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter("Fri, 02 Jan 2026 03:00:00 GMT", now)); // in the past
        Assert.Null(RetryPolicy.ParseRetryAfter("soon", now));
        Assert.Null(RetryPolicy.ParseRetryAfter("-5", now));
    }

    [Fact]
    public async Task Timeout_OfEachAttempt_IsRetried_ThenAGenieTimeoutException()
    {
        using var server = StubHttpServer.Sequence(StubReply.Hangs());
        using var client = Fast(server.Uri, attempts: 2, timeoutSeconds: 0.3);
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GenieTimeoutException>(() => client.GetJobAsync("x", default));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(580), $"took {sw.Elapsed}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        // Counted on the client: on a loaded machine the stub may not have read the second request's headers before
        // that attempt's 0.3 s ran out, so the server's own count can lag behind.
        Assert.Equal(2L, client.Statistics.Attempts);
        Assert.InRange(server.Count, 1, 2);
        Assert.Contains("did not answer GET /api/v3/jobs/x within 0.3 s (2 attempts", ex.Message);
    }

    [Fact]
    public async Task ConnectionReset_AndTruncatedBody_AreRetriedForAGet()
    {
        using var server = StubHttpServer.Sequence(StubReply.Resets(), new StubReply { Truncate = true, Body = JobJson + new string(' ', 4000) }, StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri);
        var job = await client.GetJobAsync("x", default);
        Assert.Equal("x", job.Id);
        Assert.Equal(3, server.Count);
        Assert.Equal(2, client.Statistics.RetriesByReason["connection"]);
    }

    [Fact]
    public async Task PlainPost_IsNotRetried_On503OrReset()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(503), StubReply.Json(201));
        using var client = Fast(server.Uri);
        var events = Record(client);
        using var response = await client.Call("POST", "api/v3/clusters", () => client.AdminApi.CreateClusterAsync(new ClusterDto { Name = "c" }, default), default);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, server.Count);
        Assert.Contains("not retried: a POST may have reached the server", Assert.Single(events).Message);

        using var reset = StubHttpServer.Sequence(StubReply.Resets(), StubReply.Json(201));
        using var client2 = Fast(reset.Uri);
        await Assert.ThrowsAsync<GenieConnectionException>(() => client2.Call("POST", "api/v3/clusters", () => client2.AdminApi.CreateClusterAsync(new ClusterDto { Name = "c" }, default), default));
        Assert.Equal(1, reset.Count);
    }

    [Fact]
    public async Task PlainPost_IsRetried_WhenTheConnectionIsRefused()
    {
        var port = FreePort(); // nothing listens: every attempt is refused, so the request never reached a server
        using var client = Fast(new Uri($"http://127.0.0.1:{port}/"), attempts: 3);
        var events = Record(client);
        var ex = await Assert.ThrowsAsync<GenieConnectionException>(() => client.Call("POST", "api/v3/clusters", () => client.AdminApi.CreateClusterAsync(new ClusterDto { Name = "c" }, default), default));
        Assert.Equal(3, client.Statistics.Attempts);
        Assert.Equal(2, client.Statistics.RetriesByReason["connect"]);
        Assert.Contains("connection refused", ex.Message);
        Assert.All(events.Take(2), e => Assert.Equal(TransportFailureKind.ConnectFailed, e.Failure));
    }

    [Fact]
    public async Task RetryMessages_HaveTheDocumentedShape()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(503), StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri, attempts: 5);
        var events = Record(client);
        await client.GetJobAsync("x", default);
        var e = Assert.Single(events);
        Assert.Matches(new Regex(@"^Genie GET /api/v3/jobs/x: 503 Service Unavailable; retry 1 of 4 in \d+\.\d s$"), e.Message);
        Assert.Equal(GenieTransportEventKind.Retry, e.Kind);
        Assert.Equal(503, e.StatusCode);
    }

    [Fact]
    public async Task MultipartSubmit_ReopensItsAttachments_ForEachAttempt_WithTheSameIdAndHash()
    {
        var file = Path.Combine(Path.GetTempPath(), "sheriff-retry-" + Guid.NewGuid().ToString("n") + ".bin");
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i:00000}\n")));
        await File.WriteAllBytesAsync(file, content);
        try
        {
            using var server = new StubHttpServer((req, n) => n == 1
                ? StubReply.Json(503)
                : new StubReply { Status = 202, Body = "", Headers = { ["Location"] = "http://127.0.0.1/api/v3/jobs/" + JObject.Parse(RequestPart(req))["id"] } });
            using var client = Fast(server.Uri);
            var request = new JobRequestDto { Name = "multi", User = "u", Version = "NA", CommandArgs = "echo hi", CommandCriteria = { "type:shell" } };
            request.ClusterCriterias.Add(new ClusterCriteriaDto { Tags = { "sched:adhoc" } });
            var id = await client.SubmitJobAsync(request, new[] { GenieAttachment.FromFile(file, "data.txt") }, default);

            Assert.StartsWith("sheriff-", id);
            var requests = server.Requests.ToArray();
            Assert.Equal(2, requests.Length);
            foreach (var r in requests)
            {
                var body = r.BodyText;
                Assert.Contains("filename=data.txt", body.Replace("\"", ""));
                Assert.Contains(Encoding.ASCII.GetString(content), body); // the whole file, both times
                var json = JObject.Parse(RequestPart(r));
                Assert.Equal(id, (string?)json["id"]);
                Assert.Equal(JobRequestIdentity.ComputeHash(request), (string?)json["metadata"]!["sheriff"]!["requestHash"]);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RequestHash_IgnoresIdNameAndMetadata_ButNotWhatTheJobDoes()
    {
        JobRequestDto Make(string id, string name, string args) => new() { Id = id, Name = name, CommandArgs = args, Metadata = new JObject { ["x"] = id } };
        Assert.Equal(JobRequestIdentity.ComputeHash(Make("a", "n1", "echo 1")), JobRequestIdentity.ComputeHash(Make("b", "n2", "echo 1")));
        Assert.NotEqual(JobRequestIdentity.ComputeHash(Make("a", "n1", "echo 1")), JobRequestIdentity.ComputeHash(Make("a", "n1", "echo 2")));
        var r = Make("a", "n", "echo");
        var hash = JobRequestIdentity.EnsureHash(r);
        Assert.Equal(hash, JobRequestIdentity.ReadHash(r.Metadata));
        Assert.Equal("a", (string?)r.Metadata!["x"]); // existing metadata kept
    }

    [Fact]
    public async Task Cancelling_DuringARetryWait_EndsAtOnce()
    {
        using var server = StubHttpServer.Sequence(new StubReply { Status = 503, Headers = { ["Retry-After"] = "30" } });
        using var client = Fast(server.Uri, totalSeconds: 300);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetJobAsync("x", cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task BearerToken_IsSentOnEveryAttempt_AndNeverInAnyMessage()
    {
        const string secret = "s3cr3t-Token-Value";
        using var server = StubHttpServer.Sequence(StubReply.Json(503), StubReply.Json(404, "{\"message\":\"nope\"}"));
        using var client = Fast(server.Uri, credential: GenieCredential.Bearer(SecretSource.FromSecureString(SecretText.ToSecureString(secret))));
        var events = Record(client);
        var ex = await Assert.ThrowsAsync<GenieApiException>(() => client.GetJobAsync("x", default));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + secret, r.Headers["Authorization"]));
        Assert.DoesNotContain(secret, ex.ToString());
        Assert.All(events, e => Assert.DoesNotContain(secret, e.Message));
        Assert.DoesNotContain(secret, client.Options.Credential!.ToString());
        Assert.DoesNotContain(secret, client.Options.Credential.Description);
    }

    [Fact]
    public async Task FailedRequests_KeepNoAuthorizationHeader_OnTheRequestsTheirExceptionsHold()
    {
        const string secret = "tok-in-exception-chain";
        var credential = GenieCredential.Bearer(SecretSource.FromSecureString(SecretText.ToSecureString(secret)));
        using var refused = Fast(new Uri($"http://127.0.0.1:{FreePort()}/"), attempts: 1, credential: credential);
        var ex = await Assert.ThrowsAsync<GenieConnectionException>(() => refused.GetJobAsync("x", default));
        var requests = new List<HttpRequestMessage>();
        for (Exception? e = ex; e != null; e = e.InnerException)
            if (e is Refit.ApiExceptionBase api && api.RequestMessage != null) requests.Add(api.RequestMessage);
        Assert.NotEmpty(requests); // Refit keeps the request: it must not keep the token
        Assert.All(requests, r => Assert.DoesNotContain(secret, r.ToString()));
        Assert.DoesNotContain(secret, ex.ToString());

        using var server = StubHttpServer.Sequence(StubReply.Json(200, JobJson));
        using var ok = Fast(server.Uri, credential: credential);
        using var response = await ok.Call("GET", "api/v3/jobs/x", () => ok.Api.GetOutputFileAsync("x", "stdout", null, default), default);
        Assert.Equal("Bearer " + secret, Assert.Single(server.Requests).Headers["Authorization"]); // it was sent
        Assert.DoesNotContain(secret, response.RequestMessage!.ToString()); // and is gone from the request afterwards
    }

    [Fact]
    public async Task BasicCredential_SendsUserAndPassword()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri, credential: GenieCredential.Basic("svc", SecretSource.FromSecureString(SecretText.ToSecureString("pa:ss"))));
        await client.GetJobAsync("x", default);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc:pa:ss")), Assert.Single(server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task TokenCommand_RunsAgainAfterA401_AndTheRequestIsReplayedOnce()
    {
        var counter = Path.Combine(Path.GetTempPath(), "sheriff-tokcmd-" + Guid.NewGuid().ToString("n"));
        try
        {
            // each run appends a line and prints tok-<lines so far>
            var command = $"echo x >> '{counter}'; printf 'tok-%s\\n' $(wc -l < '{counter}' | tr -d ' ')";
            using var server = new StubHttpServer((req, n) => req.Headers["Authorization"] == "Bearer tok-2" ? StubReply.Json(200, JobJson) : StubReply.Json(401, "{\"message\":\"expired\"}"));
            using var client = Fast(server.Uri, credential: GenieCredential.Bearer(SecretSource.FromCommand(command)));
            var events = Record(client);
            var job = await client.GetJobAsync("x", default);
            Assert.Equal("x", job.Id);
            Assert.Equal(new[] { "Bearer tok-1", "Bearer tok-2" }, server.Requests.Select(r => r.Headers["Authorization"]).ToArray());
            Assert.Equal(1, client.Statistics.AuthReplays);
            Assert.Equal(2, client.Statistics.TokenFetches);
            Assert.Contains(events, e => e.Kind == GenieTransportEventKind.AuthRefresh);
            Assert.All(events, e => Assert.DoesNotContain("tok-", e.Message));

            // replayed once only: a token that keeps failing is a 401 error, not a loop
            using var refusing = StubHttpServer.Sequence(StubReply.Json(401, "{\"message\":\"no\"}"));
            using var client2 = Fast(refusing.Uri, credential: GenieCredential.Bearer(SecretSource.FromCommand("printf abc")));
            var ex = await Assert.ThrowsAsync<GenieApiException>(() => client2.GetJobAsync("x", default));
            Assert.Equal(401, (int)ex.StatusCode);
            Assert.Equal(2, refusing.Count);
        }
        finally
        {
            File.Delete(counter);
        }
    }

    [Fact]
    public async Task AClosedClient_SaysSoAtOnce_WithoutRetryingOrSending()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(200, JobJson));
        var client = Fast(server.Uri);
        client.Dispose();
        var ex = await Assert.ThrowsAsync<GenieConnectionException>(() => client.GetJobAsync("x", default));
        Assert.Contains("was closed", ex.Message);
        Assert.Equal(0, server.Count);
        Assert.Equal(0L, client.Statistics.Attempts);
    }

    [Fact]
    public async Task TokenCommand_ThatFails_IsAnAuthenticationError_WithoutItsOutput()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri, credential: GenieCredential.Bearer(SecretSource.FromCommand("echo the-output-token; echo stderr-token >&2; exit 3")));
        var ex = await Assert.ThrowsAsync<GenieAuthenticationException>(() => client.GetJobAsync("x", default));
        Assert.Contains("exited with code 3", ex.Message);
        Assert.DoesNotContain("the-output-token", ex.Message);
        Assert.DoesNotContain("stderr-token", ex.Message); // set -x puts the token on stderr: never quoted
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task MissingTokenVariable_IsAnAuthenticationError_NamingTheVariable()
    {
        using var server = StubHttpServer.Sequence(StubReply.Json(200, JobJson));
        using var client = Fast(server.Uri, credential: GenieCredential.Bearer(SecretSource.FromEnvironmentVariable("SHERIFF_TEST_NO_SUCH_TOKEN_VAR")));
        var ex = await Assert.ThrowsAsync<GenieAuthenticationException>(() => client.GetJobAsync("x", default));
        Assert.Equal("SHERIFF_TEST_NO_SUCH_TOKEN_VAR", ex.Target);
        Assert.Equal(0, server.Count);
    }

    internal static string RequestPart(StubRequest request)
    {
        var text = request.BodyText;
        if (request.Headers.TryGetValue("Content-Type", out var type) && type.StartsWith("application/json")) return text;
        var start = text.IndexOf('{');
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return text.Substring(start, i - start + 1);
        }
        throw new InvalidOperationException("no JSON part in " + text[..Math.Min(200, text.Length)]);
    }

    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
