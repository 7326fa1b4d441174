using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Diagnosis;
using Sheriff.Core.Genie;
using Sheriff.Core.Local;

/// <summary>
/// Get-JobDiagnosis (Sheriff.Core.Diagnosis):
/// (a) top-1 category accuracy and false alarms on the training corpus and on the held-out set (ratio = accuracy);
/// (b) scan throughput on a generated 1 GiB log (realistic noise, a failure near the end) against `grep -E -c -f` over
///     the rules' patterns exported to an ERE file, interleaved, medians of 3; the engine scans in a fresh child process
///     (this bench re-run with SHERIFF_BENCH_DIAGNOSIS_CHILD set), which also reports
/// (c) its peak memory (VmHWM on Linux), against grep's peak (GNU time) or, without it, an idle child;
/// (d) bytes read from GenieLocal to diagnose a job whose stderr is 500 MiB with the failure near the end, against the
///     stderr's size.
/// SHERIFF_BENCH_DIAGNOSIS_MB changes the size of the generated log (default 1024). Uses its own counts, not --iterations.
/// </summary>
internal static class DiagnosisBench
{
    private const string ChildVariable = "SHERIFF_BENCH_DIAGNOSIS_CHILD";
    private const string SizeVariable = "SHERIFF_BENCH_DIAGNOSIS_MB";
    private const int ScanRuns = 3;
    private const double MiB = 1024 * 1024;
    private const long RemoteStderrBytes = 500L * 1024 * 1024;

