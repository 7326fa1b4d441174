using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Sheriff.Core.Packaging
{
    /// <summary>One line of a <c>.gitignore</c>/<c>.sheriffignore</c>, parsed the way git's <c>dir.c</c> does.</summary>
    internal sealed class IgnorePattern
    {
        private IgnorePattern(string pattern, bool negated, bool directoryOnly, bool basenameOnly, string text)
        {
            Pattern = pattern;
            Negated = negated;
            DirectoryOnly = directoryOnly;
            BasenameOnly = basenameOnly;
            Text = text;
        }

        /// <summary>The wildmatch pattern (escapes kept, leading '/', trailing '/' and '!' removed).</summary>
        public string Pattern { get; }
        /// <summary>Started with '!': a match re-includes.</summary>
        public bool Negated { get; }
        /// <summary>Ended with '/': matches directories only.</summary>
        public bool DirectoryOnly { get; }
        /// <summary>No '/' except a trailing one: matches the entry's name at any depth below the ignore file.</summary>
        public bool BasenameOnly { get; }
        /// <summary>The line as written (for messages).</summary>
        public string Text { get; }

        /// <summary>Parses one line; null for blank lines and comments.</summary>
        public static IgnorePattern? Parse(string line)
        {
            if (line.Length > 0 && line[line.Length - 1] == '\r') line = line.Substring(0, line.Length - 1);
            string text = line;
            line = TrimTrailingSpaces(line);
            if (line.Length == 0 || line[0] == '#') return null;

            bool negated = false;
            if (line[0] == '!')
            {
                negated = true;
                line = line.Substring(1);
            }
            bool directoryOnly = false;
            if (line.Length > 0 && line[line.Length - 1] == '/')
            {
                directoryOnly = true;
                line = line.Substring(0, line.Length - 1);
            }
            if (line.Length == 0) return null; // "/" or "!" alone: git ignores these lines too

            bool basenameOnly = line.IndexOf('/') < 0;
            if (line[0] == '/') line = line.Substring(1); // anchored: relative to the ignore file's folder
            if (line.Length == 0) return null;
            return new IgnorePattern(line, negated, directoryOnly, basenameOnly, text);
        }

        /// <summary>Git trims unescaped trailing spaces ("foo\ " keeps one space).</summary>
        private static string TrimTrailingSpaces(string line)
        {
            int end = line.Length;
            while (end > 0 && line[end - 1] == ' ')
            {
                // count backslashes before this space: an odd number escapes it
                int bs = 0;
                for (int i = end - 2; i >= 0 && line[i] == '\\'; i--) bs++;
                if (bs % 2 == 1) break;
                end--;
            }
            return end == line.Length ? line : line.Substring(0, end);
        }

        /// <param name="relativePath">Path relative to the ignore file's folder, '/'-separated, no trailing '/'.</param>
        /// <param name="name">The last segment of the path.</param>
        /// <param name="isDirectory">Whether the path is a folder (for patterns ending in '/').</param>
        public bool Matches(string relativePath, string name, bool isDirectory)
        {
            if (DirectoryOnly && !isDirectory) return false;
            return BasenameOnly ? WildMatch.IsMatch(Pattern, name, pathName: false) : WildMatch.IsMatch(Pattern, relativePath, pathName: true);
        }

        public override string ToString() => Text;
    }

    /// <summary>The patterns of one ignore file and the folder (relative to the project, "" for its root) it sits in.</summary>
    internal sealed class IgnoreFile
    {
        public IgnoreFile(string baseDirectory, string sourcePath, IReadOnlyList<IgnorePattern> patterns)
        {
            BaseDirectory = baseDirectory;
            SourcePath = sourcePath;
            Patterns = patterns;
        }

        public string BaseDirectory { get; }
        public string SourcePath { get; }
        public IReadOnlyList<IgnorePattern> Patterns { get; }

        public static IgnoreFile Parse(string baseDirectory, string sourcePath, IEnumerable<string> lines)
        {
            var patterns = new List<IgnorePattern>();
            foreach (var line in lines)
            {
                var p = IgnorePattern.Parse(line);
                if (p != null) patterns.Add(p);
            }
            return new IgnoreFile(baseDirectory, sourcePath, patterns);
        }

        /// <summary>Reads an ignore file (UTF-8, BOM skipped, LF or CRLF).</summary>
        public static IgnoreFile Load(string baseDirectory, string path)
        {
            var lines = new List<string>();
            using (var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
            {
                string? line;
                while ((line = reader.ReadLine()) != null) lines.Add(line);
            }
            return Parse(baseDirectory, path, lines);
        }

        /// <summary>The last pattern of this file matching the path, or null.</summary>
        public IgnorePattern? LastMatch(string projectRelativePath, string name, bool isDirectory)
        {
            string rel;
            if (BaseDirectory.Length == 0)
            {
                rel = projectRelativePath;
            }
            else
            {
                if (projectRelativePath.Length <= BaseDirectory.Length + 1 ||
                    !projectRelativePath.StartsWith(BaseDirectory, StringComparison.Ordinal) ||
                    projectRelativePath[BaseDirectory.Length] != '/')
                    return null;
                rel = projectRelativePath.Substring(BaseDirectory.Length + 1);
            }
            for (int i = Patterns.Count - 1; i >= 0; i--)
            {
                if (Patterns[i].Matches(rel, name, isDirectory)) return Patterns[i];
            }
            return null;
        }
    }

    /// <summary>
    /// The ignore files in force for one folder: its own and its ancestors' (up to the project root). An immutable
    /// stack, so each folder of the walk extends its parent's rules without copying them. Precedence follows git:
    /// the last matching line wins, a deeper file beats a shallower one, and every <c>.sheriffignore</c> is applied
    /// after (so beats) every <c>.gitignore</c>.
    /// </summary>
    internal sealed class IgnoreRules
    {
        public static readonly IgnoreRules Empty = new IgnoreRules(null, null, null, null);

        private readonly IgnoreFile? _git;
        private readonly IgnoreFile? _sheriff;
        private readonly IgnoreRules? _gitParent;
        private readonly IgnoreRules? _sheriffParent;

        private IgnoreRules(IgnoreFile? git, IgnoreRules? gitParent, IgnoreFile? sheriff, IgnoreRules? sheriffParent)
        {
            _git = git;
            _gitParent = gitParent;
            _sheriff = sheriff;
            _sheriffParent = sheriffParent;
        }

        /// <summary>These rules plus a folder's own ignore files (either may be null).</summary>
        public IgnoreRules With(IgnoreFile? gitignore, IgnoreFile? sheriffignore)
        {
            if (gitignore == null && sheriffignore == null) return this;
            return new IgnoreRules(
                gitignore ?? _git, gitignore != null ? this : _gitParent,
                sheriffignore ?? _sheriff, sheriffignore != null ? this : _sheriffParent);
        }

        /// <summary>True when the path (relative to the project root, '/'-separated) is ignored.</summary>
        public bool IsIgnored(string projectRelativePath, bool isDirectory)
        {
            int slash = projectRelativePath.LastIndexOf('/');
            string name = slash < 0 ? projectRelativePath : projectRelativePath.Substring(slash + 1);
            var decided = Decide(this, sheriff: true, projectRelativePath, name, isDirectory)
                          ?? Decide(this, sheriff: false, projectRelativePath, name, isDirectory);
            return decided != null && !decided.Negated;
        }

        private static IgnorePattern? Decide(IgnoreRules? rules, bool sheriff, string path, string name, bool isDirectory)
        {
            for (var r = rules; r != null; r = sheriff ? r._sheriffParent : r._gitParent)
            {
                var file = sheriff ? r._sheriff : r._git;
                if (file == null) return null;
                var match = file.LastMatch(path, name, isDirectory);
                if (match != null) return match;
            }
            return null;
        }
    }
}
