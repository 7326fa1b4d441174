using System.IO.Compression;
using System.Security.Cryptography;
using Sheriff.Core.Packaging;
using Xunit;

namespace Sheriff.Core.Tests.Packaging;

/// <summary>The zip itself, the cache, and every error path, over real temporary folders.</summary>
public class PackagerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static TempProject SmallProject()
    {
        var project = new TempProject();
        project.Write("mypkg/__init__.py", "");
        project.Write("mypkg/etl.py", string.Concat(Enumerable.Repeat("print('hello spark')\n", 200)));
        project.Write("run.py", "import mypkg.etl\n");
        return project;
    }

    [Fact]
    public void Zip_is_deflated_sorted_ordinally_with_fixed_timestamps_and_the_right_bytes()
    {
        using var project = new TempProject();
        project.Write("a.py", "a");
        project.Write("a/x.py", "ax");
        project.Write("a-b/x.py", "abx");
        project.Write("B.py", "B");
        project.Write("big.py", string.Concat(Enumerable.Repeat("x = 1\n", 1000)));

        var result = project.Packager().Package(project.Path_, None);

        var expectedOrder = new[] { "B.py", "a-b/x.py", "a.py", "a/x.py", "big.py" }; // '-' < '.' < '/'
        Assert.Equal(expectedOrder, result.Entries.Select(e => e.Path));
        using var zip = ZipFile.OpenRead(result.ZipPath);
        Assert.Equal(expectedOrder, zip.Entries.Select(e => e.FullName));
        foreach (var entry in zip.Entries)
        {
            Assert.Equal(new DateTime(1980, 1, 1, 0, 0, 0), entry.LastWriteTime.DateTime);
            using var reader = new StreamReader(entry.Open());
            Assert.Equal(File.ReadAllText(project.Full(entry.FullName)), reader.ReadToEnd());
            Assert.Equal(new FileInfo(project.Full(entry.FullName)).Length, result.Entries.Single(e => e.Path == entry.FullName).Size);
        }
        var big = zip.GetEntry("big.py")!;
        Assert.True(big.CompressedLength < big.Length / 10, "big.py should be deflated");
    }

    [Fact]
    public void Incompressible_data_is_stored_and_everything_else_deflated()
    {
        using var project = new TempProject();
        var random = RandomNumberGenerator.GetBytes(200_000);
        project.WriteBytes("data/model.bin", random);
        project.Write("data/big.csv", string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i},{i % 7},name{i % 13}\n")));
        project.WriteBytes("data/small_random.bin", RandomNumberGenerator.GetBytes(1_000)); // too small to probe: deflated anyway

        var result = project.Packager().Package(project.Path_, None);

        using var zip = ZipFile.OpenRead(result.ZipPath);
        var model = zip.GetEntry("data/model.bin")!;
        Assert.Equal(model.Length, model.CompressedLength); // stored: not one byte of deflate framing
        using (var s = model.Open())
        using (var copy = new MemoryStream())
        {
            s.CopyTo(copy);
            Assert.Equal(random, copy.ToArray());
        }
        var csv = zip.GetEntry("data/big.csv")!;
        Assert.True(csv.CompressedLength < csv.Length / 3, "text must be deflated");
        var small = zip.GetEntry("data/small_random.bin")!;
        Assert.NotEqual(small.Length, small.CompressedLength);
    }

    [Fact]
    public void Result_describes_the_zip_on_disk()
    {
        using var project = SmallProject();

        var result = project.Packager().Package(project.Path_, None);

        Assert.False(result.FromCache);
        Assert.Equal(project.Cache, Path.GetDirectoryName(result.ZipPath));
        Assert.Equal(new FileInfo(result.ZipPath).Length, result.Size);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(result.ZipPath))).ToLowerInvariant(), result.Sha256);
        Assert.Equal("proj-" + result.Sha256[..12] + ".zip", result.SuggestedFileName);
        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/etl.py", "run.py" }, result.Entries.Select(e => e.Path));
        Assert.Empty(Directory.GetFiles(project.Cache, "*.tmp"));
    }

    [Fact]
    public void Plan_lists_the_same_entries_without_writing_anything()
    {
        using var project = SmallProject();

        var plan = project.Packager().Plan(project.Path_, None);

        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/etl.py", "run.py" }, plan.Select(e => e.Path));
        Assert.Equal(new FileInfo(project.Full("mypkg/etl.py")).Length, plan[1].Size);
        Assert.False(Directory.Exists(project.Cache));
    }

    [Fact]
    public void Unchanged_tree_gives_byte_identical_zips()
    {
        using var project = SmallProject();
        project.WriteBytes("data/blob.bin", RandomNumberGenerator.GetBytes(300_000));

        var first = new ProjectPackager(Path.Combine(project.Root, "cache1")).Package(project.Path_, None);
        // touch every file: a different cache key, but the zip does not depend on file times
        foreach (var f in Directory.GetFiles(project.Path_, "*", SearchOption.AllDirectories))
            File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddMinutes(-5).AddTicks(1234));
        var second = new ProjectPackager(Path.Combine(project.Root, "cache2")).Package(project.Path_, None);

        Assert.False(second.FromCache);
        Assert.NotEqual(first.ZipPath, second.ZipPath);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(File.ReadAllBytes(first.ZipPath), File.ReadAllBytes(second.ZipPath));
    }

    [Fact]
    public void Unchanged_tree_is_answered_from_the_cache_without_reading_files()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        var first = packager.Package(project.Path_, None);
        var opened = new List<string>();
        packager.BeforeFileRead = opened.Add;

        var second = packager.Package(project.Path_, None);

        Assert.True(second.FromCache);
        Assert.Empty(opened);
        Assert.Equal(first.ZipPath, second.ZipPath);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.Size, second.Size);
        Assert.Equal(first.SuggestedFileName, second.SuggestedFileName);
        Assert.Equal(first.Entries.Select(e => (e.Path, e.Size)), second.Entries.Select(e => (e.Path, e.Size)));
        // another packager instance on the same cache folder (a new PowerShell session) hits too
        Assert.True(new ProjectPackager(project.Cache).Package(project.Path_, None).FromCache);
    }

    [Fact]
    public void Touched_file_invalidates_the_cache()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        var first = packager.Package(project.Path_, None);

        File.SetLastWriteTimeUtc(project.Full("run.py"), File.GetLastWriteTimeUtc(project.Full("run.py")).AddSeconds(3).AddTicks(17));
        var touched = packager.Package(project.Path_, None);

        Assert.False(touched.FromCache);
        Assert.NotEqual(first.ZipPath, touched.ZipPath);
        Assert.Equal(first.Sha256, touched.Sha256); // same bytes, new key
        Assert.True(packager.Package(project.Path_, None).FromCache);
    }

    [Fact]
    public void Edited_added_or_removed_files_give_a_new_bundle()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        var first = packager.Package(project.Path_, None);

        project.Write("run.py", "import mypkg.etl  # edited\n");
        var edited = packager.Package(project.Path_, None);
        project.Write("mypkg/new.py");
        var added = packager.Package(project.Path_, None);
        File.Delete(project.Full("mypkg/new.py"));
        File.Delete(project.Full("run.py"));
        var removed = packager.Package(project.Path_, None);

        Assert.All(new[] { edited, added, removed }, r => Assert.False(r.FromCache));
        Assert.Equal(4, new[] { first.Sha256, edited.Sha256, added.Sha256, removed.Sha256 }.Distinct().Count());
        Assert.Contains(added.Entries, e => e.Path == "mypkg/new.py");
        Assert.DoesNotContain(removed.Entries, e => e.Path == "run.py");
    }

    [Fact]
    public void Damaged_or_missing_cache_files_are_rebuilt()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        var first = packager.Package(project.Path_, None);
        string sidecar = Path.ChangeExtension(first.ZipPath, ".json");
        Assert.True(File.Exists(sidecar));

        File.WriteAllText(sidecar, "{ not json");
        var afterBadSidecar = packager.Package(project.Path_, None);
        File.Delete(first.ZipPath);
        var afterMissingZip = packager.Package(project.Path_, None);
        File.WriteAllBytes(first.ZipPath, new byte[] { 1, 2, 3 });
        var afterTruncatedZip = packager.Package(project.Path_, None);

        Assert.All(new[] { afterBadSidecar, afterMissingZip, afterTruncatedZip }, r =>
        {
            Assert.False(r.FromCache);
            Assert.Equal(first.Sha256, r.Sha256);
        });
        Assert.Equal(first.Sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(first.ZipPath))).ToLowerInvariant());
        Assert.True(packager.Package(project.Path_, None).FromCache);
    }

    [Fact]
    public void Concurrent_runs_leave_one_complete_zip()
    {
        using var project = SmallProject();
        for (int i = 0; i < 50; i++) project.Write($"mypkg/m{i:00}.py", string.Concat(Enumerable.Repeat($"x{i} = {i}\n", 500)));

        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => new ProjectPackager(project.Cache).Package(project.Path_, None)).ToList();

        Assert.Single(results.Select(r => r.Sha256).Distinct());
        Assert.Single(Directory.GetFiles(project.Cache, "*.zip"));
        Assert.Single(Directory.GetFiles(project.Cache, "*.json"));
        Assert.Empty(Directory.GetFiles(project.Cache, "*.tmp"));
        Assert.Equal(results[0].Sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(results[0].ZipPath))).ToLowerInvariant());
    }

    [Fact]
    public void Files_just_written_with_whole_second_times_are_not_trusted_from_the_cache()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        var now = DateTime.UtcNow;
        var wholeSecond = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(project.Full("run.py"), wholeSecond); // what a 1-second-resolution file system reports

        packager.Package(project.Path_, None);
        var again = packager.Package(project.Path_, None);

        Assert.False(again.FromCache);
        File.SetLastWriteTimeUtc(project.Full("run.py"), wholeSecond.AddMinutes(-1));
        packager.Package(project.Path_, None);
        Assert.True(packager.Package(project.Path_, None).FromCache);
    }

    [Fact]
    public void Missing_project_folder()
    {
        using var project = new TempProject();
        string missing = Path.Combine(project.Root, "nope");

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(missing, None));

        Assert.Equal(missing, ex.Path);
        Assert.Contains("does not exist", ex.Message);
        Assert.Throws<PackagingException>(() => project.Packager().Plan(missing, None));
    }

    [Fact]
    public void Project_path_that_is_a_file()
    {
        using var project = SmallProject();

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Full("run.py"), None));

        Assert.Equal(project.Full("run.py"), ex.Path);
        Assert.Contains("is a file, not a folder", ex.Message);
    }

    [Fact]
    public void Empty_bundle_is_an_error()
    {
        using var project = new TempProject();
        project.Write(".gitignore", "*.csv\n");
        project.Write("data.csv");
        project.Write("__pycache__/x.pyc");
        project.Write("venv/bin/activate");
        project.Write("venv/lib/site.py");

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Path_, None));
        var planEx = Assert.Throws<PackagingException>(() => project.Packager().Plan(project.Path_, None));

        Assert.Equal(project.Path_, ex.Path);
        Assert.Contains("Nothing to package", ex.Message);
        Assert.Contains("Nothing to package", planEx.Message);
        Assert.False(Directory.Exists(project.Cache) && Directory.EnumerateFileSystemEntries(project.Cache).Any());
    }

    [Fact]
    public void Empty_folder_is_an_error()
    {
        using var project = new TempProject();
        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Path_, None));
        Assert.Equal(project.Path_, ex.Path);
    }

    [Fact]
    public void File_that_vanishes_during_packaging()
    {
        using var project = SmallProject();
        var packager = project.Packager();
        string victim = project.Full("mypkg/etl.py");
        packager.BeforeFileRead = path => { if (path == victim) File.Delete(victim); };

        var ex = Assert.Throws<PackagingException>(() => packager.Package(project.Path_, None));

        Assert.Equal(victim, ex.Path);
        Assert.Contains("disappeared", ex.Message);
        Assert.IsAssignableFrom<FileNotFoundException>(ex.InnerException);
        Assert.Empty(Directory.GetFiles(project.Cache)); // neither a zip, a sidecar nor a temp file
    }

    [Fact]
    public void Unreadable_file_chmod_000()
    {
        if (OperatingSystem.IsWindows()) return; // chmod does not exist there; see Unreadable_file_io_error
        using var project = SmallProject();
        string locked = project.Full("mypkg/etl.py");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        bool weCanStillRead;
        try
        {
            using (File.OpenRead(locked)) { }
            weCanStillRead = true; // root (CAP_DAC_OVERRIDE) ignores the mode
        }
        catch (UnauthorizedAccessException)
        {
            weCanStillRead = false;
        }

        if (weCanStillRead)
        {
            var result = project.Packager().Package(project.Path_, None);
            Assert.Contains(result.Entries, e => e.Path == "mypkg/etl.py" && e.Size == new FileInfo(locked).Length);
        }
        else
        {
            var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Path_, None));
            Assert.Equal(locked, ex.Path);
            Assert.Contains("access is denied", ex.Message);
            Assert.Contains(".sheriffignore", ex.Message);
            Assert.IsType<UnauthorizedAccessException>(ex.InnerException);
            Assert.Empty(Directory.GetFiles(project.Cache, "*.tmp"));
        }
    }

    [Fact]
    public void Unreadable_file_io_error()
    {
        // A read that fails with EIO even for root: a link to /proc/self/mem (offset 0 is never mapped).
        if (!OperatingSystem.IsLinux()) return;
        using var project = SmallProject();
        string link = project.Full("mypkg/broken_disk.dat");
        File.CreateSymbolicLink(link, "/proc/self/mem");

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Path_, None));

        Assert.Equal(link, ex.Path);
        Assert.Contains("Cannot read", ex.Message);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
        Assert.Empty(Directory.GetFiles(project.Cache, "*.tmp"));
    }

    [Fact]
    public void Directory_link_loop_is_an_error_naming_the_link()
    {
        using var project = SmallProject();
        string link = project.Full("mypkg/again");
        Directory.CreateSymbolicLink(link, ".."); // mypkg/again -> project root, which contains the link

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Package(project.Path_, None));
        var planEx = Assert.Throws<PackagingException>(() => project.Packager().Plan(project.Path_, None));

        Assert.Equal(link, ex.Path);
        Assert.Contains("loop", ex.Message);
        Assert.Contains(".sheriffignore", ex.Message);
        Assert.Equal(link, planEx.Path);
    }

    [Fact]
    public void Directory_link_to_itself_is_a_loop()
    {
        using var project = SmallProject();
        string link = project.Full("mypkg/self");
        Directory.CreateSymbolicLink(link, ".");

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Plan(project.Path_, None));
        Assert.Equal(link, ex.Path);
    }

    [Fact]
    public void Ignored_link_loop_is_not_walked()
    {
        using var project = SmallProject();
        Directory.CreateSymbolicLink(project.Full("mypkg/again"), "..");
        project.Write(".sheriffignore", "again/\n");

        Assert.Equal(new[] { "mypkg/__init__.py", "mypkg/etl.py", "run.py" }, project.PlanPaths());
    }

    [Fact]
    public void Links_that_do_not_loop_are_followed()
    {
        using var project = SmallProject();
        string shared = Path.Combine(project.Root, "shared");
        Directory.CreateDirectory(shared);
        File.WriteAllText(Path.Combine(shared, "util.py"), "U = 1\n");
        Directory.CreateSymbolicLink(project.Full("mypkg/shared"), shared);        // folder outside the project
        Directory.CreateSymbolicLink(project.Full("alias"), "mypkg");              // folder inside, not a loop
        File.CreateSymbolicLink(project.Full("linked.py"), Path.Combine(shared, "util.py"));

        var result = project.Packager().Package(project.Path_, None);

        Assert.Equal(
            new[] { "alias/__init__.py", "alias/etl.py", "alias/shared/util.py", "linked.py", "mypkg/__init__.py", "mypkg/etl.py", "mypkg/shared/util.py", "run.py" },
            result.Entries.Select(e => e.Path));
        using var zip = ZipFile.OpenRead(result.ZipPath);
        using var reader = new StreamReader(zip.GetEntry("linked.py")!.Open());
        Assert.Equal("U = 1\n", reader.ReadToEnd()); // the target's content, not the link text
        Assert.Equal(6, result.Entries.Single(e => e.Path == "linked.py").Size);
    }

    [Fact]
    public void Dangling_link_is_an_error_naming_the_link()
    {
        using var project = SmallProject();
        string link = project.Full("mypkg/gone.py");
        File.CreateSymbolicLink(link, "nowhere.py");

        var ex = Assert.Throws<PackagingException>(() => project.Packager().Plan(project.Path_, None));

        Assert.Equal(link, ex.Path);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Already_cancelled_token()
    {
        using var project = SmallProject();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => project.Packager().Plan(project.Path_, cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => project.Packager().Package(project.Path_, cts.Token));
    }

    [Fact]
    public void Cancellation_between_files_leaves_nothing_behind()
    {
        using var project = SmallProject();
        for (int i = 0; i < 20; i++) project.Write($"mypkg/m{i:00}.py");
        using var cts = new CancellationTokenSource();
        var packager = project.Packager();
        int opened = 0;
        packager.BeforeFileRead = _ => { if (++opened == 5) cts.Cancel(); };

        Assert.ThrowsAny<OperationCanceledException>(() => packager.Package(project.Path_, cts.Token));

        Assert.Equal(5, opened); // stopped before opening the sixth file
        Assert.Empty(Directory.GetFiles(project.Cache));
        // and a later run is not confused by the aborted one
        packager.BeforeFileRead = null;
        Assert.False(packager.Package(project.Path_, None).FromCache);
    }

    [Fact]
    public void Cache_folder_that_cannot_be_created()
    {
        using var project = SmallProject();
        string notAFolder = Path.Combine(project.Root, "cache-is-a-file");
        File.WriteAllText(notAFolder, "");

        var ex = Assert.Throws<PackagingException>(() => new ProjectPackager(notAFolder).Package(project.Path_, None));

        Assert.Equal(notAFolder, ex.Path);
        Assert.Contains("cache folder", ex.Message);
    }

    [Fact]
    public void Default_cache_directory()
    {
        string actual = ProjectPackager.DefaultCacheDirectory;
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "sheriff", "bundles"), actual);
            return;
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string expected = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? Path.Combine(xdg, "sheriff", "bundles")
            : Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".cache", "sheriff", "bundles");
        Assert.Equal(expected, actual);
    }
}
