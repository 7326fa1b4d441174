using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Newtonsoft.Json;

namespace Sheriff.Core.Packaging
{
    /// <summary>
    /// Turns a project folder into a Python package zip for spark-submit <c>--py-files</c>.
    /// <para>
    /// Layout: entries are relative to the project folder, so <c>import mypkg</c> works when it holds
    /// <c>mypkg/__init__.py</c>; when the project folder is itself a package (has <c>__init__.py</c>), every entry is
    /// prefixed with the folder's name so <c>import &lt;folder&gt;</c> works.
    /// </para>
    /// <para>
    /// What is left out: <c>.git</c>, <c>__pycache__</c>, <c>*.pyc</c>/<c>*.pyo</c>, virtual environments, build output
    /// (<c>build</c>/<c>dist</c> unless they are packages, <c>*.egg-info</c>, tool caches), the ignore files
    /// themselves, and whatever the project's <c>.gitignore</c> files and then <c>.sheriffignore</c> files exclude
    /// (gitignore syntax; a <c>.sheriffignore</c> line can re-include with <c>!</c> what a <c>.gitignore</c> excluded).
    /// </para>
    /// <para>
    /// The zip is deterministic (ordinal entry order, 1980-01-01 timestamps, Deflate; data that does not compress is
    /// stored), built by streaming each file
    /// into a temporary file in the cache folder and renamed into place, so readers never see a half-written zip.
    /// The cache key covers the entry names, sizes and modification times, so an unchanged project is answered
    /// from the cache without reading any file contents.
    /// </para>
    /// </summary>
    public sealed class ProjectPackager
    {
        /// <summary>Bump when the zip layout or contents rules change, so old cache entries are not reused.</summary>
        internal const int FormatVersion = 1;

        private const int CopyBufferSize = 128 * 1024;
        private static readonly DateTimeOffset FixedTimestamp = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
#if NET8_0_OR_GREATER
        // Unix mode in the high 16 bits: regular file, rw-r--r--; fixed so the zip does not depend on the files' modes.
        private const int EntryExternalAttributes = unchecked((int)((0x8000u | 0x1A4u) << 16));
#endif

        public ProjectPackager(string cacheDirectory)
        {
            if (string.IsNullOrWhiteSpace(cacheDirectory)) throw new ArgumentException("A cache folder is required.", nameof(cacheDirectory));
            CacheDirectory = Path.GetFullPath(cacheDirectory);
        }

        /// <summary>The folder holding <c>&lt;key&gt;.zip</c> bundles and their <c>&lt;key&gt;.json</c> sidecars.</summary>
        public string CacheDirectory { get; }

