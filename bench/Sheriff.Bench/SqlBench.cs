using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Sql;

/// <summary>
/// SQL results to PowerShell objects: a generated 100,000-row sheriff-sql-result.json of mixed types (bigint, string,
/// decimal, double with NaN, boolean, date, timestamp, array, struct, map, nulls).
/// (a) in this process: Sheriff.Core's SqlResultReader (typed values, rows streamed) against Newtonsoft's JToken tree of
///     the same file (JToken.ReadFrom), interleaved, medians of 5 (informative: no PowerShell);
/// (b) bench/SqlBench.ps1 in --pwsh: SqlResultReader + a PSCustomObject per row (what Invoke-SparkSql does with a
///     downloaded result) against ConvertFrom-Json of the same file (the baseline), and against ConvertFrom-Json plus a
///     [pscustomobject] per row built in script; its JSON results become BenchResult lines. Needs --module and --pwsh.
/// Uses its own counts (100,000 rows, 5 runs), not --iterations.
/// </summary>
internal static class SqlBench
{
    private const int Rows = 100_000;
    private const int Runs = 5;

    public static async Task<List<BenchResult>> RunAsync(BenchOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "sheriff-sqlbench-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "sheriff-sql-result.json");
        try
        {
            var sw = Stopwatch.StartNew();
            Generate(file, Rows);
            var size = new FileInfo(file).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== sql: {Rows:N0}-row result file ({size / 1024.0 / 1024.0:0.0} MiB, 11 columns of mixed types) generated in {sw.Elapsed.TotalSeconds:0.0} s"));

            var results = new List<BenchResult> { InProcess(file) };
            if (options.ModulePath == null || options.Pwsh == null)
            {
                Console.WriteLine("== sql/pwsh: skipped (needs --module <out/Sheriff/Sheriff.psd1> and --pwsh <$PSHOME/pwsh>)");
                return results;
            }
            results.AddRange(await PowerShellAsync(options, file, folder));
            return results;
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    private static BenchResult InProcess(string file)
    {
        long count = 0;
        double Reader()
        {
            var sw = Stopwatch.StartNew();
            count = 0;
            SqlResultReader.ReadFile(file, (_, row) => count++);
            return sw.Elapsed.TotalMilliseconds;
        }
        double Tree()
        {
            var sw = Stopwatch.StartNew();
            using var text = new StreamReader(file);
            using var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(json);
            if (((JArray)token["rows"]!).Count != Rows) throw new InvalidOperationException("row count");
            return sw.Elapsed.TotalMilliseconds;
        }
        Reader(); Tree(); // warm up
        var reader = new List<double>();
        var tree = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            GC.Collect();
            reader.Add(Reader());
            GC.Collect();
            tree.Add(Tree());
        }
        if (count != Rows) throw new InvalidOperationException($"the reader saw {count} rows");
        var m = Stats.Median(reader);
        var b = Stats.Median(tree);
        var note = string.Create(CultureInfo.InvariantCulture, $"SqlResultReader {Rows / (m / 1000):N0} rows/s typed, JToken tree {Rows / (b / 1000):N0} rows/s untyped");
        Console.WriteLine("   " + note);
        return new BenchResult("sql.reader-in-process", "SqlResultReader (typed rows, streamed)", "JToken.ReadFrom (untyped tree)", m, b, Note: note);
    }

    private static async Task<List<BenchResult>> PowerShellAsync(BenchOptions options, string file, string folder)
    {
        var script = FindScript();
        var resultPath = Path.Combine(folder, "results.json");
        Console.WriteLine($"== sql/pwsh: {script} ({Runs} runs each, interleaved, medians)");
        var psi = new ProcessStartInfo(options.Pwsh!) { UseShellExecute = false };
        foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-File", script, "-ModulePath", Path.GetFullPath(options.ModulePath!),
                     "-ResultFile", file, "-ResultPath", resultPath, "-Runs", Runs.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using (var p = Process.Start(psi)!)
        {
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{script} exited with code {p.ExitCode}");
        }
        var results = new List<BenchResult>();
        using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(resultPath));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string? Str(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String && v.GetString() != "" ? v.GetString() : null;
            results.Add(new BenchResult(Str("Name")!, Str("Measured")!, Str("Baseline")!,
                e.GetProperty("MeasuredValue").GetDouble(), e.GetProperty("BaselineValue").GetDouble(),
                Str("Goal"), Str("Unit") ?? "ms", Str("Note")));
        }
        return results;
    }

    /// <summary>A result file as the engines write it: 11 columns of mixed types, about 1 value in 10 null.</summary>
    private static void Generate(string path, int rows)
    {
        var random = new Random(42);
        string[] names = { "ana", "ben", "cleo", "dan", "eva", "fay", "gus", "it's \"quoted\"", "ünïcödé", "line\nbreak" };
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write("{\"format\":\"sheriff-sql-result/1\",\"engine\":\"bench\",\"status\":\"succeeded\",\"error\":null,\"columns\":[");
        w.Write("{\"name\":\"id\",\"type\":\"bigint\"},{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"decimal(12,2)\"},");
        w.Write("{\"name\":\"score\",\"type\":\"double\"},{\"name\":\"ok\",\"type\":\"boolean\"},{\"name\":\"ds\",\"type\":\"date\"},");
        w.Write("{\"name\":\"at\",\"type\":\"timestamp\"},{\"name\":\"tags\",\"type\":\"array<string>\"},");
        w.Write("{\"name\":\"attrs\",\"type\":\"struct<a:int,b:string>\"},{\"name\":\"counts\",\"type\":\"map<string,int>\"},{\"name\":\"maybe\",\"type\":\"int\"}],\"rows\":[");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            if (i > 0) w.Write(',');
            var name = JsonConvert.ToString(names[random.Next(names.Length)]);
            var amount = (random.Next(0, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            var score = random.Next(50) == 0 ? "\"NaN\"" : (random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture);
            var at = start.AddSeconds(random.Next(0, 365 * 86400)).AddTicks(random.Next(0, 1_000_000) * 10L);
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"[{i},{name},\"{amount}\",{score},{(random.Next(2) == 0 ? "true" : "false")},\"{at:yyyy-MM-dd}\",\"{at:yyyy-MM-ddTHH:mm:ss.ffffff}Z\","));
            w.Write(random.Next(10) == 0 ? "null" : $"[\"t{random.Next(5)}\",\"t{random.Next(5)}\"]");
            w.Write(string.Create(CultureInfo.InvariantCulture, $",{{\"a\":{random.Next(100)},\"b\":\"x{random.Next(100)}\"}}"));
            w.Write(string.Create(CultureInfo.InvariantCulture, $",[[\"k{random.Next(3)}\",{random.Next(1000)}]]"));
            w.Write(random.Next(10) == 0 ? ",null]" : string.Create(CultureInfo.InvariantCulture, $",{random.Next(1000)}]"));
        }
        w.Write(string.Create(CultureInfo.InvariantCulture, $"],\"rowCount\":{rows},\"truncated\":false,\"written\":null,\"statistics\":null}}"));
    }

    private static string FindScript()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "SqlBench.ps1"), Path.Combine(dir.FullName, "bench", "SqlBench.ps1") })
                    if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("bench/SqlBench.ps1 was not found above " + AppContext.BaseDirectory);
    }
}
