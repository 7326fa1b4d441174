using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sheriff.Core.Packaging;

/// <summary>
/// The -ProjectPath packager (Sheriff.Core.Packaging.ProjectPackager) on a generated 10,000-file / 200 MB tree:
/// (a) a first Package (cache miss) against `zip -r -q` of the same tree, interleaved, medians of 3;
/// (b) an unchanged re-Package (cache hit) against that first Package;
/// (c) peak memory while packaging the 200 MB tree against a 20 MB tree of the same shape, each measured in a fresh
///     child process (this bench binary re-run with SHERIFF_BENCH_PACKAGING_CHILD set), sampling the working set
///     and the GC heap every 5 ms (and VmHWM on Linux); plus a 10k-file 20 MB tree, to separate bytes from file count.
/// Uses its own counts, not --iterations.
/// </summary>
internal static class PackagingBench
{
    private const string ChildVariable = "SHERIFF_BENCH_PACKAGING_CHILD";
    private const int MissRuns = 3;
    private const int HitRuns = 10;
    private const double MiB = 1024 * 1024;

    public static List<BenchResult> Run(BenchOptions options)
    {
        var child = Environment.GetEnvironmentVariable(ChildVariable);
        if (!string.IsNullOrEmpty(child))
        {
            RunMemoryChild(child);
            Environment.Exit(0);
        }

        var root = Path.Combine(Path.GetTempPath(), "sheriff-pkgbench-" + Guid.NewGuid().ToString("n")[..8]);
        try
        {
            var big = Path.Combine(root, "big", "sparkjobs");
            var small = Path.Combine(root, "small", "sparkjobs");
            var manySmall = Path.Combine(root, "manysmall", "sparkjobs");
            var sw = Stopwatch.StartNew();
            var (bigFiles, bigBytes) = GenerateTree(big, fileCount: 10_000, totalBytes: 200L * 1000 * 1000, seed: 1);
            var (smallFiles, smallBytes) = GenerateTree(small, fileCount: 1_000, totalBytes: 20L * 1000 * 1000, seed: 2);
            var (manyFiles, manyBytes) = GenerateTree(manySmall, fileCount: 10_000, totalBytes: 20L * 1000 * 1000, seed: 3, pyAverageBytes: 1_200);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"== packaging: trees of {bigFiles:N0} files / {bigBytes / MiB:0.0} MiB, {smallFiles:N0} files / {smallBytes / MiB:0.0} MiB and {manyFiles:N0} files / {manyBytes / MiB:0.0} MiB generated in {sw.Elapsed.TotalSeconds:0.0} s under {root}"));

            var results = new List<BenchResult>();

