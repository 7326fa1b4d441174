using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Sheriff.GenieLocal.Tests.Infrastructure;

/// <summary>
/// One running sheriff-genie-local process (dotnet sheriff-genie-local.dll --port 0 --data-dir DIR ...),
/// with an HttpClient bound to it and helpers that speak the Genie v3 API (docs: shared/genie-api.md).
/// </summary>
public sealed class GenieServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);
    private readonly Process _process;
    private readonly LogBuffer _log;
    private bool _ownsDataDir;
    private bool _disposed;

    private GenieServer(Process process, LogBuffer log, Uri baseUri, string dataDir, string? token, bool ownsDataDir, IReadOnlyList<string> extraArgs)
    {
        _process = process;
        _log = log;
        BaseUri = baseUri;
        DataDir = dataDir;
        Token = token;
        _ownsDataDir = ownsDataDir;
        ExtraArgs = extraArgs;
        Http = NewClient(token);
    }

    public Uri BaseUri { get; }
    public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);
    public string DataDir { get; }
    public string? Token { get; }
    public HttpClient Http { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public int Pid => _process.Id;
    public string RecentLog => _log.ToString();

    public static string DllPath { get; } = ResolveDll();

    private static string ResolveDll()
    {
        var meta = typeof(GenieServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "GenieLocalDll")?.Value;
        if (!string.IsNullOrEmpty(meta))
        {
            var full = Path.GetFullPath(meta.Replace('\\', '/'));
            if (File.Exists(full))
            {
                return full;
            }
        }

        var local = Path.Combine(AppContext.BaseDirectory, "sheriff-genie-local.dll");
        if (File.Exists(local))
        {
            return local;
        }

        throw new FileNotFoundException($"sheriff-genie-local.dll not found (metadata: {meta})");
    }

    public static string NewTempDir(string prefix = "gl")
    {
        var dir = Path.Combine(Path.GetTempPath(), "sheriff-genielocal-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A scratch dir inside this server's data dir (removed with it) for files referenced by file:// URIs.</summary>
    public string NewScratchDir(string prefix = "scratch")
    {
        var dir = Path.Combine(DataDir, "test-scratch", prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public HttpClient NewClient(string? token = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Build a ProcessStartInfo for the server with the given raw arguments (nothing added).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> rawArgs)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in rawArgs)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        // moto does not check signatures; make sure an SDK never goes hunting for real credentials.
        psi.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        psi.Environment["AWS_REGION"] = "us-east-1";
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return psi;
    }

    /// <summary>Start a server on a free port. <paramref name="args"/> are appended after --port 0 --data-dir DIR.</summary>
    public static async Task<GenieServer> StartAsync(IEnumerable<string>? args = null, string? dataDir = null, string? token = null)
    {
        var extra = (args ?? []).ToList();
        var ownsDir = dataDir is null;
        dataDir ??= NewTempDir();
        var all = new List<string> { "--port", "0", "--data-dir", dataDir };
        all.AddRange(extra);
        if (token is not null)
        {
            all.Add("--token");
            all.Add(token);
        }

        var log = new LogBuffer();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = StartInfo(all), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Add("out: " + e.Data);
            if (e.Data.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data["LISTENING ".Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Add("err: " + e.Data);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"server exited before LISTENING (code {SafeExitCode(process)}):\n{log}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string url;
        try
        {
            url = await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            KillTree(process);
            throw new TimeoutException($"server did not print LISTENING within {StartTimeout}:\n{log}");
        }
        catch
        {
            KillTree(process);
            throw;
        }

        // a wildcard bind (--bind 0.0.0.0 / ::) is reachable on loopback
        var baseUri = new UriBuilder(url.TrimEnd('/') + "/");
        if (baseUri.Host is "0.0.0.0" or "[::]" or "::")
        {
            baseUri.Host = "127.0.0.1";
        }

        return new GenieServer(process, log, baseUri.Uri, dataDir, token, ownsDir, extra);
    }

    private static int SafeExitCode(Process p)
    {
        try
        {
            return p.ExitCode;
        }
        catch
        {
            return -1;
        }
    }

    /// <summary>Simulate a crash: SIGKILL the server first, then the job processes it had started.</summary>
    public void Crash()
    {
        var descendants = Descendants(_process.Id);
        try
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        foreach (var pid in descendants)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
            }
            catch
            {
                // already gone
            }
        }
    }

    /// <summary>Crash this server and start a new one on the same data dir (ownership of the dir moves to the new one).</summary>
    public async Task<GenieServer> RestartAsync(IEnumerable<string>? args = null)
    {
        Crash();
        var next = await StartAsync(args ?? ExtraArgs, DataDir, Token);
        next._ownsDataDir = _ownsDataDir;
        _ownsDataDir = false;
        await DisposeAsync();
        return next;
    }

    private static List<int> Descendants(int root)
    {
        var parentOf = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                parentOf[pid] = int.Parse(fields[1]);
            }
            catch
            {
                // raced with exit
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>();
        frontier.Enqueue(root);
        while (frontier.Count > 0)
        {
            var p = frontier.Dequeue();
            foreach (var (child, parent) in parentOf)
            {
                if (parent == p && !result.Contains(child))
                {
                    result.Add(child);
                    frontier.Enqueue(child);
                }
            }
        }

        return result;
    }

    private static void KillTree(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch
        {
            // best effort
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        Http.Dispose();
        var descendants = _process.HasExited ? [] : Descendants(_process.Id);
        KillTree(_process);
        foreach (var pid in descendants)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
            }
            catch
            {
            }
        }

        _process.Dispose();
        if (_ownsDataDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch
            {
                // job processes may still be writing; temp dir anyway
            }
        }

        return ValueTask.CompletedTask;
    }

    // ------------------------------------------------------------------ HTTP helpers

    public string Url(string path) => Origin + (path.StartsWith('/') ? path : "/" + path);

    public Task<HttpResponseMessage> Get(string path, string? accept = null, Action<HttpRequestMessage>? configure = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            req.Headers.TryAddWithoutValidation("Accept", accept);
        }

        configure?.Invoke(req);
        return Http.SendAsync(req);
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonNode? body = null, Action<HttpRequestMessage>? configure = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            req.Content = Json.Content(body);
        }

        configure?.Invoke(req);
        return Http.SendAsync(req);
    }

    public Task<HttpResponseMessage> SendRaw(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        var req = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Http.SendAsync(req);
    }

    public Task<HttpResponseMessage> Post(string path, JsonNode body) => Send(HttpMethod.Post, path, body);

    public Task<HttpResponseMessage> Put(string path, JsonNode body) => Send(HttpMethod.Put, path, body);

    public Task<HttpResponseMessage> Patch(string path, JsonNode body) => Send(HttpMethod.Patch, path, body);

    public Task<HttpResponseMessage> Delete(string path) => Send(HttpMethod.Delete, path);

    public async Task<JsonNode> GetJson(string path)
    {
        using var r = await Get(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"GET {path} -> {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("null JSON");
    }

    public async Task<JsonObject> GetObject(string path) => Assert.IsType<JsonObject>(await GetJson(path));

    public async Task<string> GetText(string path)
    {
        using var r = await Get(path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"GET {path} -> {(int)r.StatusCode}: {text}");
        return text;
    }

    // ------------------------------------------------------------------ resource helpers

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    public async Task<string> CreateAsync(string collection, JsonObject body)
    {
        using var r = await Post("/api/v3/" + collection, body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"POST /api/v3/{collection} -> {(int)r.StatusCode}: {text}\nbody: {body.ToJsonString()}");
        return body["id"]?.GetValue<string>() ?? Uri.UnescapeDataString(r.Headers.Location!.AbsolutePath.Split('/').Last());
    }

    public static JsonObject ClusterBody(string id, IEnumerable<string> tags, string status = "UP")
        => new()
        {
            ["id"] = id,
            ["name"] = "cl-" + id,
            ["user"] = "tester",
            ["version"] = "1.0",
            ["status"] = status,
            ["tags"] = Json.Arr(tags),
        };

    public static JsonObject CommandBody(string id, IEnumerable<string> tags, IEnumerable<IEnumerable<string>> clusterCriteria, string status = "ACTIVE")
        => new()
        {
            ["id"] = id,
            ["name"] = "cmd-" + id,
            ["user"] = "tester",
            ["version"] = "1.0",
            ["status"] = status,
            ["tags"] = Json.Arr(tags),
            ["executableAndArguments"] = Json.Arr("bash", "-c"),
            ["clusterCriteria"] = new JsonArray(clusterCriteria.Select(c => (JsonNode)new JsonObject { ["tags"] = Json.Arr(c) }).ToArray()),
        };

    public static JsonObject ApplicationBody(string id, IEnumerable<string>? tags = null, string status = "ACTIVE")
        => new()
        {
            ["id"] = id,
            ["name"] = "app-" + id,
            ["user"] = "tester",
            ["version"] = "1.0",
            ["status"] = status,
            ["tags"] = Json.Arr(tags ?? []),
        };

    public Task<string> CreateCluster(string id, params string[] tags) => CreateAsync("clusters", ClusterBody(id, tags));

    public Task<string> CreateCommand(string id, string[] tags, params string[][] clusterCriteria) => CreateAsync("commands", CommandBody(id, tags, clusterCriteria));

    public Task<string> CreateApplication(string id, params string[] tags) => CreateAsync("applications", ApplicationBody(id, tags));

    /// <summary>A job body for the default seed: command type:shell, cluster sched:adhoc, bash -c ARGS.</summary>
    public static JsonObject JobBody(string? id, string commandArgs, string[]? commandCriteria = null, string[][]? clusterCriterias = null)
    {
        var o = new JsonObject
        {
            ["name"] = "job-test",
            ["user"] = "tester",
            ["version"] = "NA",
            ["clusterCriterias"] = new JsonArray((clusterCriterias ?? [["sched:adhoc"]]).Select(c => (JsonNode)new JsonObject { ["tags"] = Json.Arr(c) }).ToArray()),
            ["commandCriteria"] = Json.Arr(commandCriteria ?? ["type:shell"]),
            ["commandArgs"] = commandArgs,
        };
        if (id is not null)
        {
            o["id"] = id;
        }

        return o;
    }

    public static string Quote(string script) => "'" + script.Replace("'", "'\\''") + "'";

    /// <summary>Submit a JSON job, assert 202, return the id.</summary>
    public async Task<string> Submit(JsonObject body)
    {
        using var r = await Post("/api/v3/jobs", body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Accepted, $"submit -> {(int)r.StatusCode}: {text}\nbody: {body.ToJsonString()}");
        return body["id"]?.GetValue<string>() ?? Uri.UnescapeDataString(r.Headers.Location!.AbsolutePath.Split('/').Last());
    }

    /// <summary>Submit `bash -c SCRIPT` on the default seed.</summary>
    public Task<string> SubmitScript(string script, string? id = null, Action<JsonObject>? mutate = null)
    {
        var body = JobBody(id ?? NewId("job"), Quote(script));
        mutate?.Invoke(body);
        return Submit(body);
    }

    public static readonly string[] FinishedStatuses = ["SUCCEEDED", "FAILED", "KILLED", "INVALID"];

    public async Task<string> Status(string id)
    {
        var s = await GetObject($"/api/v3/jobs/{Uri.EscapeDataString(id)}/status");
        return s["status"]!.GetValue<string>();
    }

    /// <summary>Poll /status (bounded) until the predicate holds; returns the full job.</summary>
    public async Task<JsonObject> WaitFor(string id, Func<string, bool> until, int timeoutMs = 20_000, string what = "condition")
    {
        var sw = Stopwatch.StartNew();
        var last = "?";
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            last = await Status(id);
            if (until(last))
            {
                return await GetObject($"/api/v3/jobs/{Uri.EscapeDataString(id)}");
            }

            await Task.Delay(100);
        }

        var job = await GetJson($"/api/v3/jobs/{Uri.EscapeDataString(id)}");
        Assert.Fail($"job {id}: {what} not reached within {timeoutMs} ms; last status {last}; job {job.ToJsonString()}");
        throw new InvalidOperationException();
    }

    public Task<JsonObject> WaitFinished(string id, int timeoutMs = 20_000)
        => WaitFor(id, s => FinishedStatuses.Contains(s), timeoutMs, "finished status");

    public async Task<JsonObject> WaitStatus(string id, string status, int timeoutMs = 20_000)
    {
        var job = await WaitFor(id, s => s == status || FinishedStatuses.Contains(s), timeoutMs, status);
        Assert.True(job["status"]!.GetValue<string>() == status, $"job {id} expected {status}: {job.ToJsonString()}");
        return job;
    }

    /// <summary>Run a script job to completion; asserts SUCCEEDED and returns its stdout.</summary>
    public async Task<(string Id, string Stdout)> RunScript(string script, Action<JsonObject>? mutate = null)
    {
        var id = await SubmitScript(script, mutate: mutate);
        var job = await WaitFinished(id);
        Assert.True(job["status"]!.GetValue<string>() == "SUCCEEDED", $"job {id} not SUCCEEDED: {job.ToJsonString()}");
        return (id, await GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    /// <summary>Wait (bounded) until GET path returns 200 and the text satisfies the predicate.</summary>
    public async Task<string> WaitForText(string path, Func<string, bool> until, int timeoutMs = 20_000)
    {
        var sw = Stopwatch.StartNew();
        var last = "";
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            using var r = await Get(path);
            last = $"{(int)r.StatusCode}: " + await r.Content.ReadAsStringAsync();
            if (r.StatusCode == HttpStatusCode.OK && until(last[5..]))
            {
                return last[5..];
            }

            await Task.Delay(100);
        }

        Assert.Fail($"GET {path}: condition not reached within {timeoutMs} ms; last {last}");
        throw new InvalidOperationException();
    }

    public string JobDir(string id) => Path.Combine(DataDir, "jobs", id);

    private sealed class LogBuffer
    {
        private readonly Queue<string> _lines = new();

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > 200)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }
}
