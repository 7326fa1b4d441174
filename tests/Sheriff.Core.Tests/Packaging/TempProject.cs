using System.Text;
using Sheriff.Core.Packaging;

namespace Sheriff.Core.Tests.Packaging;

/// <summary>A real temporary project folder (and a cache folder beside it), deleted on dispose.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject(string name = "proj")
    {
        Root = Path.Combine(Path.GetTempPath(), "sheriff-pkg-" + Guid.NewGuid().ToString("n")[..10]);
        Path_ = Path.Combine(Root, name);
        Cache = Path.Combine(Root, "cache");
        Directory.CreateDirectory(Path_);
    }

    /// <summary>Holds the project folder and the cache folder.</summary>
    public string Root { get; }
    /// <summary>The project folder.</summary>
    public string Path_ { get; }
    public string Cache { get; }

    public ProjectPackager Packager() => new(Cache);

    /// <summary>Writes a file ('/'-separated path relative to the project), with its parent folders.</summary>
    public string Write(string relative, string? content = null)
    {
        string full = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content ?? "# " + relative + "\n", new UTF8Encoding(false));
        return full;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        string full = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string Mkdir(string relative)
    {
        string full = Full(relative);
        Directory.CreateDirectory(full);
        return full;
    }

    public string Full(string relative) => Path.Combine(Path_, relative.Replace('/', Path.DirectorySeparatorChar));

    public List<string> PlanPaths() => Packager().Plan(Path_, CancellationToken.None).Select(e => e.Path).ToList();

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // undo any chmod 000 the test made, or the delete fails for non-root users
                foreach (var p in Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                {
                    try { File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
