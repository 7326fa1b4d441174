using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Sheriff.Core.Local;

// Sheriff benchmarks. Machines here are noisy, so every figure is printed as a ratio against a baseline
// measured in the same run, on the same machine, a moment apart.
//   dotnet run --project bench/Sheriff.Bench -c Release [-- --only genielocal] [--iterations N]

var options = BenchOptions.Parse(args);
var results = new List<BenchResult>();
if (options.Runs("genielocal")) results.AddRange(await GenieLocalBench.RunAsync(options));

Console.WriteLine();
Console.WriteLine("== Summary (lower ratio is better; ratio = measured / baseline)");
foreach (var r in results) Console.WriteLine(r);
return 0;

internal sealed record BenchResult(string Name, string Measured, string Baseline, double MeasuredMs, double BaselineMs, string? Goal = null)
{
    public double Ratio => BaselineMs <= 0 ? double.NaN : MeasuredMs / BaselineMs;
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Measured} {MeasuredMs:0.###} ms vs {Baseline} {BaselineMs:0.###} ms -> ratio {Ratio:0.00}x{(Goal == null ? "" : $" (goal {Goal})")}");
}

internal sealed class BenchOptions
{
    public string? Only { get; private set; }
    public int Iterations { get; private set; } = 30;
    public string? ModulePath { get; private set; }
    public string? Pwsh { get; private set; }

    public bool Runs(string name) => Only == null || string.Equals(Only, name, StringComparison.OrdinalIgnoreCase);

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only": o.Only = args[++i]; break;
                case "--iterations": o.Iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--module": o.ModulePath = args[++i]; break;
                case "--pwsh": o.Pwsh = args[++i]; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return o;
    }
}

internal static class Stats
{
    public static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
    }
}

internal static class GenieLocalBench
{
    private static readonly string ServerDll = typeof(GenieLocalBench).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GenieLocalDll").Value!;

    public static async Task<List<BenchResult>> RunAsync(BenchOptions options)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sheriff-bench-" + Guid.NewGuid().ToString("n")[..8]);
        var serverOptions = new GenieLocalOptions { DataDirectory = dataDir, MaxRunning = 4 };
        serverOptions.ExtraArguments.Add("--claim-delay");
        serverOptions.ExtraArguments.Add("0");
        using var server = GenieLocalServer.Start(Path.GetFullPath(ServerDll), serverOptions, TimeSpan.FromSeconds(60), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Uri };
        Console.WriteLine($"== GenieLocal at {server.Uri} ({options.Iterations} iterations each, medians)");
        try
        {
            // warm up both paths (JIT, SQLite, bash page cache)
            for (var i = 0; i < 3; i++) { await SubmitAndWaitAsync(http, "warm"); await RunBashTrueAsync(); await http.GetStringAsync("genielocal/ping"); }

            var submit = new List<double>();
            var bash = new List<double>();
            for (var i = 0; i < options.Iterations; i++)
            {
                bash.Add(await RunBashTrueAsync());
                submit.Add(await SubmitAndWaitAsync(http, "bench"));
            }

            var lastId = await SubmitAsync(http, "poll-target");
            var poll = new List<double>();
            var ping = new List<double>();
            for (var i = 0; i < options.Iterations * 10; i++)
            {
                ping.Add(await TimeGetAsync(http, "genielocal/ping"));
                poll.Add(await TimeGetAsync(http, $"api/v3/jobs/{lastId}/status"));
            }

            return new List<BenchResult>
            {
                new("genielocal.submit-to-succeeded", "submit 'true' -> SUCCEEDED", "bash -c true", Stats.Median(submit), Stats.Median(bash)),
                new("genielocal.status-poll", "GET /jobs/{id}/status", "GET /genielocal/ping", Stats.Median(poll), Stats.Median(ping)),
            };
        }
        finally
        {
            server.Stop(TimeSpan.FromSeconds(10));
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }

    private static async Task<double> RunBashTrueAsync()
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("bash", "-c true") { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<string> SubmitAsync(HttpClient http, string name)
    {
        var id = name + "-" + Guid.NewGuid().ToString("n")[..12];
        var body = $"{{\"id\":\"{id}\",\"name\":\"{name}\",\"user\":\"bench\",\"version\":\"NA\",\"clusterCriterias\":[{{\"tags\":[\"sched:adhoc\"]}}],\"commandCriteria\":[\"type:shell\"],\"commandArgs\":\"true\"}}";
        using var response = await http.PostAsync("api/v3/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"submit answered {(int)response.StatusCode}");
        return id;
    }

    private static async Task<double> SubmitAndWaitAsync(HttpClient http, string name)
    {
        var sw = Stopwatch.StartNew();
        var id = await SubmitAsync(http, name);
        while (true)
        {
            var status = await http.GetStringAsync($"api/v3/jobs/{id}/status");
            if (status.Contains("SUCCEEDED", StringComparison.Ordinal)) return sw.Elapsed.TotalMilliseconds;
            if (status.Contains("FAILED", StringComparison.Ordinal) || status.Contains("KILLED", StringComparison.Ordinal))
                throw new InvalidOperationException($"bench job {id} ended {status}");
            if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"bench job {id} did not finish");
            await Task.Delay(2);
        }
    }

    private static async Task<double> TimeGetAsync(HttpClient http, string path)
    {
        var sw = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
        return sw.Elapsed.TotalMilliseconds;
    }
}