        /// <summary>
        /// <c>%LOCALAPPDATA%\sheriff\bundles</c> on Windows; elsewhere <c>$XDG_CACHE_HOME/sheriff/bundles</c> when
        /// <c>XDG_CACHE_HOME</c> is an absolute path, else <c>~/.cache/sheriff/bundles</c>.
        /// </summary>
        public static string DefaultCacheDirectory
        {
            get
            {
                if (Environment.OSVersion.Platform == PlatformID.Win32NT)
                {
                    string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                    if (string.IsNullOrEmpty(local)) local = Path.Combine(Path.GetTempPath(), "sheriff-cache");
                    return Path.Combine(local, "sheriff", "bundles");
                }
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "sheriff", "bundles");
                string? home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home)) return Path.Combine(Path.GetTempPath(), "sheriff-cache", "bundles");
                return Path.Combine(home, ".cache", "sheriff", "bundles");
            }
        }

        /// <summary>Test hook: called with each file's path just before it is opened for the zip.</summary>
        internal Action<string>? BeforeFileRead { get; set; }

        /// <summary>Lists what would go in the bundle (for -WhatIf) without writing a zip or reading file contents.</summary>
        /// <exception cref="PackagingException">The folder is missing, cannot be listed, has a link loop, or nothing is left after exclusions.</exception>
        public IReadOnlyList<BundleEntry> Plan(string projectPath, CancellationToken ct)
        {
            var scan = ScanNonEmpty(projectPath, ct);
            var entries = new List<BundleEntry>(scan.Files.Count);
            foreach (var f in scan.Files) entries.Add(new BundleEntry(f.EntryPath, f.Size));
            return entries;
        }

        /// <summary>Builds the bundle, or returns the cached one when the project has not changed.</summary>
        /// <exception cref="PackagingException">See the message: it names the file or folder at fault and what to do.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; no partial zip is left behind.</exception>
        public BundleResult Package(string projectPath, CancellationToken ct)
        {
            DateTime scanStartUtc = DateTime.UtcNow;
            var scan = ScanNonEmpty(projectPath, ct);
            string key = CacheKey(scan);
            string zipPath = Path.Combine(CacheDirectory, key + ".zip");
            string sidecarPath = Path.Combine(CacheDirectory, key + ".json");

            var cached = TryLoadCached(zipPath, sidecarPath, scan);
            if (cached != null) return cached;

            try
            {
                Directory.CreateDirectory(CacheDirectory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw CacheWriteFailed(ex);
            }

            string tempZip = Path.Combine(CacheDirectory, key + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                var entries = WriteZip(tempZip, scan, ct);
                string sha256 = Hashing.Sha256FileHex(tempZip, ct, out long size);
                MoveIntoPlace(tempZip, zipPath);
                var result = new BundleResult(zipPath, size, sha256, entries, fromCache: false, SuggestName(scan.ProjectName, sha256));
                // A file modified within the last two seconds on a file system with whole-second timestamps
                // (FAT, HFS+, ext3, some network shares) could change again without its time changing: leave
                // such a bundle without a sidecar, so the next run rebuilds it instead of trusting the cache.
                if (!IsRacilyClean(scan, scanStartUtc)) WriteSidecar(sidecarPath, result);
                return result;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                TryDelete(tempZip);
                throw CacheWriteFailed(ex);
            }
            catch
            {
                TryDelete(tempZip);
                throw;
            }
        }

        private static ScanResult ScanNonEmpty(string projectPath, CancellationToken ct)
        {
            var scan = ProjectScanner.Scan(projectPath, ct);
            if (scan.Files.Count == 0)
                throw new PackagingException(
                    $"Nothing to package in '{scan.ProjectPath}': every file is excluded (by .gitignore, .sheriffignore, or the built-in rules for .git, __pycache__, virtual environments and build output), or the folder is empty. " +
                    "Point at the folder that holds your Python code, or re-include files with '!pattern' lines in .sheriffignore.",
                    scan.ProjectPath);
            return scan;
        }

        private List<BundleEntry> WriteZip(string tempZip, ScanResult scan, CancellationToken ct)
        {
            var entries = new List<BundleEntry>(scan.Files.Count);
            var buffer = new byte[CopyBufferSize];
            using (var output = new FileStream(tempZip, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: false))
            {
                foreach (var file in scan.Files)
                {
                    ct.ThrowIfCancellationRequested();
                    BeforeFileRead?.Invoke(file.SourcePath);
                    using (var source = OpenSource(file))
                    {
                        // The first block decides the method (see ChooseLevel), then is written like every other block.
                        int head = ReadBlock(source, buffer, file);
                        var entry = zip.CreateEntry(file.EntryPath, ChooseLevel(buffer, head));
                        entry.LastWriteTime = FixedTimestamp;
#if NET8_0_OR_GREATER
                        entry.ExternalAttributes = EntryExternalAttributes;
#endif
                        long copied = 0;
                        using (var target = entry.Open())
                        {
                            for (int n = head; n > 0; n = ReadBlock(source, buffer, file))
                            {
                                target.Write(buffer, 0, n);
                                copied += n;
                                ct.ThrowIfCancellationRequested();
                            }
                        }
                        entries.Add(new BundleEntry(file.EntryPath, copied));
                    }
                }
            }
            return entries;
        }

        private static FileStream OpenSource(ScannedFile file)
        {
            try
            {
                // bufferSize 1: no FileStream buffer, reads go straight into our 128 KiB buffer.
                return new FileStream(file.OpenPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException ex)
            {
                throw ProjectScanner.Vanished(file.SourcePath, ex);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw ProjectScanner.Vanished(file.SourcePath, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw Unreadable(file, "access is denied", ex);
            }
            catch (IOException ex)
            {
                throw Unreadable(file, ex.Message, ex);
            }
        }

        /// <summary>
        /// Deflate (zlib level 6), except that data which does not compress is stored: when the first 64 KiB of a
        /// file shrink by less than 5% at the fastest level (already-compressed data: parquet, images, archives,
        /// pickles of arrays), deflating the rest would cost seconds per hundred MB and save nothing. Depends only
        /// on the file's bytes, so the zip stays deterministic.
        /// </summary>
        internal static CompressionLevel ChooseLevel(byte[] head, int length)
        {
            if (length < ProbeSize) return CompressionLevel.Optimal;
            var counter = new CountingStream();
            using (var probe = new DeflateStream(counter, CompressionLevel.Fastest, leaveOpen: true))
            {
                probe.Write(head, 0, ProbeSize);
            }
            return counter.Length > ProbeSize * 95L / 100 ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
        }

        private const int ProbeSize = 64 * 1024;

        /// <summary>Fills the buffer (short only at end of file), so what the probe sees never depends on read sizes.</summary>
        private static int ReadBlock(Stream source, byte[] buffer, ScannedFile file)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = ReadSource(source, buffer, total, file);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        private static int ReadSource(Stream source, byte[] buffer, int offset, ScannedFile file)
        {
            try
            {
                return source.Read(buffer, offset, buffer.Length - offset);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw Unreadable(file, "access is denied", ex);
            }
            catch (IOException ex)
            {
                throw Unreadable(file, ex.Message, ex);
            }
        }

        private static PackagingException Unreadable(ScannedFile file, string why, Exception inner)
        {
            string what = string.Equals(file.SourcePath, file.OpenPath, StringComparison.Ordinal)
                ? $"'{file.SourcePath}'"
                : $"'{file.SourcePath}' (a link to '{file.OpenPath}')";
            return new PackagingException(
                $"Cannot read {what}: {why.TrimEnd('.', ' ')}. Give your account read access to it (or close the program that locks it), or exclude it with .sheriffignore.",
                file.SourcePath, inner);
        }

        private PackagingException CacheWriteFailed(Exception inner) =>
            new PackagingException(
                $"Cannot write the bundle into the cache folder '{CacheDirectory}': {inner.Message} Free some disk space, fix the folder's permissions, or use another cache folder.",
                CacheDirectory, inner);

        /// <summary>
        /// SHA-256 over the format version, the project's real path, and each entry's name, size and last-write
        /// time (UTC ticks), in zip order. Any added, removed, renamed, resized or touched file changes it.
        /// </summary>
        internal static string CacheKey(ScanResult scan)
        {
            using (var sha = SHA256.Create())
            {
                var sb = new StringBuilder();
                sb.Append("sheriff-bundle\n").Append(FormatVersion.ToString(CultureInfo.InvariantCulture)).Append('\n');
                sb.Append(scan.RealProjectPath).Append('\n');
                Feed(sha, sb);
                foreach (var f in scan.Files)
                {
                    sb.Append(f.EntryPath).Append('\0')
                      .Append(f.Size.ToString(CultureInfo.InvariantCulture)).Append('\0')
                      .Append(f.LastWriteTicksUtc.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    if (sb.Length > 16 * 1024) Feed(sha, sb);
                }
                Feed(sha, sb);
                sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                return Hashing.ToHex(sha.Hash!);
            }
        }

        private static void Feed(HashAlgorithm sha, StringBuilder sb)
        {
            if (sb.Length == 0) return;
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
            sb.Length = 0;
        }

        private static bool IsRacilyClean(ScanResult scan, DateTime scanStartUtc)
        {
            long limit = scanStartUtc.Ticks - 2 * TimeSpan.TicksPerSecond;
            foreach (var f in scan.Files)
            {
                if (f.LastWriteTicksUtc >= limit && f.LastWriteTicksUtc % TimeSpan.TicksPerSecond == 0) return true;
            }
            return false;
        }


        internal static string SuggestName(string projectName, string sha256)
        {
            var sb = new StringBuilder(projectName.Length);
            foreach (char c in projectName)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                sb.Append(ok ? c : '_');
            }
            string name = sb.ToString().Trim('.');
            if (name.Length == 0) name = "project";
            return name + "-" + sha256.Substring(0, 12) + ".zip";
        }

        /// <summary>Atomic rename over any existing file; if another run put the same bundle there first, keep that one.</summary>
        private static void MoveIntoPlace(string temp, string final)
        {
            try
            {
#if NET8_0_OR_GREATER
                File.Move(temp, final, overwrite: true);
#else
                if (File.Exists(final)) File.Replace(temp, final, null);
                else File.Move(temp, final);
#endif
            }
            catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && File.Exists(final))
            {
                // Windows: the existing file is open (e.g. being uploaded). Bundles are deterministic, so it is the same bytes.
                TryDelete(temp);
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        // ---- sidecar: <key>.json = { "format", "sha256", "size", "entries": [ { "path", "size" } ] } ----

        private static void WriteSidecar(string sidecarPath, BundleResult result)
        {
            string temp = sidecarPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
                using (var text = new StreamWriter(stream, new UTF8Encoding(false)))
                using (var json = new JsonTextWriter(text))
                {
                    json.WriteStartObject();
                    json.WritePropertyName("format");
                    json.WriteValue(FormatVersion);
                    json.WritePropertyName("sha256");
                    json.WriteValue(result.Sha256);
                    json.WritePropertyName("size");
                    json.WriteValue(result.Size);
                    json.WritePropertyName("entries");
                    json.WriteStartArray();
                    foreach (var e in result.Entries)
                    {
                        json.WriteStartObject();
                        json.WritePropertyName("path");
                        json.WriteValue(e.Path);
                        json.WritePropertyName("size");
                        json.WriteValue(e.Size);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                MoveIntoPlace(temp, sidecarPath);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        private static BundleResult? TryLoadCached(string zipPath, string sidecarPath, ScanResult scan)
        {
            if (!File.Exists(sidecarPath) || !File.Exists(zipPath)) return null;
            try
            {
                int format = -1;
                string? sha256 = null;
                long size = -1;
                var entries = new List<BundleEntry>(scan.Files.Count);
                using (var text = new StreamReader(sidecarPath, new UTF8Encoding(false)))
                using (var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None })
                {
                    Expect(json.Read() && json.TokenType == JsonToken.StartObject);
                    while (json.Read() && json.TokenType == JsonToken.PropertyName)
                    {
                        switch ((string)json.Value!)
                        {
                            case "format": format = json.ReadAsInt32() ?? -1; break;
                            case "sha256": sha256 = json.ReadAsString(); break;
                            case "size": size = ReadLong(json); break;
                            case "entries":
                                Expect(json.Read() && json.TokenType == JsonToken.StartArray);
                                while (json.Read() && json.TokenType == JsonToken.StartObject)
                                {
                                    string? path = null;
                                    long entrySize = -1;
                                    while (json.Read() && json.TokenType == JsonToken.PropertyName)
                                    {
                                        switch ((string)json.Value!)
                                        {
                                            case "path": path = json.ReadAsString(); break;
                                            case "size": entrySize = ReadLong(json); break;
                                            default: json.Skip(); break;
                                        }
                                    }
                                    Expect(path != null && entrySize >= 0);
                                    entries.Add(new BundleEntry(path!, entrySize));
                                }
                                break;
                            default:
                                json.Skip();
                                break;
                        }
                    }
                }
                if (format != FormatVersion || sha256 == null || sha256.Length != 64 || size < 0) return null;
                if (entries.Count != scan.Files.Count) return null;
                for (int i = 0; i < entries.Count; i++)
                {
                    if (!string.Equals(entries[i].Path, scan.Files[i].EntryPath, StringComparison.Ordinal)) return null;
                }
                if (new FileInfo(zipPath).Length != size) return null;
                return new BundleResult(zipPath, size, sha256, entries, fromCache: true, SuggestName(scan.ProjectName, sha256));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException || ex is FormatException || ex is InvalidDataException)
            {
                return null; // unreadable or damaged sidecar: rebuild
            }
        }

        private static long ReadLong(JsonTextReader json)
        {
            Expect(json.Read() && json.TokenType == JsonToken.Integer);
            return Convert.ToInt64(json.Value, CultureInfo.InvariantCulture);
        }

        private static void Expect(bool condition)
        {
            if (!condition) throw new InvalidDataException("Malformed bundle sidecar.");
        }

        /// <summary>A write-only sink that only counts bytes (the compressibility probe's output).</summary>
        private sealed class CountingStream : Stream
        {
            private long _length;
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _length;
            public override long Position { get => _length; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => _length += count;
#if NET8_0_OR_GREATER
            public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
#endif
        }
    }
}