    public static async Task<List<BenchResult>> RunAsync(BenchOptions options)
    {
        var child = Environment.GetEnvironmentVariable(ChildVariable);
        if (!string.IsNullOrEmpty(child))
        {
            RunChild(child);
            Environment.Exit(0);
        }

        var results = new List<BenchResult>();
        Console.WriteLine("== diagnosis: accuracy on the labelled sets (the engine sees the text only, no job status)");
        foreach (var folder in new[] { "corpus", "holdout" })
        {
            var dir = FindLabelled(folder);
            if (dir == null)
            {
                Console.WriteLine($"   {folder}: not found under tests/Sheriff.Core.Tests/Diagnosis");
                continue;
            }
            var s = Score(dir);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {folder}: {s.Correct}/{s.Total} top-1 correct ({100.0 * s.Correct / s.Total:0.0} %), false alarms {s.FalseAlarms}/{s.Successes} successful logs"));
            foreach (var miss in s.Misses) Console.WriteLine("     miss: " + miss);
            results.Add(new BenchResult($"diagnosis.accuracy.{folder}", "top-1 correct", "labelled logs", s.Correct, s.Total,
                ">= 0.95 and 0 false alarms", Unit: "logs", Note: $"false alarms {s.FalseAlarms}/{s.Successes}"));
        }

        results.AddRange(ScanBench());
        results.AddRange(await RemoteBenchAsync());
        return results;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (a) accuracy

    private sealed class LabelScore
    {
        public int Total, Correct, Successes, FalseAlarms;
        public List<string> Misses { get; } = new List<string>();
    }

    private static string? FindLabelled(string folder)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Sheriff.Core.Tests", "Diagnosis", folder);
                if (File.Exists(Path.Combine(candidate, "labels.json"))) return candidate;
            }
        }
        return null;
    }

    private static LabelScore Score(string dir)
    {
        var engine = new DiagnosisEngine();
        var score = new LabelScore();
        foreach (var label in JArray.Parse(File.ReadAllText(Path.Combine(dir, "labels.json"))).Cast<JObject>())
        {
            var file = (string)label["file"]!;
            var expected = (string)label["category"]!;
            var d = engine.Diagnose(LogSource.FromFile(Path.Combine(dir, file), file));
            score.Total++;
            if (expected == DiagnosisCategories.None)
            {
                score.Successes++;
                if (d.IsFailure) score.FalseAlarms++;
            }
            var got = d.IsFailure ? d.Category : DiagnosisCategories.None;
            if (got == expected) score.Correct++;
            else score.Misses.Add($"{file}: expected {expected}, got {got} ({d.RuleId})");
        }
        return score;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (b) + (c) throughput and peak memory against grep -E

    private static List<BenchResult> ScanBench()
    {
        var results = new List<BenchResult>();
        var sizeMb = int.TryParse(Environment.GetEnvironmentVariable(SizeVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mb) && mb > 0 ? mb : 1024;
        var root = Path.Combine(Path.GetTempPath(), "sheriff-diagbench-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var log = Path.Combine(root, "stderr.log");
            var sw = Stopwatch.StartNew();
            var (bytes, lines) = GenerateLog(log, sizeMb * 1024L * 1024);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== diagnosis/scan: generated {bytes / MiB:0} MiB, {lines:N0} lines of Spark driver noise with a failure near the end, in {sw.Elapsed.TotalSeconds:0.0} s ({log})"));

            var patterns = Path.Combine(root, "patterns.ere");
            var (exported, translated, skipped) = ExportPatterns(patterns);
            Console.WriteLine($"   patterns: {exported} of the rules' {exported + skipped.Count} patterns exported to an ERE file for grep -E ({translated} needed translating: named/non-capturing groups, lazy quantifiers, \\d, escapes, classes; {skipped.Count} skipped as not expressible in ERE)");
            foreach (var s in skipped) Console.WriteLine("     skipped: " + s);

            var grep = FindOnPath("grep");
            var gnuTime = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;
            var engineMs = new List<double>();
            var grepMs = new List<double>();
            var grepCMs = new List<double>();
            ChildScan? last = null;
            long grepPeakKb = 0;
            long grepCount = -1;
            for (var i = 0; i < ScanRuns; i++)
            {
                last = ScanInChild(log, scan: true);
                engineMs.Add(last.ScanMs);
                if (grep != null)
                {
                    var (ms, count, peakKb) = TimeGrep(grep, gnuTime, patterns, log, cLocale: false);
                    grepMs.Add(ms);
                    grepCount = count;
                    grepPeakKb = Math.Max(grepPeakKb, peakKb);
                    grepCMs.Add(TimeGrep(grep, gnuTime, patterns, log, cLocale: true).Ms);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   engine (child process): runs {string.Join(", ", engineMs.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms, {bytes / MiB / (Stats.Median(engineMs) / 1000):0} MiB/s; engine start (rules, prefilter) {last!.InitMs:0} ms; diagnosis: {last.Category} ({last.RuleId}): {last.Title}"));
            if (last.Category != "ContainerKilledMemory") Console.WriteLine("   WARNING: the planted failure (ContainerKilledMemory) was not the diagnosis");
            if (grep != null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   grep -E -c -f ({Environment.GetEnvironmentVariable("LC_ALL") ?? Environment.GetEnvironmentVariable("LANG") ?? "default locale"}): runs {string.Join(", ", grepMs.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms, {bytes / MiB / (Stats.Median(grepMs) / 1000):0} MiB/s, {grepCount:N0} matching lines"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   grep -E -c -f with LC_ALL=C (byte semantics, no UTF-8 decoding): runs {string.Join(", ", grepCMs.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms, {bytes / MiB / (Stats.Median(grepCMs) / 1000):0} MiB/s"));
                results.Add(new BenchResult("diagnosis.scan-1GiB", "engine scan (fresh process)", "grep -E -c -f rules.ere",
                    Stats.Median(engineMs), Stats.Median(grepMs), "<= 1.0x (as fast as grep or faster)"));
                results.Add(new BenchResult("diagnosis.scan-1GiB.grep-C-locale", "engine scan (fresh process)", "LC_ALL=C grep -E -c -f rules.ere",
                    Stats.Median(engineMs), Stats.Median(grepCMs), "informative"));
            }
            else
            {
                Console.WriteLine("   grep not found on PATH: diagnosis.scan-1GiB has no baseline");
            }

            // (c) peak memory of the scan: the child's VmHWM, against grep's peak RSS (or an idle child without GNU time).
            var idle = ScanInChild(log, scan: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   peak memory: engine scan {last.PeakBytes / MiB:0.0} MiB (GC heap at the end {last.GcHeapBytes / MiB:0.0} MiB); same child without the scan (runtime + rules) {idle.PeakBytes / MiB:0.0} MiB{(grepPeakKb > 0 ? string.Create(CultureInfo.InvariantCulture, $"; grep {grepPeakKb / 1024.0:0.0} MiB") : "")}"));
            results.Add(grepPeakKb > 0
                ? new BenchResult("diagnosis.scan-peak-memory", "engine scan VmHWM", "grep -E max RSS", last.PeakBytes / MiB, grepPeakKb / 1024.0, "< 64 MiB", Unit: "MiB",
                    Note: string.Create(CultureInfo.InvariantCulture, $"idle child {idle.PeakBytes / MiB:0.0} MiB"))
                : new BenchResult("diagnosis.scan-peak-memory", "engine scan VmHWM", "same child, no scan", last.PeakBytes / MiB, idle.PeakBytes / MiB, "< 64 MiB", Unit: "MiB"));
            return results;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record ChildScan(double ScanMs, double InitMs, long PeakBytes, long GcHeapBytes, string Category, string RuleId, string Title);

    /// <summary>Runs the engine on the log in a fresh process (or, with <paramref name="scan"/> false, only builds it).</summary>
    private static ChildScan ScanInChild(string log, bool scan)
    {
        var output = Path.Combine(Path.GetTempPath(), "sheriff-diagbench-child-" + Guid.NewGuid().ToString("n")[..8] + ".json");
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(DiagnosisBench).Assembly.Location);
        psi.ArgumentList.Add("--only");
        psi.ArgumentList.Add("diagnosis");
        psi.Environment[ChildVariable] = string.Join("|", scan ? "scan" : "idle", log, output);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        try
        {
            if (p.ExitCode != 0) throw new InvalidOperationException($"the scan child exited with code {p.ExitCode}");
            var o = JObject.Parse(File.ReadAllText(output));
            return new ChildScan((double)o["scanMs"]!, (double)o["initMs"]!, (long)o["peak"]!, (long)o["gcHeap"]!,
                (string?)o["category"] ?? "", (string?)o["ruleId"] ?? "", (string?)o["title"] ?? "");
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>In the child: build the engine, scan the log once (streamed from disk), report times and VmHWM.</summary>
    private static void RunChild(string spec)
    {
        var parts = spec.Split('|');
        string mode = parts[0], log = parts[1], output = parts[2];
        var sw = Stopwatch.StartNew();
        var engine = new DiagnosisEngine();
        engine.DiagnoseText("warm-up: builds the prefilter"); // the rules and their prefilter are built once per process
        var initMs = sw.Elapsed.TotalMilliseconds;
        double scanMs = 0;
        JobDiagnosis? d = null;
        if (mode == "scan")
        {
            sw.Restart();
            d = engine.Diagnose(LogSource.FromFile(log, "stderr"));
            scanMs = sw.Elapsed.TotalMilliseconds;
        }
        var o = new JObject
        {
            ["initMs"] = initMs,
            ["scanMs"] = scanMs,
            ["peak"] = PeakBytes(),
            ["gcHeap"] = GC.GetTotalMemory(false),
            ["category"] = d?.Category,
            ["ruleId"] = d?.RuleId,
            ["title"] = d?.Title,
        };
        File.WriteAllText(output, o.ToString());
    }

    /// <summary>VmHWM (peak resident set) on Linux, else the process's peak working set.</summary>
    private static long PeakBytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = line.Substring(6).Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private static (double Ms, long Count, long PeakKb) TimeGrep(string grep, string? gnuTime, string patterns, string log, bool cLocale)
    {
        var psi = new ProcessStartInfo(gnuTime ?? grep) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (cLocale) psi.Environment["LC_ALL"] = "C";
        if (gnuTime != null)
        {
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add("maxrss=%M");
            psi.ArgumentList.Add(grep);
        }
        foreach (var a in new[] { "-E", "-c", "-f", patterns, log }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var ms = sw.Elapsed.TotalMilliseconds;
        // grep -c exits 1 when nothing matched and 2 on an error; GNU time exits with the command's status.
        var count = long.TryParse(stdout.Result.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : -1;
        long peak = 0;
        foreach (var line in stderr.Result.Split('\n'))
            if (line.StartsWith("maxrss=", StringComparison.Ordinal)) long.TryParse(line.Substring(7).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out peak);
        if (p.ExitCode > 1) throw new InvalidOperationException($"grep failed: {stderr.Result}");
        return (ms, count, peak);
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (string.IsNullOrEmpty(dir)) continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The generated log

    private static readonly string[] NoiseTemplates =
    {
        "{T} INFO TaskSetManager: Starting task {a}.0 in stage {b}.0 (TID {c}) (ip-10-4-{e}-{f}.ec2.internal, executor {g}, partition {a}, NODE_LOCAL, {d} bytes) ",
        "{T} INFO TaskSetManager: Finished task {a}.0 in stage {b}.0 (TID {c}) in {d} ms on ip-10-4-{e}-{f}.ec2.internal (executor {g}) ({a}/2000)",
        "{T} INFO BlockManagerInfo: Added broadcast_{b}_piece0 in memory on ip-10-4-{e}-{f}.ec2.internal:{c} (size: {e}.{g} KiB, free: 4.1 GiB)",
        "{T} INFO BlockManagerInfo: Removed broadcast_{b}_piece0 on ip-10-4-{e}-{f}.ec2.internal:{c} in memory (size: {e}.{g} KiB, free: 4.1 GiB)",
        "{T} INFO MemoryStore: Block broadcast_{b} stored as values in memory (estimated size {d}.0 KiB, free 2.1 GiB)",
        "{T} INFO DAGScheduler: Submitting {a} missing tasks from ShuffleMapStage {b} (MapPartitionsRDD[{c}] at sql at NativeMethodAccessorImpl.java:0) (first 15 tasks are for partitions Vector(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))",
        "{T} INFO CodeGenerator: Code generated in {d}.{e} ms",
        "{T} INFO FileScanRDD: Reading File path: s3a://acme-events/raw/dt=2024-05-13/part-{c}-4f0e1c2a-9b8d.c000.snappy.parquet, range: 0-{d}{c}, partition values: [empty row]",
        "{T} INFO YarnAllocator: Launching container container_1715600211890_0412_01_{c} on host ip-10-4-{e}-{f}.ec2.internal for executor with ID {g} for ResourceProfile Id 0",
        "{T} INFO ShuffleBlockFetcherIterator: Getting {a} ({e}.1 MiB) non-empty blocks including {b} ({g}.2 MiB) local and 0 (0.0 B) host-local and 0 (0.0 B) push-merged-local and {f} ({e}.9 MiB) remote blocks",
        "{T} INFO ShuffleBlockFetcherIterator: Started {g} remote fetches in {d} ms",
        "{T} INFO MapOutputTrackerMasterEndpoint: Asked to send map output locations for shuffle {b} to 10.4.{e}.{f}:{c}",
        "{T} INFO ExecutorAllocationManager: Requesting {g} new executors because tasks are backlogged (new desired total will be {a})",
        "{T} INFO YarnSchedulerBackend$YarnDriverEndpoint: Registered executor NettyRpcEndpointRef(spark-client://Executor) (10.4.{e}.{f}:{c}) with ID {g},  ResourceProfileId 0",
        "{T} INFO S3AInputStream: Switching to Random IO seek policy",
        "{T} INFO FileOutputCommitter: File Output Committer Algorithm version is 2",
        "{T} INFO SparkHadoopWriter: Job job_20240514091203_{b} committed. Elapsed time: {d} ms.",
        "{T} INFO DAGScheduler: ResultStage {b} (parquet at NativeMethodAccessorImpl.java:0) finished in {e}.{d} s",
        "{T} WARN TaskSetManager: Stage {b} contains a task of very large size ({d} KiB). The maximum recommended task size is 1000 KiB.",
        "{T} WARN DAGScheduler: Broadcasting large task binary with size {d}.{e} KiB",
        "{T} WARN GarbageCollectionMetrics: To enable non-built-in garbage collector(s) List(G1 Concurrent GC), users should configure it(them) to spark.eventLog.gcMetrics.youngGenerationGarbageCollectors or spark.eventLog.gcMetrics.oldGenerationGarbageCollectors",
        "{T} WARN S3AbortableInputStream: Not all bytes were read from the S3ObjectInputStream, aborting HTTP connection. This is likely an error and may result in sub-optimal behavior.",
        "\tat org.apache.spark.scheduler.Task.run(Task.scala:{d})",
        "\tat org.apache.spark.executor.Executor$TaskRunner.$anonfun$run$3(Executor.scala:{d})",
        "/usr/lib/spark/python/lib/pyspark.zip/pyspark/sql/pandas/conversion.py:{d}: FutureWarning: is_categorical_dtype is deprecated and will be removed in a future version.",
    };

    /// <summary>Spark driver stderr: a pool of varied noise lines written in random order, then a real failure near the end.</summary>
    private static (long Bytes, long Lines) GenerateLog(string path, long size)
    {
        var rng = new Random(42);
        var pool = new string[20_000];
        for (var i = 0; i < pool.Length; i++)
        {
            var t = NoiseTemplates[rng.Next(NoiseTemplates.Length)];
            var time = string.Create(CultureInfo.InvariantCulture, $"24/05/14 {9 + i % 10:00}:{rng.Next(60):00}:{rng.Next(60):00}");
            pool[i] = t.Replace("{T}", time).Replace("{a}", rng.Next(2000).ToString(CultureInfo.InvariantCulture))
                .Replace("{b}", rng.Next(40).ToString(CultureInfo.InvariantCulture)).Replace("{c}", rng.Next(100_000).ToString("000000", CultureInfo.InvariantCulture))
                .Replace("{d}", rng.Next(1, 1000).ToString(CultureInfo.InvariantCulture)).Replace("{e}", rng.Next(1, 255).ToString(CultureInfo.InvariantCulture))
                .Replace("{f}", rng.Next(1, 255).ToString(CultureInfo.InvariantCulture)).Replace("{g}", rng.Next(1, 80).ToString(CultureInfo.InvariantCulture));
        }
        var failure = new[]
        {
            "24/05/14 19:59:02 WARN YarnAllocator: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.",
            "24/05/14 19:59:02 ERROR YarnScheduler: Lost executor 12 on ip-10-4-7-19.ec2.internal: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.",
            "24/05/14 19:59:02 WARN TaskSetManager: Lost task 311.3 in stage 21.0 (TID 88140) (ip-10-4-7-19.ec2.internal executor 12): ExecutorLostFailure (executor 12 exited caused by one of the running tasks) Reason: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.",
            "24/05/14 19:59:02 ERROR TaskSetManager: Task 311 in stage 21.0 failed 4 times; aborting job",
            "Traceback (most recent call last):",
            "  File \"/home/genie/jobs/4f1d/clickstream_daily.py\", line 88, in <module>",
            "    sessions.write.mode(\"overwrite\").parquet(out)",
            "py4j.protocol.Py4JJavaError: An error occurred while calling o211.parquet.",
            ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 311 in stage 21.0 failed 4 times, most recent failure: Lost task 311.3 in stage 21.0 (TID 88140) (ip-10-4-7-19.ec2.internal executor 12): ExecutorLostFailure (executor 12 exited caused by one of the running tasks) Reason: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.",
            "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2785)",
        };
        long written = 0, lines = 0;
        var tailAt = size - 256 * 1024; // the failure sits a little before the end, under some more noise
        var failureWritten = false;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        while (written < size)
        {
            if (!failureWritten && written >= tailAt)
            {
                foreach (var f in failure)
                {
                    writer.WriteLine(f);
                    written += f.Length + 1;
                    lines++;
                }
                failureWritten = true;
                continue;
            }
            var line = pool[rng.Next(pool.Length)];
            writer.WriteLine(line);
            written += line.Length + 1; // ASCII
            lines++;
        }
        return (written, lines);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The ERE export for grep

    /// <summary>Writes every rule pattern grep -E can run (translated from .NET syntax); returns the counts and what was skipped.</summary>
    private static (int Exported, int Translated, List<string> Skipped) ExportPatterns(string path)
    {
        var exported = new List<string>();
        var skipped = new List<string>();
        var translated = 0;
        foreach (var rule in RuleSet.BuiltIn.Rules)
        {
            foreach (var regex in rule.Patterns)
            {
                var source = regex.ToString();
                var ere = ToEre(source, out var why);
                if (ere == null)
                {
                    skipped.Add($"{rule.Id}: {source} ({why})");
                    continue;
                }
                if (ere != source) translated++;
                exported.Add(ere);
            }
        }
        File.WriteAllLines(path, exported);
        return (exported.Count, translated, skipped);
    }

    /// <summary>.NET regex to POSIX ERE (GNU grep); null with a reason when it has no ERE equivalent.</summary>
    internal static string? ToEre(string p, out string why)
    {
        why = "";
        var sb = new StringBuilder();
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            switch (c)
            {
                case '(':
                    if (i + 1 < p.Length && p[i + 1] == '?')
                    {
                        if (i + 2 < p.Length && (p[i + 2] == ':' || p[i + 2] == '>')) { sb.Append('('); i += 2; break; }
                        if (i + 2 < p.Length && (p[i + 2] == '<' || p[i + 2] == '\'') && i + 3 < p.Length && p[i + 3] != '=' && p[i + 3] != '!')
                        {
                            var close = p.IndexOf(p[i + 2] == '<' ? '>' : '\'', i + 3);
                            sb.Append('(');
                            i = close;
                            break;
                        }
                        why = "lookaround or inline option";
                        return null;
                    }
                    sb.Append('(');
                    break;
                case '*':
                case '+':
                case '?':
                case '}':
                    sb.Append(c);
                    if (i + 1 < p.Length && p[i + 1] == '?') i++; // lazy: same lines match
                    break;
                case '{':
                    {
                        var close = p.IndexOf('}', i);
                        var body = close < 0 ? "" : p.Substring(i + 1, close - i - 1);
                        if (close > 0 && body.Length > 0 && body.All(ch => char.IsDigit(ch) || ch == ',') && char.IsDigit(body[0])) sb.Append('{');
                        else sb.Append("\\{");
                        break;
                    }
                case '[':
                    {
                        var cls = ClassToEre(p, ref i, out why);
                        if (cls == null) return null;
                        sb.Append(cls);
                        break;
                    }
                case '\\':
                    {
                        if (i + 1 >= p.Length) { why = "trailing backslash"; return null; }
                        var e = p[++i];
                        switch (e)
                        {
                            case 'd': sb.Append("[0-9]"); break;
                            case 'D': sb.Append("[^0-9]"); break;
                            case 'w': case 'W': case 's': case 'S': case 'b': case 'B': sb.Append('\\').Append(e); break;
                            case 'A': sb.Append('^'); break;
                            case 'z': case 'Z': sb.Append('$'); break;
                            case 't': sb.Append('\t'); break;
                            case 'p': case 'P': case 'k': case 'G': why = $"\\{e} has no ERE form"; return null;
                            default:
                                if (char.IsLetterOrDigit(e)) { why = $"\\{e} has no ERE form"; return null; }
                                // In GNU grep \< \> are word boundaries and \' \` buffer anchors: a literal needs no backslash there.
                                if (".[]()*+?{}|^$\\/".IndexOf(e) >= 0) sb.Append('\\').Append(e);
                                else sb.Append(e);
                                break;
                        }
                        break;
                    }
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A .NET character class as a POSIX bracket expression (no backslash escapes inside those).</summary>
    private static string? ClassToEre(string p, ref int i, out string why)
    {
        why = "";
        var negate = false;
        var j = i + 1;
        if (j < p.Length && p[j] == '^') { negate = true; j++; }
        var items = new StringBuilder();
        var closeBracket = false;
        var dash = false;
        var first = true;
        for (; j < p.Length; j++)
        {
            var c = p[j];
            if (c == ']' && !first) break;
            first = false;
            if (c == '\\' && j + 1 < p.Length)
            {
                var e = p[++j];
                switch (e)
                {
                    case 'd': items.Append("0-9"); continue;
                    case 'w': items.Append("[:alnum:]_"); continue;
                    case 's': items.Append("[:space:]"); continue;
                    case 'D': case 'W': case 'S': case 'p': case 'P': why = $"\\{e} inside a class"; return null;
                    case 't': items.Append('\t'); continue;
                    case ']': closeBracket = true; continue;
                    case '-': dash = true; continue;
                    default:
                        if (char.IsLetterOrDigit(e)) { why = $"\\{e} inside a class"; return null; }
                        items.Append(e);
                        continue;
                }
            }
            if (c == '[' && j + 1 < p.Length && p[j + 1] == ':') { why = "POSIX class syntax"; return null; }
            if (c == ']') { closeBracket = true; continue; }
            if (c == '-' && (j + 1 < p.Length && p[j + 1] == ']' || items.Length == 0)) { dash = true; continue; }
            items.Append(c);
        }
        if (j >= p.Length) { why = "unterminated class"; return null; }
        i = j;
        return "[" + (negate ? "^" : "") + (closeBracket ? "]" : "") + items + (dash ? "-" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (d) bytes read from GenieLocal for a remote diagnosis of a 500 MiB stderr

    private static async Task<List<BenchResult>> RemoteBenchAsync()
    {
        var results = new List<BenchResult>();
        var serverDll = FindGenieLocal();
        if (serverDll == null)
        {
            Console.WriteLine("== diagnosis/remote: skipped (GenieLocal is not built: build the solution or build.ps1 -Task Build)");
            return results;
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "sheriff-diagbench-genie-" + Guid.NewGuid().ToString("n")[..8]);
        var serverOptions = new GenieLocalOptions { DataDirectory = dataDir };
        serverOptions.ExtraArguments.Add("--claim-delay");
        serverOptions.ExtraArguments.Add("0");
        using var server = GenieLocalServer.Start(serverDll, serverOptions, TimeSpan.FromSeconds(60), CancellationToken.None);
        try
        {
            using var http = new HttpClient { BaseAddress = server.Uri };
            using var client = new GenieClient(server.Uri);
            const string noise = "24/05/14 09:12:03 INFO TaskSetManager: Finished task 17.0 in stage 3.0 (TID 4410) in 2331 ms on ip-10-4-7-22.ec2.internal (executor 4) (18/2000)";
            var noiseLines = RemoteStderrBytes / (noise.Length + 1);
            var script = $"yes '{noise}' | head -n {noiseLines} >&2; " +
                         "echo '24/05/14 19:59:02 ERROR YarnScheduler: Lost executor 12 on ip-10-4-7-19.ec2.internal: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.' >&2; " +
                         "echo 'Traceback (most recent call last):' >&2; echo 'py4j.protocol.Py4JJavaError: An error occurred while calling o211.parquet.' >&2; " +
                         $"yes '{noise}' | head -n 200 >&2; exit 1";
            var sw = Stopwatch.StartNew();
            var id = await SubmitShellJobAsync(http, script);
            GenieJob job;
            while (true)
            {
                job = await client.GetJobAsync(id, CancellationToken.None);
                if (job.IsFinished) break;
                if (sw.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"the 500 MiB job {id} did not finish");
                await Task.Delay(250);
            }
            var reader = new JobOutputReader(client);
            var listing = await reader.ListAsync(id, null, CancellationToken.None);
            var stderrSize = listing.FirstOrDefault(e => e.Name == "stderr")?.Size ?? RemoteStderrBytes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== diagnosis/remote: GenieLocal at {server.Uri}; shell job {id} ended {job.Status} with a {stderrSize / MiB:0.0} MiB stderr in {sw.Elapsed.TotalSeconds:0.0} s"));
            var diagnoser = new RemoteJobDiagnoser(reader, new DiagnosisEngine()) { Log = m => Console.WriteLine("   " + m) };
            sw.Restart();
            var d = await diagnoser.DiagnoseAsync(job, CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   diagnosis in {sw.Elapsed.TotalMilliseconds:0} ms: {d.Category} ({d.RuleId}): {d.Title}; {d.BytesRead:N0} bytes read from GenieLocal"));
            foreach (var e in d.Evidence) Console.WriteLine("     evidence " + e);
            results.Add(new BenchResult("diagnosis.remote-bytes-read", "bytes read to diagnose", "stderr size", d.BytesRead / MiB, stderrSize / MiB,
                "<= 2 MiB read", Unit: "MiB", Note: $"{d.Category}"));
            return results;
        }
        finally
        {
            server.Stop(TimeSpan.FromSeconds(10));
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }

    private static string? FindGenieLocal()
    {
        var fromBuild = typeof(DiagnosisBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "GenieLocalDll")?.Value;
        if (fromBuild != null && File.Exists(fromBuild)) return Path.GetFullPath(fromBuild);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "out", "Sheriff", "genielocal", GenieLocalServer.ServerFileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static async Task<string> SubmitShellJobAsync(HttpClient http, string script)
    {
        var id = "diagbench-" + Guid.NewGuid().ToString("n")[..12];
        var body = new JObject
        {
            ["id"] = id,
            ["name"] = "diagnosis-bench",
            ["user"] = "bench",
            ["version"] = "NA",
            ["clusterCriterias"] = new JArray(new JObject { ["tags"] = new JArray("sched:adhoc") }),
            ["commandCriteria"] = new JArray("type:shell"),
            ["commandArgs"] = "'" + script.Replace("'", "'\\''") + "'",
        };
        using var response = await http.PostAsync("api/v3/jobs", new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return id;
    }
}