            // (a) first Package vs zip -r -q, interleaved; (b) cache hits vs the first Package
            var zip = FindOnPath("zip");
            var packageMs = new List<double>();
            var zipMs = new List<double>();
            BundleResult? last = null;
            string lastCache = "";
            long zipBytes = 0;
            for (var i = 0; i < MissRuns; i++)
            {
                if (zip != null)
                {
                    var zipOut = Path.Combine(root, $"zip-{i}.zip");
                    zipMs.Add(TimeZip(zip, big, zipOut));
                    zipBytes = new FileInfo(zipOut).Length;
                    File.Delete(zipOut);
                }
                lastCache = Path.Combine(root, $"cache-{i}");
                var t = Stopwatch.StartNew();
                last = new ProjectPackager(lastCache).Package(big, CancellationToken.None);
                packageMs.Add(t.Elapsed.TotalMilliseconds);
                if (last.FromCache) throw new InvalidOperationException("a fresh cache folder answered from the cache");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   Package: {last!.Entries.Count:N0} entries, zip {last.Size / MiB:0.0} MiB; runs {string.Join(", ", packageMs.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms"));
            var firstMs = Stats.Median(packageMs);
            if (zip != null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"   zip -r -q: zip {zipBytes / MiB:0.0} MiB; runs {string.Join(", ", zipMs.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms"));
                results.Add(new BenchResult("packaging.first-package", "Package (cache miss, 10k files/200 MB)", "zip -r -q", firstMs, Stats.Median(zipMs), "<= 1.0x"));
            }
            else
            {
                Console.WriteLine("   zip not found on PATH: packaging.first-package has no baseline (apt-get install zip)");
            }

            var hitMs = new List<double>();
            var packager = new ProjectPackager(lastCache);
            for (var i = 0; i < HitRuns; i++)
            {
                var t = Stopwatch.StartNew();
                var hit = packager.Package(big, CancellationToken.None);
                hitMs.Add(t.Elapsed.TotalMilliseconds);
                if (!hit.FromCache || hit.Sha256 != last.Sha256) throw new InvalidOperationException("an unchanged tree was not answered from the cache");
            }
            results.Add(new BenchResult("packaging.cache-hit", "re-Package unchanged tree (cache hit)", "first Package", Stats.Median(hitMs), firstMs, "<= 0.1x"));

            // (c) peak memory, each tree in a fresh process
            var bigMem = MeasureInChild(big, Path.Combine(root, "mem-cache-big"));
            var smallMem = MeasureInChild(small, Path.Combine(root, "mem-cache-small"));
            var manyMem = MeasureInChild(manySmall, Path.Combine(root, "mem-cache-many"));
            Console.WriteLine("   peak while packaging (fresh process each):");
            foreach (var (label, m) in new[] { ("10k files / 200 MB", bigMem), ("1k files / 20 MB", smallMem), ("10k files / 20 MB", manyMem) })
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"     {label}: working set {m.PeakWorkingSet / MiB:0.0} MiB, GC heap {m.PeakGcHeap / MiB:0.0} MiB, VmHWM {Show(m.VmHwm)}"));
            // As asked: 200 MB vs 20 MB trees of the same shape (so 10x the files as well as 10x the bytes) ...
            results.Add(new BenchResult("packaging.peak-working-set", "peak working set, 10k files/200 MB", "1k files/20 MB",
                bigMem.PeakWorkingSet / MiB, smallMem.PeakWorkingSet / MiB, "~1.0x (independent of tree size)", Unit: "MiB"));
            results.Add(new BenchResult("packaging.peak-gc-heap", "peak GC heap, 10k files/200 MB", "1k files/20 MB",
                bigMem.PeakGcHeap / MiB, smallMem.PeakGcHeap / MiB, "~1.0x (independent of tree size)", Unit: "MiB"));
            // ... and at the same file count, which isolates the bytes: file contents are streamed, never held.
            results.Add(new BenchResult("packaging.peak-working-set.same-files", "peak working set, 10k files/200 MB", "10k files/20 MB",
                bigMem.PeakWorkingSet / MiB, manyMem.PeakWorkingSet / MiB, "~1.0x (independent of bytes)", Unit: "MiB"));
            results.Add(new BenchResult("packaging.peak-gc-heap.same-files", "peak GC heap, 10k files/200 MB", "10k files/20 MB",
                bigMem.PeakGcHeap / MiB, manyMem.PeakGcHeap / MiB, "~1.0x (independent of bytes)", Unit: "MiB"));
            return results;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static string Show(long bytes) => bytes <= 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{bytes / MiB:0.0} MiB");

    /// <summary>
    /// A Spark-jobs-like tree: ~99% small .py modules (synthetic but code-like, so they compress like code) in
    /// packages of 100, and ~1% big random (incompressible, like parquet or model files) data files that make up
    /// about three quarters of the bytes. Deterministic for a seed.
    /// </summary>
    private static (int Files, long Bytes) GenerateTree(string dir, int fileCount, long totalBytes, int seed, int pyAverageBytes = 5_000)
    {
        var rng = new Random(seed);
        int dataFiles = Math.Max(1, fileCount / 100);
        int pyFiles = fileCount - dataFiles;
        long written = 0;
        var words = new[] { "spark", "frame", "column", "window", "partition", "schema", "rows", "metric", "event", "session", "user", "amount", "country", "daily", "agg" };
        var sb = new StringBuilder();
        for (int i = 0; i < pyFiles; i++)
        {
            string pkg = Path.Combine(dir, $"pkg{i / 100:000}");
            if (i % 100 == 0)
            {
                Directory.CreateDirectory(pkg);
                File.WriteAllText(Path.Combine(pkg, "__init__.py"), "");
                continue; // the __init__.py counts as this package's first file
            }
            sb.Clear();
            int target = rng.Next(pyAverageBytes / 5, pyAverageBytes * 9 / 5); // 1-9 KB by default, 5 KB on average
            sb.Append("from pyspark.sql import functions as F\n\n");
            while (sb.Length < target)
            {
                string a = words[rng.Next(words.Length)], b = words[rng.Next(words.Length)];
                sb.Append(CultureInfo.InvariantCulture, $"def {a}_{b}_{rng.Next(10000)}(df):\n    return df.withColumn(\"{a}_{b}\", F.col(\"{b}\") * {rng.Next(1000)}).filter(F.col(\"{a}\") > {rng.Next(100)})\n\n");
            }
            File.WriteAllText(Path.Combine(pkg, $"module_{i % 100:00}.py"), sb.ToString());
        }
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)) written += new FileInfo(f).Length;

        string data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        long perFile = Math.Max(1, (totalBytes - written) / dataFiles);
        var buffer = new byte[1 << 20];
        for (int i = 0; i < dataFiles; i++)
        {
            using var fs = new FileStream(Path.Combine(data, $"part-{i:00000}.bin"), FileMode.CreateNew, FileAccess.Write);
            for (long left = perFile; left > 0;)
            {
                int n = (int)Math.Min(buffer.Length, left);
                rng.NextBytes(buffer.AsSpan(0, n));
                fs.Write(buffer, 0, n);
                left -= n;
            }
            written += perFile;
        }
        // Age the files so no file system timestamp looks "just written" to the packager's cache guard.
        var past = DateTime.UtcNow.AddHours(-1);
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, past.AddTicks(rng.Next(1, 10_000_000)));
        return (pyFiles + dataFiles, written);
    }

    private static double TimeZip(string zip, string tree, string output)
    {
        var psi = new ProcessStartInfo(zip) { UseShellExecute = false, WorkingDirectory = tree };
        foreach (var a in new[] { "-r", "-q", output, "." }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        var ms = sw.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"zip exited with code {p.ExitCode}");
        return ms;
    }

    private sealed record MemoryPeak(long PeakWorkingSet, long PeakGcHeap, long VmHwm);

    private static MemoryPeak MeasureInChild(string tree, string cache)
    {
        var output = Path.Combine(Path.GetTempPath(), "sheriff-pkgbench-mem-" + Guid.NewGuid().ToString("n")[..8] + ".txt");
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(PackagingBench).Assembly.Location);
        psi.ArgumentList.Add("--only");
        psi.ArgumentList.Add("packaging");
        psi.Environment[ChildVariable] = string.Join("|", tree, cache, output);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        try
        {
            if (p.ExitCode != 0) throw new InvalidOperationException($"the memory child exited with code {p.ExitCode}");
            var parts = File.ReadAllText(output).Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            return new MemoryPeak(parts[0], parts[1], parts[2]);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>In the child: one cache-miss Package of the tree while a thread samples memory every 5 ms.</summary>
    private static void RunMemoryChild(string spec)
    {
        var parts = spec.Split('|');
        string tree = parts[0], cache = parts[1], output = parts[2];
        long peakWs = 0, peakGc = 0;
        var done = new ManualResetEventSlim();
        using var self = Process.GetCurrentProcess();
        void Sample()
        {
            self.Refresh();
            peakWs = Math.Max(peakWs, self.WorkingSet64);
            peakGc = Math.Max(peakGc, GC.GetTotalMemory(false));
        }
        var sampler = new Thread(() => { while (!done.Wait(5)) Sample(); }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        sampler.Start();
        var result = new ProjectPackager(cache).Package(tree, CancellationToken.None);
        done.Set();
        sampler.Join();
        Sample();
        if (result.FromCache) throw new InvalidOperationException("the memory child hit the cache");
        long hwm = 0;
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = line.Substring(6).Trim().Split(' ')[0];
                hwm = long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        File.WriteAllText(output, string.Create(CultureInfo.InvariantCulture, $"{peakWs} {peakGc} {hwm}"));
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
