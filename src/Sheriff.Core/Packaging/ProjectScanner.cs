using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace Sheriff.Core.Packaging
{
    /// <summary>A file chosen for the bundle: where it is, what it is called in the zip, and its stat.</summary>
    internal sealed class ScannedFile
    {
        public ScannedFile(string entryPath, string sourcePath, string openPath, long size, long lastWriteTicksUtc)
        {
            EntryPath = entryPath;
            SourcePath = sourcePath;
            OpenPath = openPath;
            Size = size;
            LastWriteTicksUtc = lastWriteTicksUtc;
        }

        public string EntryPath { get; }
        /// <summary>The file as it appears in the project folder (what errors name).</summary>
        public string SourcePath { get; }
        /// <summary>The path to open: <see cref="SourcePath"/>, or for a linked file its resolved target.</summary>
        public string OpenPath { get; }
        public long Size { get; }
        public long LastWriteTicksUtc { get; }
    }

    internal sealed class ScanResult
    {
        public ScanResult(string projectPath, string realProjectPath, string projectName, List<ScannedFile> files)
        {
            ProjectPath = projectPath;
            RealProjectPath = realProjectPath;
            ProjectName = projectName;
            Files = files;
        }

        public string ProjectPath { get; }
        public string RealProjectPath { get; }
        public string ProjectName { get; }
        /// <summary>Sorted ordinally by <see cref="ScannedFile.EntryPath"/>.</summary>
        public List<ScannedFile> Files { get; }
    }

    /// <summary>
    /// Walks a project folder and decides what goes in the bundle: the built-in exclusions, then every
    /// <c>.gitignore</c> and <c>.sheriffignore</c> on the way down. Reads only metadata and ignore files, never
    /// the contents of the files it selects. Directory links are followed unless they lead back into a folder
    /// being walked (a loop), which is an error.
    /// </summary>
    internal static class ProjectScanner
    {
        internal const string GitIgnoreName = ".gitignore";
        internal const string SheriffIgnoreName = ".sheriffignore";

        private static readonly HashSet<string> ExcludedDirectoryNames = new HashSet<string>(StringComparer.Ordinal)
        {
            ".git", "__pycache__", ".eggs", ".pytest_cache", ".mypy_cache", ".tox", ".ipynb_checkpoints",
        };

        private static readonly HashSet<string> ExcludedFileNames = new HashSet<string>(StringComparer.Ordinal)
        {
            ".git", GitIgnoreName, SheriffIgnoreName,
        };

        public static ScanResult Scan(string projectPath, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(projectPath))
                throw new PackagingException("No project folder was given. Pass the folder that holds your Python code.", projectPath);

            string full;
            try
            {
                full = Path.GetFullPath(projectPath);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                throw new PackagingException($"'{projectPath}' is not a valid path: {ex.Message}", projectPath, ex);
            }
            full = TrimEndSeparators(full);
            if (!Directory.Exists(full))
            {
                if (File.Exists(full))
                    throw new PackagingException(
                        $"'{full}' is a file, not a folder. Pass the folder that holds your Python package(s); a single script is submitted on its own, not packaged.", full);
                throw new PackagingException(
                    $"The project folder '{full}' does not exist. Check the path (relative paths are resolved against '{Directory.GetCurrentDirectory()}').", full);
            }

            string real = RealPath.Resolve(full) ?? full;
            string name = Path.GetFileName(full);
            if (string.IsNullOrEmpty(name)) name = "project";
            string prefix = File.Exists(Path.Combine(full, "__init__.py")) ? name + "/" : string.Empty;

            var state = new WalkState(prefix, ct);
            state.RealAncestors.Add(real);
            VisitDirectory(state, full, real, string.Empty, IgnoreRules.Empty);
            state.Files.Sort((a, b) => string.CompareOrdinal(a.EntryPath, b.EntryPath));
            return new ScanResult(full, real, name, state.Files);
        }

        private sealed class WalkState
        {
            public WalkState(string prefix, CancellationToken ct)
            {
                Prefix = prefix;
                Token = ct;
            }

            public string Prefix { get; }
            public CancellationToken Token { get; }
            public List<ScannedFile> Files { get; } = new List<ScannedFile>();
            /// <summary>Real paths of the folders on the current walk path (root first): a link into one of them is a loop.</summary>
            public List<string> RealAncestors { get; } = new List<string>();
        }

        private static void VisitDirectory(WalkState state, string dirFull, string dirReal, string relDir, IgnoreRules inherited)
        {
            var rules = inherited.With(
                LoadIgnoreFile(Path.Combine(dirFull, GitIgnoreName), relDir),
                LoadIgnoreFile(Path.Combine(dirFull, SheriffIgnoreName), relDir));

            foreach (var entry in ListDirectory(dirFull))
            {
                state.Token.ThrowIfCancellationRequested();
                string name = entry.Name;
                string rel = relDir.Length == 0 ? name : relDir + "/" + name;
                string entryFull = Path.Combine(dirFull, name);
                bool isLink = (entry.Attributes & FileAttributes.ReparsePoint) != 0;

                if (entry is DirectoryInfo)
                {
                    if (IsAlwaysExcludedDirectory(name, entryFull)) continue;
                    if (rules.IsIgnored(rel, isDirectory: true)) continue;

                    string childReal;
                    if (isLink)
                    {
                        string? target = RealPath.Resolve(Path.Combine(dirReal, name));
                        if (target == null)
                            throw new PackagingException(
                                $"The link '{entryFull}' could not be resolved (a chain of links that loops). Remove it, or add '{rel}/' to {SheriffIgnoreName}.", entryFull);
                        foreach (var ancestor in state.RealAncestors)
                        {
                            if (RealPath.IsSameOrInside(ancestor, target))
                                throw new PackagingException(
                                    $"Symbolic link loop: '{entryFull}' points to '{target}', which contains the link itself, so following it would never end. " +
                                    $"Sheriff follows folder links only when they do not lead back into a folder being packaged. Remove the link, or add '{rel}/' to {SheriffIgnoreName}.",
                                    entryFull);
                        }
                        childReal = target;
                    }
                    else
                    {
                        childReal = Path.Combine(dirReal, name);
                    }

                    state.RealAncestors.Add(childReal);
                    VisitDirectory(state, entryFull, childReal, rel, rules);
                    state.RealAncestors.RemoveAt(state.RealAncestors.Count - 1);
                }
                else
                {
                    if (IsAlwaysExcludedFile(name)) continue;
                    if (rules.IsIgnored(rel, isDirectory: false)) continue;

                    var file = (FileInfo)entry;
                    string openPath = entryFull;
                    long size;
                    long ticks;
                    if (isLink)
                    {
                        string? target = RealPath.Resolve(Path.Combine(dirReal, name));
                        FileInfo? targetInfo = target == null ? null : new FileInfo(target);
                        if (target == null || targetInfo == null || !targetInfo.Exists)
                            throw new PackagingException(
                                $"'{entryFull}' is a symbolic link to '{target ?? LinkTargetOrUnknown(file)}', which does not exist (or the links loop). Fix or remove the link, or add '{rel}' to {SheriffIgnoreName}.",
                                entryFull);
                        openPath = target;
                        size = targetInfo.Length;
                        ticks = targetInfo.LastWriteTimeUtc.Ticks;
                    }
                    else
                    {
                        try
                        {
                            size = file.Length;
                            ticks = file.LastWriteTimeUtc.Ticks;
                        }
                        catch (FileNotFoundException ex)
                        {
                            throw Vanished(entryFull, ex);
                        }
                    }
                    state.Files.Add(new ScannedFile(state.Prefix + rel, entryFull, openPath, size, ticks));
                }
            }
        }

        private static string LinkTargetOrUnknown(FileInfo file)
        {
#if NET8_0_OR_GREATER
            try { return file.LinkTarget ?? "?"; } catch (IOException) { return "?"; }
#else
            return "?";
#endif
        }

        /// <summary>The folder's entries, sorted ordinally by name (so errors and traversal are deterministic).</summary>
        private static List<FileSystemInfo> ListDirectory(string dirFull)
        {
            var list = new List<FileSystemInfo>();
            try
            {
                foreach (var e in new DirectoryInfo(dirFull).EnumerateFileSystemInfos()) list.Add(e);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw Vanished(dirFull, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new PackagingException(
                    $"Cannot list the folder '{dirFull}': access is denied. Give your account read access to it, or exclude it with {SheriffIgnoreName}.", dirFull, ex);
            }
            catch (IOException ex)
            {
                throw new PackagingException(
                    $"Cannot list the folder '{dirFull}': {ex.Message} Fix the folder, or exclude it with {SheriffIgnoreName}.", dirFull, ex);
            }
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }

        private static IgnoreFile? LoadIgnoreFile(string path, string relDir)
        {
            if (!File.Exists(path)) return null;
            try
            {
                return IgnoreFile.Load(relDir, path);
            }
            catch (FileNotFoundException)
            {
                return null; // removed between the check and the read: as if it had never been there
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new PackagingException($"Cannot read the ignore file '{path}': access is denied. Give your account read access to it.", path, ex);
            }
            catch (IOException ex)
            {
                throw new PackagingException($"Cannot read the ignore file '{path}': {ex.Message}", path, ex);
            }
        }

        internal static bool IsAlwaysExcludedFile(string name) =>
            ExcludedFileNames.Contains(name) ||
            name.EndsWith(".pyc", StringComparison.Ordinal) ||
            name.EndsWith(".pyo", StringComparison.Ordinal);

        internal static bool IsAlwaysExcludedDirectory(string name, string fullPath)
        {
            if (ExcludedDirectoryNames.Contains(name)) return true;
            if (name.EndsWith(".egg-info", StringComparison.Ordinal)) return true;
            // build/ and dist/ are setuptools output, unless the folder is itself a Python package of that name.
            if ((name == "build" || name == "dist") && !File.Exists(Path.Combine(fullPath, "__init__.py"))) return true;
            // Virtual environments: anything with pyvenv.cfg (venv, virtualenv >= 20, uv), or the usual names with an activate script.
            if (File.Exists(Path.Combine(fullPath, "pyvenv.cfg"))) return true;
            if (name == "venv" || name == ".venv" || name == "env")
            {
                return File.Exists(Path.Combine(fullPath, "bin", "activate")) || File.Exists(Path.Combine(fullPath, "Scripts", "activate"));
            }
            return false;
        }

        internal static PackagingException Vanished(string path, Exception inner) =>
            new PackagingException(
                $"'{path}' disappeared while the project was being packaged. Something is changing the project folder (a build, a sync, an editor); wait for it to finish and try again, or exclude that path with {SheriffIgnoreName}.",
                path, inner);

        private static string TrimEndSeparators(string path)
        {
            string root = Path.GetPathRoot(path) ?? string.Empty;
            while (path.Length > root.Length &&
                   (path[path.Length - 1] == Path.DirectorySeparatorChar || path[path.Length - 1] == Path.AltDirectorySeparatorChar))
                path = path.Substring(0, path.Length - 1);
            return path;
        }
    }
}
