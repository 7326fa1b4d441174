using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Sheriff.Core.Local;

// Sheriff benchmarks. Machines here are noisy, so every figure is printed as a ratio against a baseline
// measured in the same run, on the same machine, a moment apart.
//   dotnet run --project bench/Sheriff.Bench -c Release [-- --only genielocal|cmdlets|packaging|diagnosis|sql] [--iterations N]
//     [--module out/Sheriff/Sheriff.psd1 --pwsh $PSHOME/pwsh]   (the cmdlets bench and the PowerShell part of sql need both)

var options = BenchOptions.Parse(args);
var results = new List<BenchResult>();
if (options.Runs("genielocal")) results.AddRange(await GenieLocalBench.RunAsync(options));
if (options.Runs("cmdlets")) results.AddRange(await CmdletBench.RunAsync(options));
if (options.Runs("packaging")) results.AddRange(PackagingBench.Run(options));
if (options.Runs("diagnosis")) results.AddRange(await DiagnosisBench.RunAsync(options));
if (options.Runs("sql")) results.AddRange(await SqlBench.RunAsync(options));

Console.WriteLine();
Console.WriteLine("== Summary (lower ratio is better; ratio = measured / baseline)");
foreach (var r in results) Console.WriteLine(r);
return 0;

internal sealed record BenchResult(string Name, string Measured, string Baseline, double MeasuredMs, double BaselineMs, string? Goal = null,
    string Unit = "ms", string? Note = null)
{
    public double Ratio => BaselineMs <= 0 ? double.NaN : MeasuredMs / BaselineMs;
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Measured} {MeasuredMs:0.###} {Unit} vs {Baseline} {BaselineMs:0.###} {Unit} -> ratio {Ratio:0.00}x{(string.IsNullOrEmpty(Goal) ? "" : $" (goal {Goal})")}{(string.IsNullOrEmpty(Note) ? "" : $" [{Note}]")}");
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

/// <summary>
/// The job cmdlets: Import-Module cost over a bare pwsh start (timed here, process by process), then
/// bench/CmdletBench.ps1 in --pwsh for Get-GenieJob latency and Wait-GenieJob request rate and lag; its JSON results
/// become BenchResult lines. Uses its own counts (10 pwsh starts, 200 gets, 1/100/1,000 jobs), not --iterations.
/// </summary>
internal static class CmdletBench
{
    private const int ImportRuns = 10;

    public static async Task<List<BenchResult>> RunAsync(BenchOptions options)
    {
        if (options.ModulePath == null || options.Pwsh == null)
        {
            Console.WriteLine("== cmdlets: skipped (needs --module <out/Sheriff/Sheriff.psd1> and --pwsh <$PSHOME/pwsh>)");
            return new List<BenchResult>();
        }
        var module = Path.GetFullPath(options.ModulePath);
        var pwsh = options.Pwsh;
        var results = new List<BenchResult> { await ImportCostAsync(pwsh, module, firstOutput: false), await ImportCostAsync(pwsh, module, firstOutput: true) };

        var script = FindScript();
        var resultPath = Path.Combine(Path.GetTempPath(), "sheriff-cmdletbench-" + Guid.NewGuid().ToString("n")[..8] + ".json");
        try
        {
            var exit = await RunAsync(pwsh, new[] { "-NoProfile", "-NonInteractive", "-File", script, "-ModulePath", module, "-ResultPath", resultPath });
            if (exit != 0) throw new InvalidOperationException($"{script} exited with code {exit}");
            using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(resultPath));
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                string? Str(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && v.GetString() != "" ? v.GetString() : null;
                results.Add(new BenchResult(Str("Name")!, Str("Measured")!, Str("Baseline")!,
                    e.GetProperty("MeasuredValue").GetDouble(), e.GetProperty("BaselineValue").GetDouble(),
                    Str("Goal"), Str("Unit") ?? "ms", Str("Note")));
            }
        }
        finally
        {
            File.Delete(resultPath);
        }
        return results;
    }

    /// <summary>
    /// Import-Module's cost over a bare start. With <paramref name="firstOutput"/>, both sides also format one object,
    /// as every interactive session does at its first prompt output: PowerShell loads its format tables once per session,
    /// and a module with FormatsToProcess only moves that one-time cost into Import-Module.
    /// </summary>
    private static async Task<BenchResult> ImportCostAsync(string pwsh, string module, bool firstOutput)
    {
        var tail = firstOutput ? "Get-Date | Out-String | Out-Null; exit" : "exit";
        Console.WriteLine($"== cmdlets/import{(firstOutput ? " (with a first formatted output)" : "")}: pwsh start with and without Import-Module ({ImportRuns} runs each, interleaved, medians)");
        string[] bare = { "-NoProfile", "-NonInteractive", "-Command", tail };
        string[] import = { "-NoProfile", "-NonInteractive", "-Command", $"Import-Module '{module.Replace("'", "''")}'; {tail}" };
        // warm the page cache for pwsh and the module's assemblies
        for (var i = 0; i < 2; i++) { await TimeProcessAsync(pwsh, bare); await TimeProcessAsync(pwsh, import); }
        var bareMs = new List<double>();
        var importMs = new List<double>();
        for (var i = 0; i < ImportRuns; i++)
        {
            bareMs.Add(await TimeProcessAsync(pwsh, bare));
            importMs.Add(await TimeProcessAsync(pwsh, import));
        }
        var m = Stats.Median(importMs);
        var b = Stats.Median(bareMs);
        var note = string.Create(CultureInfo.InvariantCulture, $"difference {(m - b) / 1000:0.000} s");
        Console.WriteLine($"   {note}");
        return firstOutput
            ? new BenchResult("cmdlets.import-module+first-output", "pwsh 'Import-Module Sheriff; Get-Date|Out-String'", "pwsh 'Get-Date|Out-String'", m, b,
                "difference <= 0.15 s", Note: note)
            : new BenchResult("cmdlets.import-module", "pwsh -Command 'Import-Module Sheriff; exit'", "pwsh -Command exit", m, b,
                "difference <= 0.15 s", Note: note);
    }

    private static async Task<double> TimeProcessAsync(string file, string[] args)
    {
        var sw = Stopwatch.StartNew();
        var exit = await RunAsync(file, args);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with code {exit}");
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<int> RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    /// <summary>bench/CmdletBench.ps1, found upwards from the bench binary (bin/Release/net10.0) or the current directory.</summary>
    private static string FindScript()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "CmdletBench.ps1"), Path.Combine(dir.FullName, "bench", "CmdletBench.ps1") })
                    if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("bench/CmdletBench.ps1 was not found above " + AppContext.BaseDirectory);
    }
}
