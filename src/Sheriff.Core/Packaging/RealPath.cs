using System;
using System.Collections.Generic;
using System.IO;
#if !NET8_0_OR_GREATER
using System.Runtime.InteropServices;
using System.Text;
#endif

namespace Sheriff.Core.Packaging
{
    /// <summary>
    /// Canonical ("real") paths with every symbolic link and junction resolved, used to detect directory-link loops.
    /// net8.0: a managed <c>realpath(3)</c> over <c>FileSystemInfo.LinkTarget</c> (any OS).
    /// net462 (Windows PowerShell, so Windows only): <c>GetFinalPathNameByHandleW</c>.
    /// </summary>
    internal static class RealPath
    {
        private const int MaxLinkHops = 40; // Linux's MAXSYMLINKS

        public static readonly StringComparison Comparison =
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or lies inside it.</summary>
        public static bool IsSameOrInside(string path, string ancestor)
        {
            if (string.Equals(path, ancestor, Comparison)) return true;
            string prefix = EndsWithSeparator(ancestor) ? ancestor : ancestor + Path.DirectorySeparatorChar;
            return path.StartsWith(prefix, Comparison);
        }

        private static bool EndsWithSeparator(string p) =>
            p.Length > 0 && (p[p.Length - 1] == Path.DirectorySeparatorChar || p[p.Length - 1] == Path.AltDirectorySeparatorChar);

#if NET8_0_OR_GREATER
        /// <summary>
        /// Resolves every link in <paramref name="path"/>. Returns null if a link chain is longer than 40 hops
        /// (a loop made of links alone). A missing final component is returned unresolved (the caller checks existence).
        /// </summary>
        public static string? Resolve(string path)
        {
            string full = Path.GetFullPath(path);
            string root = Path.GetPathRoot(full) ?? string.Empty;
            var pending = new Stack<string>();
            PushComponents(pending, full.Substring(root.Length));
            string current = root;
            int hops = 0;
            while (pending.Count > 0)
            {
                string part = pending.Pop();
                if (part.Length == 0 || part == ".") continue;
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                string candidate = Path.Combine(current, part);
                string? target;
                try
                {
                    FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
                    target = info.LinkTarget; // null when not a link; throws FileNotFound when nothing is there
                }
                catch (IOException) { target = null; }
                catch (UnauthorizedAccessException) { target = null; }
                if (target == null)
                {
                    current = candidate;
                    continue;
                }
                if (++hops > MaxLinkHops) return null;
                if (Path.IsPathRooted(target))
                {
                    string targetRoot = Path.GetPathRoot(target) ?? string.Empty;
                    current = targetRoot;
                    PushComponents(pending, target.Substring(targetRoot.Length));
                }
                else
                {
                    PushComponents(pending, target); // relative to the folder holding the link: `current`
                }
            }
            return current;
        }

        private static void PushComponents(Stack<string> pending, string relative)
        {
            var parts = relative.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
        }
#else
        /// <summary>Resolves every link and junction in <paramref name="path"/>; null when Windows cannot (e.g. a loop).</summary>
        public static string? Resolve(string path)
        {
            string full = Path.GetFullPath(path);
            const uint FileReadAttributes = 0x80;
            const uint ShareAll = 0x1 | 0x2 | 0x4;
            const uint OpenExisting = 3;
            const uint BackupSemantics = 0x02000000; // needed to open a directory
            IntPtr handle = CreateFileW(full, FileReadAttributes, ShareAll, IntPtr.Zero, OpenExisting, BackupSemantics, IntPtr.Zero);
            if (handle == new IntPtr(-1)) return File.Exists(full) || Directory.Exists(full) ? null : full;
            try
            {
                var buffer = new StringBuilder(1024);
                uint n = GetFinalPathNameByHandleW(handle, buffer, (uint)buffer.Capacity, 0);
                if (n > buffer.Capacity)
                {
                    buffer = new StringBuilder((int)n + 1);
                    n = GetFinalPathNameByHandleW(handle, buffer, (uint)buffer.Capacity, 0);
                }
                if (n == 0) return null;
                string result = buffer.ToString();
                if (result.StartsWith(@"\\?\UNC\", StringComparison.Ordinal)) return @"\\" + result.Substring(8);
                if (result.StartsWith(@"\\?\", StringComparison.Ordinal)) return result.Substring(4);
                return result;
            }
            finally
            {
                CloseHandle(handle);
            }
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern uint GetFinalPathNameByHandleW(IntPtr handle, StringBuilder path, uint length, uint flags);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CloseHandle(IntPtr handle);
#endif
    }
}
