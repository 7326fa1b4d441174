using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;

namespace Sheriff.GenieLocal.Faults;

/// <summary>
/// Fault injection (<c>--fault-rate</c>, <c>--faults</c>, ...): a middleware that, for each eligible request, draws
/// from a seeded sequence whether and which fault to inject, and counts what it injected. GET /genielocal/faults shows
/// the settings and the counts (by kind, and requests and faults by HTTP method); POST /genielocal/faults changes the settings at run time (e.g. <c>{"rate":0}</c>
/// to check the server's state without faults) and, with <c>"resetCounts":true</c>, zeroes the counts.
/// </summary>
internal sealed class FaultInjector
{
    public const string AdminPath = "/genielocal/faults";

    private const int RecentCapacity = 200;
    private static readonly FaultKind[] AllKinds = Enum.GetValues<FaultKind>();

    private readonly object _gate = new();
    private readonly GenieGeneration _generation;
    private readonly long[] _counts = new long[AllKinds.Length];
    private readonly Queue<JsonObject> _recent = new();
    private readonly Dictionary<string, long> _requestsByMethod = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _injectedByMethod = new(StringComparer.Ordinal);
    private FaultSettings _settings;
    private Random _random;
    private int _seed;
    private long _eligible;

    public FaultInjector(FaultSettings settings, GenieGeneration generation)
    {
        _generation = generation;
        _settings = settings.Clone();
        _seed = settings.Seed ?? Random.Shared.Next();
        _random = new Random(_seed);
    }

    /// <summary>Installs the middleware and the admin endpoint (one line in Program.cs).</summary>
    public static void Use(WebApplication app, GenieServer server)
    {
        var injector = new FaultInjector(server.Options.Faults, server.Generation);
        app.Use((ctx, next) => injector.InvokeAsync(ctx, next));
    }

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        if (string.Equals(ctx.Request.Path.Value, AdminPath, StringComparison.Ordinal))
        {
            await AdminAsync(ctx).ConfigureAwait(false);
            return;
        }

        var (kind, latencyMs) = Decide(ctx);
        switch (kind)
        {
            case null:
                await next(ctx).ConfigureAwait(false);
                return;
            case FaultKind.Latency:
                try
                {
                    await Task.Delay(latencyMs, ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // the client gave up while we were slow
                }

                await next(ctx).ConfigureAwait(false);
                return;
            case FaultKind.ServiceUnavailableBefore:
                await WriteFaultErrorAsync(ctx, 503, "Service temporarily unavailable (GenieLocal injected fault)").ConfigureAwait(false);
                return;
            case FaultKind.TooManyRequests:
                await WriteFaultErrorAsync(ctx, 429, "Too many requests (GenieLocal injected fault)").ConfigureAwait(false);
                return;
            case FaultKind.ResetBefore:
                ctx.Abort();
                return;
        }

        // The "after" kinds: do the work, keeping the answer in memory, then spoil it.
        var original = ctx.Response.Body;
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try
        {
            try
            {
                await next(ctx).ConfigureAwait(false);
            }
            catch (GenieApiException e)
            {
                await Http.WriteErrorAsync(ctx, e, _generation).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                await Http.WriteErrorAsync(ctx, new GenieApiException(e.StatusCode, e.Message), _generation).ConfigureAwait(false);
            }
        }
        finally
        {
            ctx.Response.Body = original;
        }

        if (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        switch (kind)
        {
            case FaultKind.ServiceUnavailableAfter:
                ctx.Response.Clear();
                await WriteFaultErrorAsync(ctx, 503, "Service temporarily unavailable (GenieLocal injected fault)").ConfigureAwait(false);
                return;
            case FaultKind.ResetAfter:
                ctx.Abort();
                return;
            default:
                await TruncateAsync(ctx, buffer).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Sends the status, the headers with the full Content-Length and half of the body, then aborts. A
    /// bodiless answer is sent chunked and aborted before its final chunk, so the client still sees an incomplete body.</summary>
    private static async Task TruncateAsync(HttpContext ctx, MemoryStream buffer)
    {
        var length = buffer.Length;
        try
        {
            if (length >= 2)
            {
                ctx.Response.ContentLength = length;
                await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)(length / 2)), ctx.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                ctx.Response.ContentLength = null;
                await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
            }

            await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);

            // let the transport put the bytes on the wire before the abort drops the connection
            await Task.Delay(50, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the client went away first
        }

        ctx.Abort();
    }

    private Task WriteFaultErrorAsync(HttpContext ctx, int status, string message)
    {
        if (status == 429)
        {
            // WriteErrorAsync clears the headers first; add Retry-After as the headers go out
            ctx.Response.OnStarting(() =>
            {
                ctx.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            });
        }

        return Http.WriteErrorAsync(ctx, new GenieApiException(status, message, legacyFamily: false), _generation);
    }

    /// <summary>Draws the fault (or none) for this request. Sequential requests with the same seed get the same
    /// sequence of decisions.</summary>
    private (FaultKind? Kind, int LatencyMs) Decide(HttpContext ctx)
    {
        lock (_gate)
        {
            var s = _settings;
            var path = ctx.Request.Path.Value ?? "/";
            if (s.Rate <= 0 || !FaultSettings.PathMatches(s.Paths, path))
            {
                return (null, 0);
            }

            _eligible++;
            var method = ctx.Request.Method;
            _requestsByMethod[method] = _requestsByMethod.GetValueOrDefault(method) + 1;
            if (_random.NextDouble() >= s.Rate)
            {
                return (null, 0);
            }

            var kind = s.Kinds[_random.Next(s.Kinds.Count)] switch
            {
                "503" => _random.Next(2) == 0 ? FaultKind.ServiceUnavailableBefore : FaultKind.ServiceUnavailableAfter,
                "503-before" => FaultKind.ServiceUnavailableBefore,
                "503-after" => FaultKind.ServiceUnavailableAfter,
                "429" => FaultKind.TooManyRequests,
                "reset" => _random.Next(2) == 0 ? FaultKind.ResetBefore : FaultKind.ResetAfter,
                "reset-before" => FaultKind.ResetBefore,
                "reset-after" => FaultKind.ResetAfter,
                "latency" => FaultKind.Latency,
                _ => FaultKind.Truncate,
            };
            _counts[(int)kind]++;
            _injectedByMethod[method] = _injectedByMethod.GetValueOrDefault(method) + 1;
            _recent.Enqueue(new JsonObject
            {
                ["seq"] = _eligible,
                ["kind"] = FaultSettings.KindName(kind),
                ["method"] = ctx.Request.Method,
                ["path"] = path,
            });
            while (_recent.Count > RecentCapacity)
            {
                _recent.Dequeue();
            }

            return (kind, s.LatencyMs);
        }
    }

    private async Task AdminAsync(HttpContext ctx)
    {
        if (HttpMethods.IsPost(ctx.Request.Method))
        {
            var body = JsonInput.AsObject(await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false), "fault settings");
            Apply(body);
        }
        else if (!HttpMethods.IsGet(ctx.Request.Method))
        {
            throw new GenieApiException(405, $"Request method '{ctx.Request.Method}' is not supported for {AdminPath}", false);
        }

        await Http.WriteJsonAsync(ctx, 200, Snapshot()).ConfigureAwait(false);
    }

