using System;
using System.Diagnostics;
using System.IO;

namespace Sheriff.Core.Spark
{
    /// <summary>The git commit a project is at, and whether its work tree has uncommitted changes.</summary>
    public sealed class GitInfo
    {
        private GitInfo(string commit, bool dirty) { Commit = commit; Dirty = dirty; }
        public string Commit { get; }
        public bool Dirty { get; }

        /// <summary>Asks git about <paramref name="folder"/>; null when it is not in a repository or git is not installed.</summary>
        public static GitInfo? TryRead(string folder)
        {
            if (!Directory.Exists(folder)) return null;
            var commit = Run(folder, "rev-parse HEAD");
            if (commit == null || commit.Length < 7) return null;
            var status = Run(folder, "status --porcelain --untracked-files=normal");
            return new GitInfo(commit.Trim(), !string.IsNullOrWhiteSpace(status));
        }

        private static string? Run(string folder, string arguments)
        {
            try
            {
                var psi = new ProcessStartInfo("git", arguments)
                {
                    WorkingDirectory = folder,
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    CreateNoWindow = true,
                };
                using var p = Process.Start(psi);
                if (p == null) return null;
                var output = p.StandardOutput.ReadToEndAsync();
                p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(10000)) { try { p.Kill(); } catch (InvalidOperationException) { } return null; }
                return p.ExitCode == 0 ? output.Result : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null; // git is not installed
            }
        }
    }
}
