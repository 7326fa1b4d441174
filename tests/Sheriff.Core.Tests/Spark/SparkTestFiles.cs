namespace Sheriff.Core.Tests.Spark;

/// <summary>A temporary folder for spec and config files, removed on dispose.</summary>
internal sealed class SparkTempFolder : IDisposable
{
    public SparkTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sheriff-spark-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relative));

    public string Write(string relative, string text)
    {
        var file = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The repository root (the folder of Sheriff.PowerShell.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Sheriff.PowerShell.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Sheriff.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