    private void Apply(JsonObject body)
    {
        // validate everything first, then change the settings at once
        var next = _settings.Clone();
        int? newSeed = null;
        var resetCounts = false;
        try
        {
            foreach (var (name, value) in body)
            {
                switch (name)
                {
                    case "rate":
                        next.Rate = FaultSettings.ParseRate(Scalar(value));
                        break;
                    case "faults":
                        next.Kinds = FaultSettings.ParseKinds(value is JsonArray a ? string.Join(",", a.Select(Scalar)) : Scalar(value));
                        break;
                    case "latencyMs":
                        next.LatencyMs = FaultSettings.ParseLatency(Scalar(value));
                        break;
                    case "paths":
                        next.Paths = FaultSettings.ParsePaths(value is JsonArray p ? string.Join(",", p.Select(Scalar)) : Scalar(value));
                        break;
                    case "seed":
                        newSeed = FaultSettings.ParseSeed(Scalar(value));
                        break;
                    case "resetCounts":
                        resetCounts = value is JsonValue v && v.TryGetValue<bool>(out var b) && b;
                        break;
                    default:
                        throw new ArgumentException($"unknown fault setting '{name}' (rate, faults, latencyMs, paths, seed, resetCounts)");
                }
            }
        }
        catch (ArgumentException e)
        {
            throw GenieApiException.BadRequest(e.Message);
        }

        lock (_gate)
        {
            _settings = next;
            if (newSeed is int seed)
            {
                _seed = seed;
                _random = new Random(seed);
            }

            if (resetCounts)
            {
                Array.Clear(_counts);
                _recent.Clear();
                _requestsByMethod.Clear();
                _injectedByMethod.Clear();
                _eligible = 0;
            }
        }
    }

    private static JsonObject ByMethod(Dictionary<string, long> counts)
    {
        var o = new JsonObject();
        foreach (var (method, n) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o[method] = n;
        }

        return o;
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => throw new ArgumentException("fault settings take scalar values or arrays of them"),
    };

    private JsonObject Snapshot()
    {
        lock (_gate)
        {
            var injected = new JsonObject();
            long total = 0;
            foreach (var kind in AllKinds)
            {
                injected[FaultSettings.KindName(kind)] = _counts[(int)kind];
                total += _counts[(int)kind];
            }

            return new JsonObject
            {
                ["rate"] = _settings.Rate,
                ["faults"] = new JsonArray(_settings.Kinds.Select(k => (JsonNode?)k).ToArray()),
                ["seed"] = _seed,
                ["latencyMs"] = _settings.LatencyMs,
                ["paths"] = new JsonArray(_settings.Paths.Select(p => (JsonNode?)p).ToArray()),
                ["requests"] = _eligible,
                ["injected"] = injected,
                ["total"] = total,
                ["requestsByMethod"] = ByMethod(_requestsByMethod),
                ["injectedByMethod"] = ByMethod(_injectedByMethod),
                ["recent"] = new JsonArray(_recent.Select(r => (JsonNode?)r.DeepClone()).ToArray()),
            };
        }
    }
}
