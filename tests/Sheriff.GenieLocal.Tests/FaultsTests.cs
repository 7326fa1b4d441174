using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>
/// The fault-injection contract (--fault-rate, --faults, --fault-seed, --fault-latency-ms, --fault-paths and
/// GET/POST /genielocal/faults): at rate 1 each kind does exactly what it says, before-kinds leave no trace on the
/// server and after-kinds do the work first, rate 0 injects nothing, and a seed repeats the same sequence.
/// </summary>
public class FaultsTests
{
    private static async Task<JsonObject> Faults(GenieServer s) => await s.GetObject("/genielocal/faults");

    private static async Task SetFaults(GenieServer s, JsonObject settings)
    {
        using var r = await s.Post("/genielocal/faults", settings);
        await r.AssertStatus(HttpStatusCode.OK);
    }

    private static long Injected(JsonObject faults, string kind) => faults["injected"]![kind]!.GetValue<long>();

    private static async Task<bool> JobExists(GenieServer s, string id)
    {
        using var r = await s.Get("/api/v3/jobs/" + id);
        return r.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            var other => throw new InvalidOperationException($"GET job {id} -> {(int)other}"),
        };
    }

    /// <summary>POST a job with a fresh id; returns (id, status or null when the client saw a transport failure).</summary>
    private static async Task<(string Id, HttpStatusCode? Status, Exception? Error)> TrySubmit(GenieServer s)
    {
        var id = GenieServer.NewId("fault");
        try
        {
            using var r = await s.Post("/api/v3/jobs", GenieServer.JobBody(id, "true"));
            await r.Content.ReadAsByteArrayAsync();
            return (id, r.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return (id, null, e);
        }
    }

    [Fact]
    public async Task RateZero_InjectsNothing_AndAdminShowsSettings()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "0", "--faults", "503,reset"]);
        for (var i = 0; i < 30; i++)
        {
            using var r = await s.Get("/api/v3");
            await r.AssertStatus(HttpStatusCode.OK);
        }

        var f = await Faults(s);
        Assert.Equal(0, f["rate"]!.GetValue<double>());
        Assert.Equal(["503", "reset"], f.Strs("faults"));
        Assert.Equal(0, f["total"]!.GetValue<long>());
        Assert.Equal(0, f["requests"]!.GetValue<long>());
    }

    [Fact]
    public async Task NoFaultOptions_ServerIsUnchanged_AndAdminEndpointExists()
    {
        await using var s = await GenieServer.StartAsync();
        var (id, status, _) = await TrySubmit(s);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(await JobExists(s, id));
        var f = await Faults(s);
        Assert.Equal(0, f["rate"]!.GetValue<double>());
        Assert.Equal(["503", "429", "reset", "latency", "truncate"], f.Strs("faults"));
        Assert.Equal(["/api/*"], f.Strs("paths"));
    }

    [Fact]
    public async Task ServiceUnavailableBefore_Answers503WithGenieError_AndDoesNotProcess()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "503-before"]);
        var id = GenieServer.NewId("fault");
        using (var r = await s.Post("/api/v3/jobs", GenieServer.JobBody(id, "true")))
        {
            var message = await r.AssertError(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("injected", message);
            Assert.False(r.Headers.Contains("Retry-After"));
        }

        using (var r = await s.Get("/api/v3"))
        {
            await r.AssertError(HttpStatusCode.ServiceUnavailable);
        }

        Assert.Equal(2, Injected(await Faults(s), "503-before"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.False(await JobExists(s, id));
    }

    [Fact]
    public async Task ServiceUnavailableAfter_ProcessesTheRequest_ThenAnswers503()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "503-after"]);
        var id = GenieServer.NewId("fault");
        using (var r = await s.Post("/api/v3/jobs", GenieServer.JobBody(id, "true")))
        {
            await r.AssertError(HttpStatusCode.ServiceUnavailable);
            Assert.Null(r.Headers.Location); // the 202's headers are gone with it
        }

        // an error answer of the server itself is replaced too
        using (var r = await s.Get("/api/v3/jobs/no-such-job"))
        {
            await r.AssertError(HttpStatusCode.ServiceUnavailable);
        }

        Assert.Equal(2, Injected(await Faults(s), "503-after"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.True(await JobExists(s, id));
        await s.WaitStatus(id, "SUCCEEDED");
    }

    [Fact]
    public async Task TooManyRequests_Answers429WithRetryAfter_AndDoesNotProcess()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "429"]);
        var id = GenieServer.NewId("fault");
        using (var r = await s.Post("/api/v3/jobs", GenieServer.JobBody(id, "true")))
        {
            await r.AssertError(HttpStatusCode.TooManyRequests);
            Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(1, Injected(await Faults(s), "429"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.False(await JobExists(s, id));
    }

    [Fact]
    public async Task ResetBefore_AbortsWithoutAnswer_AndDoesNotProcess()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "reset-before"]);
        var (id, status, error) = await TrySubmit(s);
        Assert.True(error is not null, $"expected a transport failure, got {(int?)status}");
        Assert.Equal(1, Injected(await Faults(s), "reset-before"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.False(await JobExists(s, id));
    }

    [Fact]
    public async Task ResetAfter_ProcessesTheRequest_ThenAbortsWithoutAnswer()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "reset-after"]);
        var (id, status, error) = await TrySubmit(s);
        Assert.True(error is not null, $"expected a transport failure, got {(int?)status}");
        Assert.Equal(1, Injected(await Faults(s), "reset-after"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.True(await JobExists(s, id)); // the client never heard of it: what idempotent submit must survive
        await s.WaitStatus(id, "SUCCEEDED");
    }

    [Fact]
    public async Task Latency_DelaysThenAnswersNormally()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "latency", "--fault-latency-ms", "700"]);
        var sw = Stopwatch.StartNew();
        var (id, status, _) = await TrySubmit(s);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.True(sw.ElapsedMilliseconds >= 650, $"answered after {sw.ElapsedMilliseconds} ms, expected at least the 700 ms delay");
        Assert.True(await JobExists(s, id));
        Assert.Equal(2, Injected(await Faults(s), "latency"));
    }

    [Fact]
    public async Task Truncate_SendsStatusAndFullLength_ThenCutsTheBody()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "truncate"]);
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        var id = await s.SubmitScript("true");
        await s.WaitFinished(id);
        var full = (await s.GetText("/api/v3/jobs/" + id)).Length;
        await SetFaults(s, new JsonObject { ["rate"] = 1 });

        using var client = s.NewClient();
        using var r = await client.GetAsync("/api/v3/jobs/" + id, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var declared = r.Content.Headers.ContentLength;
        Assert.Equal(full, declared);
        var received = 0;
        Exception? error = null;
        try
        {
            await using var body = await r.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                received += n;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.True(received < declared, $"received {received} of {declared} bytes");

        // a bodiless answer (the 202 of a submit) is cut too: processed, but the client sees a broken response
        var (newId, status, submitError) = await TrySubmit(s);
        Assert.True(submitError is not null, $"expected a transport failure, got {(int?)status}");
        Assert.Equal(2, Injected(await Faults(s), "truncate"));
        await SetFaults(s, new JsonObject { ["rate"] = 0 });
        Assert.True(await JobExists(s, newId));
    }

    [Fact]
    public async Task Paths_OnlyMatchingRequestsGetFaults_AndGenieLocalEndpointsNever()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "1", "--faults", "503-before", "--fault-paths", "/api/v3/jobs*"]);
        using (var r = await s.Get("/api/v3"))
        {
            await r.AssertStatus(HttpStatusCode.OK);
        }

        using (var r = await s.Get("/api/v3/clusters"))
        {
            await r.AssertStatus(HttpStatusCode.OK);
        }

        using (var r = await s.Get("/api/v3/jobs?size=1"))
        {
            await r.AssertError(HttpStatusCode.ServiceUnavailable);
        }

        using (var r = await s.Get("/genielocal/ping"))
        {
            await r.AssertStatus(HttpStatusCode.OK);
        }

        var f = await Faults(s);
        Assert.Equal(1, f["requests"]!.GetValue<long>());
        Assert.Equal(1, f["total"]!.GetValue<long>());
    }

    /// <summary>Sequential requests under the same seed meet the same faults; another seed another sequence.</summary>
    [Fact]
    public async Task Seed_SameSeedSameSequence_OtherSeedOtherSequence()
    {
        async Task<List<string>> Run(int seed)
        {
            await using var s = await GenieServer.StartAsync(["--fault-rate", "0.5", "--faults", "503-before,429", "--fault-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var outcomes = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                using var r = await s.Get("/api/v3");
                outcomes.Add(((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var recent = Assert.IsType<JsonArray>((await Faults(s))["recent"]).Select(e => $"{e!["seq"]}:{e["kind"]}");
            Assert.Equal(outcomes.Count(o => o != "200"), recent.Count());
            return outcomes;
        }

        var a = await Run(42);
        var b = await Run(42);
        var c = await Run(43);
        Assert.Equal(a, b);
        Assert.Contains("200", a);
        Assert.Contains("503", a);
        Assert.Contains("429", a);
        Assert.NotEqual(a, c);
    }

    /// <summary>The default mix at a 20% rate: every variant shows up, and what the client saw adds up with the
    /// server's counts by kind.</summary>
    [Fact]
    public async Task DefaultMix_AllKindsInjected_ClientObservationsMatchCounts()
    {
        await using var s = await GenieServer.StartAsync(["--fault-rate", "0.2", "--fault-seed", "7", "--fault-latency-ms", "5"]);
        int ok = 0, unavailable = 0, tooMany = 0, broken = 0;
        using var client = s.NewClient();
        for (var i = 0; i < 400; i++)
        {
            try
            {
                using var r = await client.GetAsync("/api/v3");
                await r.Content.ReadAsByteArrayAsync();
                switch (r.StatusCode)
                {
                    case HttpStatusCode.OK:
                        ok++;
                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        unavailable++;
                        break;
                    case HttpStatusCode.TooManyRequests:
                        tooMany++;
                        break;
                    default:
                        Assert.Fail($"unexpected {(int)r.StatusCode}");
                        break;
                }
            }
            catch (HttpRequestException)
            {
                broken++;
            }
        }

        var f = await Faults(s);
        Assert.Equal(400, f["requests"]!.GetValue<long>());
        foreach (var kind in new[] { "503-before", "503-after", "429", "reset-before", "reset-after", "latency", "truncate" })
        {
            Assert.True(Injected(f, kind) > 0, $"no {kind} in {f["injected"]!.ToJsonString()}");
        }

        var total = f["total"]!.GetValue<long>();
        Assert.InRange(total, 40, 130); // 20% of 400 = 80
        Assert.Equal(Injected(f, "503-before") + Injected(f, "503-after"), unavailable);
        Assert.Equal(Injected(f, "429"), tooMany);
        Assert.Equal(Injected(f, "reset-before") + Injected(f, "reset-after") + Injected(f, "truncate"), broken);
        Assert.Equal(400 - total + Injected(f, "latency"), ok);
        Assert.Equal(400, f["requestsByMethod"]!["GET"]!.GetValue<long>());
        Assert.Equal(total, f["injectedByMethod"]!["GET"]!.GetValue<long>());
    }

    [Fact]
    public async Task Admin_ChangesSettingsAtRunTime_ValidatesThem_AndResetsCounts()
    {
        await using var s = await GenieServer.StartAsync();
        await SetFaults(s, new JsonObject { ["rate"] = 1, ["faults"] = new JsonArray("429"), ["seed"] = 5 });
        using (var r = await s.Get("/api/v3"))
        {
            await r.AssertError(HttpStatusCode.TooManyRequests);
        }

        var f = await Faults(s);
        Assert.Equal(5, f["seed"]!.GetValue<int>());
        Assert.Equal(1, Injected(f, "429"));

        foreach (var bad in new[] { """{"rate":1.5}""", """{"faults":"boom"}""", """{"paths":"api"}""", """{"latencyMs":-1}""", """{"colour":"red"}""", "[1]", "not json" })
        {
            using var r = await s.SendRaw(HttpMethod.Post, "/genielocal/faults", bad);
            await r.AssertError(HttpStatusCode.BadRequest);
        }

        Assert.Equal(1, (await Faults(s))["rate"]!.GetValue<double>()); // a rejected change changes nothing
        await SetFaults(s, new JsonObject { ["rate"] = 0, ["resetCounts"] = true });
        f = await Faults(s);
        Assert.Equal(0, f["total"]!.GetValue<long>());
        Assert.Empty(Assert.IsType<JsonArray>(f["recent"]));
        using (var r = await s.Get("/api/v3"))
        {
            await r.AssertStatus(HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("--fault-rate", "1.5")]
    [InlineData("--fault-rate", "x")]
    [InlineData("--faults", "503,explode")]
    [InlineData("--fault-latency-ms", "-3")]
    [InlineData("--fault-paths", "api")]
    [InlineData("--fault-seed", "abc")]
    public async Task Cli_BadFaultOption_ExitsWithCode2AndNamesIt(string option, string value)
    {
        var dir = GenieServer.NewTempDir("faultcli");
        using var p = Process.Start(GenieServer.StartInfo(["--port", "0", "--data-dir", dir, option, value]))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"server started with {option} {value} instead of exiting");
        }

        Assert.Equal(2, p.ExitCode);
        Assert.DoesNotContain("LISTENING", await stdout);
        Assert.Contains(option, await stderr);
        Directory.Delete(dir, recursive: true);
    }
}
