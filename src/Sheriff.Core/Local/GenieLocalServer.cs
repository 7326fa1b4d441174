using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Sheriff.Core.Local
{
    /// <summary>How to start GenieLocal (the arguments of sheriff-genie-local).</summary>
    public sealed class GenieLocalOptions
    {
        /// <summary>TCP port; 0 picks a free one.</summary>
        public int Port { get; set; }
        public string? DataDirectory { get; set; }
        public string? SeedPath { get; set; }
        /// <summary>3 or 4 (default 4).</summary>
        public int? Generation { get; set; }
        public int? MaxRunning { get; set; }
        /// <summary>"first" (deterministic) or "random".</summary>
        public string? Selector { get; set; }
        public string? S3Endpoint { get; set; }
        /// <summary>Serve HTTPS with GenieLocal's generated self-signed certificate (<c>--https</c>).</summary>
        public bool Https { get; set; }
        /// <summary>A file holding the bearer token GenieLocal requires (<c>--token-file</c>).</summary>
        public string? TokenFile { get; set; }
        /// <summary>Basic-auth user GenieLocal requires (<c>--basic-user</c>), with <see cref="BasicPasswordFile"/>.</summary>
        public string? BasicUser { get; set; }
        public string? BasicPasswordFile { get; set; }
        /// <summary>OAuth2 client id of GenieLocal's token endpoint (<c>--oauth-client</c>), with <see cref="OAuthSecretFile"/>.</summary>
        public string? OAuthClient { get; set; }
        public string? OAuthSecretFile { get; set; }
        /// <summary>Lifetime of the access tokens GenieLocal issues, in seconds (<c>--oauth-token-ttl</c>).</summary>
        public int? OAuthTokenTtlSeconds { get; set; }
        /// <summary>More raw arguments, appended as given.</summary>
        public IList<string> ExtraArguments { get; } = new List<string>();

        public static string DefaultDataDirectory =>
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sheriff", "genielocal");

        internal IEnumerable<string> ToArguments()
        {
            yield return "--port"; yield return Port.ToString(CultureInfo.InvariantCulture);
            yield return "--data-dir"; yield return DataDirectory ?? DefaultDataDirectory;
            if (SeedPath != null) { yield return "--seed"; yield return SeedPath; }
            if (Generation != null) { yield return "--generation"; yield return Generation.Value.ToString(CultureInfo.InvariantCulture); }
            if (MaxRunning != null) { yield return "--max-running"; yield return MaxRunning.Value.ToString(CultureInfo.InvariantCulture); }
            if (Selector != null) { yield return "--selector"; yield return Selector; }
            if (S3Endpoint != null) { yield return "--s3-endpoint"; yield return S3Endpoint; }
            if (Https) yield return "--https";
            if (TokenFile != null) { yield return "--token-file"; yield return TokenFile; }
            if (BasicUser != null) { yield return "--basic-user"; yield return BasicUser; }
            if (BasicPasswordFile != null) { yield return "--basic-password-file"; yield return BasicPasswordFile; }
            if (OAuthClient != null) { yield return "--oauth-client"; yield return OAuthClient; }
            if (OAuthSecretFile != null) { yield return "--oauth-secret-file"; yield return OAuthSecretFile; }
            if (OAuthTokenTtlSeconds != null) { yield return "--oauth-token-ttl"; yield return OAuthTokenTtlSeconds.Value.ToString(CultureInfo.InvariantCulture); }
            foreach (var extra in ExtraArguments) yield return extra;
        }
    }

    /// <summary>Raised when GenieLocal cannot be found or does not start.</summary>
    public sealed class GenieLocalException : Exception
    {
        public GenieLocalException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// A running GenieLocal process started by this client. It announces itself with one stdout line
    /// <c>LISTENING &lt;url&gt;</c>; its output is drained in the background and the last lines kept for errors.
    /// </summary>
    public sealed class GenieLocalServer : IDisposable
    {
        public const string ServerFileName = "sheriff-genie-local.dll";
        public const string PathVariable = "SHERIFF_GENIELOCAL_PATH";

        private readonly Process _process;
        private readonly Queue<string> _tail = new Queue<string>();

        private GenieLocalServer(Process process, string dataDirectory, string serverPath)
        {
            _process = process;
            DataDirectory = dataDirectory;
            ServerPath = serverPath;
        }

        public Uri Uri { get; private set; } = null!;
        /// <summary>With HTTPS: the PEM file of the server's self-signed certificate (in the data directory).</summary>
        public string? CertificatePath { get; private set; }
        /// <summary>With HTTPS: the SHA-1 thumbprint of that certificate, for GenieClientOptions.TrustedCertificateThumbprint.</summary>
        public string? CertificateThumbprint { get; private set; }
        public int ProcessId => _process.Id;
        public string DataDirectory { get; }
        public string ServerPath { get; }
        public DateTimeOffset StartTime { get; } = DateTimeOffset.UtcNow;
        public bool HasExited { get { try { return _process.HasExited; } catch (InvalidOperationException) { return true; } } }

        /// <summary>The last lines GenieLocal printed, for error messages.</summary>
        public string RecentOutput { get { lock (_tail) return string.Join(Environment.NewLine, _tail); } }

        /// <summary>
        /// Finds the server: <c>$env:SHERIFF_GENIELOCAL_PATH</c> (the dll or its folder) first, else
        /// <c>genielocal/sheriff-genie-local.dll</c> under the module folder.
        /// </summary>
        public static string FindServer(string? moduleBase)
        {
            var candidates = new List<string>();
            var fromEnv = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
                candidates.Add(Directory.Exists(fromEnv) ? Path.Combine(fromEnv!, ServerFileName) : fromEnv!);
            if (!string.IsNullOrEmpty(moduleBase))
                candidates.Add(Path.Combine(moduleBase!, "genielocal", ServerFileName));
            foreach (var candidate in candidates)
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            throw new GenieLocalException(
                $"GenieLocal ({ServerFileName}) was not found; looked in: {string.Join(", ", candidates)}. " +
                $"Build the module with build.ps1, or set {PathVariable} to the server's folder.");
        }

        /// <summary>Starts the server and waits (at most <paramref name="startTimeout"/>) for its LISTENING line.</summary>
        public static GenieLocalServer Start(string serverPath, GenieLocalOptions options, TimeSpan startTimeout, CancellationToken ct)
        {
            var dataDirectory = Path.GetFullPath(options.DataDirectory ?? GenieLocalOptions.DefaultDataDirectory);
            Directory.CreateDirectory(dataDirectory);
            options.DataDirectory = dataDirectory;

            var psi = new ProcessStartInfo
            {
                FileName = FindDotnetHost(),
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                WorkingDirectory = dataDirectory,
            };
            psi.Arguments = string.Join(" ", new[] { serverPath }.Concat(options.ToArguments()).Select(QuoteArgument));

            Process process;
            try { process = Process.Start(psi) ?? throw new GenieLocalException("The dotnet host did not start."); }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new GenieLocalException($"Cannot start '{psi.FileName}' to run GenieLocal: {ex.Message}", ex);
            }

            var server = new GenieLocalServer(process, dataDirectory, serverPath);
            var ready = new ManualResetEventSlim(false);
            string? url = null;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { ready.Set(); return; }
                server.Remember(e.Data);
                if (url == null && e.Data.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    url = e.Data.Substring("LISTENING ".Length).Trim();
                    ready.Set();
                }
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) server.Remember(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow + startTimeout;
            while (!ready.IsSet)
            {
                if (ct.IsCancellationRequested) { server.Kill(); ct.ThrowIfCancellationRequested(); }
                if (process.HasExited) { process.WaitForExit(); break; }
                if (DateTime.UtcNow > deadline)
                {
                    server.Kill();
                    throw new GenieLocalException($"GenieLocal did not report LISTENING within {startTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{server.RecentOutput}");
                }
                ready.Wait(100);
            }
            if (url == null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                server.Kill();
                throw new GenieLocalException($"GenieLocal exited before it was ready (exit code {SafeExitCode(process)}). Its output:{Environment.NewLine}{server.RecentOutput}");
            }
            server.Uri = uri;
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                var pem = Path.Combine(dataDirectory, "genielocal-cert.pem");
                try
                {
                    server.CertificateThumbprint = ReadPemThumbprint(pem);
                    server.CertificatePath = pem;
                }
                catch (Exception ex) when (ex is IOException || ex is FormatException || ex is System.Security.Cryptography.CryptographicException)
                {
                    server.Kill();
                    throw new GenieLocalException($"GenieLocal serves HTTPS but its certificate {pem} cannot be read: {ex.Message}", ex);
                }
            }
            return server;
        }

        /// <summary>Asks the server to shut down (SIGTERM where there is one), then kills it after <paramref name="grace"/>.</summary>
        public void Stop(TimeSpan grace)
        {
            if (HasExited) return;
            try { _process.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
            if (!IsWindows)
            {
                try { NativeMethods.kill(_process.Id, 15); } catch (EntryPointNotFoundException) { } catch (DllNotFoundException) { }
            }
            if (!_process.WaitForExit((int)grace.TotalMilliseconds)) Kill();
        }

        /// <summary>The SHA-1 thumbprint of the first certificate of a PEM file.</summary>
        public static string ReadPemThumbprint(string pemPath)
        {
            var text = File.ReadAllText(pemPath);
            const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
            var from = text.IndexOf(begin, StringComparison.Ordinal);
            var to = from < 0 ? -1 : text.IndexOf(end, from, StringComparison.Ordinal);
            if (from < 0 || to < 0) throw new FormatException("no PEM certificate in " + pemPath);
            var der = Convert.FromBase64String(text.Substring(from + begin.Length, to - from - begin.Length).Trim());
            using (var cert = new System.Security.Cryptography.X509Certificates.X509Certificate2(der))
                return cert.Thumbprint;
        }

        private void Kill()
        {
            try
            {
#if NET8_0_OR_GREATER
                _process.Kill(entireProcessTree: true);
#else
                _process.Kill();
#endif
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }

        private void Remember(string line)
        {
            lock (_tail)
            {
                _tail.Enqueue(line);
                while (_tail.Count > 40) _tail.Dequeue();
            }
        }

        private static string SafeExitCode(Process p)
        {
            try { return p.ExitCode.ToString(CultureInfo.InvariantCulture); } catch (InvalidOperationException) { return "unknown"; }
        }

        /// <summary>The dotnet host that runs the server: the current one when we run under dotnet, else DOTNET_ROOT, else PATH.</summary>
        private static string FindDotnetHost()
        {
            var exe = IsWindows ? "dotnet.exe" : "dotnet";
            try
            {
                var current = Process.GetCurrentProcess().MainModule?.FileName;
                if (current != null && string.Equals(Path.GetFileName(current), exe, StringComparison.OrdinalIgnoreCase)) return current;
            }
            catch (System.ComponentModel.Win32Exception) { }
            foreach (var variable in new[] { "DOTNET_HOST_PATH", "DOTNET_ROOT" })
            {
                var value = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value)) continue;
                var candidate = File.Exists(value) ? value! : Path.Combine(value!, exe);
                if (File.Exists(candidate)) return candidate;
            }
            return exe;
        }

        internal static string QuoteArgument(string arg)
        {
            if (arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\\' && c != '\'')) return arg;
            var sb = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') { sb.Append('\\', backslashes * 2 + 1); sb.Append('"'); }
                else { sb.Append('\\', backslashes); sb.Append(c); }
                backslashes = 0;
            }
            sb.Append('\\', backslashes * 2);
            return sb.Append('"').ToString();
        }

        private static bool IsWindows => Environment.OSVersion.Platform == PlatformID.Win32NT;

        public void Dispose()
        {
            Stop(TimeSpan.FromSeconds(10));
            _process.Dispose();
        }

        private static class NativeMethods
        {
            [DllImport("libc", SetLastError = true)]
            internal static extern int kill(int pid, int sig);
        }
    }
}
