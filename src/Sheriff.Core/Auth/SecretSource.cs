using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;

namespace Sheriff.Core.Auth
{
    /// <summary>Authentication failed before Genie was asked: a missing environment variable, a failing token command, a token endpoint that refused.</summary>
    public sealed class GenieAuthenticationException : GenieException
    {
        public GenieAuthenticationException(string message, string? target = null, Exception? inner = null) : base(message, inner) => Target = target;

        /// <summary>What failed, without secrets: the variable name, "token command", or the token endpoint URI.</summary>
        public string? Target { get; }
    }

    /// <summary>
    /// Where a secret comes from: a SecureString held in memory, an environment variable read at each use, or a command
    /// whose trimmed standard output is the secret (run through the platform shell: /bin/sh -c, or cmd.exe /c on Windows).
    /// The secret itself is never part of <see cref="Description"/>, <see cref="ToString"/> or any exception message.
    /// </summary>
    public abstract class SecretSource
    {
        /// <summary>Secret-free description, e.g. "environment variable GENIE_TOKEN".</summary>
        public abstract string Description { get; }

        /// <summary>True when <see cref="Invalidate"/> makes the next read fetch a new value (a token command).</summary>
        public virtual bool IsRefreshable => false;

        /// <summary>True when a value is cached (the next read costs nothing).</summary>
        public virtual bool IsCached => false;

        /// <summary>Reads the secret. The caller holds the plain text only as long as it must.</summary>
        public abstract Task<SecureString> ReadAsync(CancellationToken ct);

        /// <summary>Forgets a cached value so that the next read fetches a new one.</summary>
        public virtual void Invalidate() { }

        public override string ToString() => Description;

        public static SecretSource FromSecureString(SecureString value, string description = "a SecureString")
            => new SecureStringSecret(value ?? throw new ArgumentNullException(nameof(value)), description);

        public static SecretSource FromEnvironmentVariable(string name)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("The environment variable name is empty.", nameof(name));
            return new EnvironmentSecret(name.Trim());
        }

        public static SecretSource FromCommand(string command, TimeSpan? timeout = null)
        {
            if (string.IsNullOrWhiteSpace(command)) throw new ArgumentException("The command is empty.", nameof(command));
            return new CommandSecret(command, timeout ?? TimeSpan.FromSeconds(60));
        }

        private sealed class SecureStringSecret : SecretSource
        {
            private readonly SecureString _value;
            private readonly string _description;

            public SecureStringSecret(SecureString value, string description)
            {
                _value = value.Copy();
                _value.MakeReadOnly();
                _description = description;
            }

            public override string Description => _description;
            public override Task<SecureString> ReadAsync(CancellationToken ct) => Task.FromResult(_value);
        }

        private sealed class EnvironmentSecret : SecretSource
        {
            private readonly string _name;
            public EnvironmentSecret(string name) => _name = name;
            public override string Description => "environment variable " + _name;

            public override Task<SecureString> ReadAsync(CancellationToken ct)
            {
                var value = Environment.GetEnvironmentVariable(_name);
                if (string.IsNullOrWhiteSpace(value))
                    throw new GenieAuthenticationException($"The environment variable {_name} that should hold the secret is not set or empty.", _name);
                return Task.FromResult(SecretText.ToSecureString(value!.Trim()));
            }
        }

        private sealed class CommandSecret : SecretSource
        {
            private readonly string _command;
            private readonly TimeSpan _timeout;
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private SecureString? _cached;

            public CommandSecret(string command, TimeSpan timeout) { _command = command; _timeout = timeout; }

            // The command line itself is not shown: it may carry arguments the user considers sensitive.
            public override string Description => "a token command";
            public override bool IsRefreshable => true;
            public override bool IsCached => _cached != null;

            public override void Invalidate() => Interlocked.Exchange(ref _cached, null);

            public override async Task<SecureString> ReadAsync(CancellationToken ct)
            {
                var cached = _cached;
                if (cached != null) return cached;
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (_cached != null) return _cached;
                    var value = await TokenCommand.RunAsync(_command, _timeout, ct).ConfigureAwait(false);
                    value.MakeReadOnly();
                    _cached = value;
                    return value;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
    }

    /// <summary>Runs a command that prints a secret, through the platform shell; the output is trimmed and never logged.</summary>
    internal static class TokenCommand
    {
        public static async Task<SecureString> RunAsync(string command, TimeSpan timeout, CancellationToken ct)
        {
            var windows = Environment.OSVersion.Platform == PlatformID.Win32NT;
            var psi = new ProcessStartInfo
            {
                FileName = windows ? Path.Combine(Environment.SystemDirectory, "cmd.exe") : "/bin/sh",
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
#if NET8_0_OR_GREATER
            if (windows) { psi.ArgumentList.Add("/d"); psi.ArgumentList.Add("/s"); psi.ArgumentList.Add("/c"); psi.ArgumentList.Add(command); }
            else { psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(command); }
#else
            psi.Arguments = windows ? "/d /s /c \"" + command + "\"" : "-c " + Local.GenieLocalServer.QuoteArgument(command);
#endif
            Process process;
            try { process = Process.Start(psi) ?? throw new GenieAuthenticationException("The token command could not be started.", "token command"); }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new GenieAuthenticationException($"The token command could not be started: {ex.Message}", "token command", ex);
            }
            using (process)
            {
                try { process.StandardInput.Close(); } catch (IOException) { }
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                process.EnableRaisingEvents = true;
                process.Exited += (_, __) => exited.TrySetResult(true);
                if (process.HasExited) exited.TrySetResult(true);
                using (var timer = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    timer.CancelAfter(timeout);
                    var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    using (timer.Token.Register(() => cancelled.TrySetResult(true)))
                    {
                        var done = await Task.WhenAny(exited.Task, cancelled.Task).ConfigureAwait(false);
                        if (done != exited.Task)
                        {
                            KillQuietly(process);
                            ct.ThrowIfCancellationRequested();
                            throw new GenieAuthenticationException($"The token command did not finish within {timeout.TotalSeconds:0} s.", "token command");
                        }
                    }
                }
                process.WaitForExit();
                var output = await stdout.ConfigureAwait(false);
                var errors = await stderr.ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    // Its output is never quoted: a failing token script may well have printed the token (set -x does)
                    // on either stream, and this message reaches error records, transcripts and logs.
                    var said = errors.Trim().Length;
                    throw new GenieAuthenticationException(
                        $"The token command exited with code {process.ExitCode}" +
                        (said == 0 ? "." : $" and wrote {said} characters on its standard error, not shown here because they may contain the secret; run the command yourself to see them."),
                        "token command");
                }
                var token = output.Trim();
                if (token.Length == 0) throw new GenieAuthenticationException("The token command printed nothing on its standard output.", "token command");
                return SecretText.ToSecureString(token);
            }
        }

        private static void KillQuietly(Process process)
        {
            try
            {
#if NET8_0_OR_GREATER
                process.Kill(entireProcessTree: true);
#else
                process.Kill();
#endif
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
    }

    /// <summary>SecureString helpers: the plain text exists only inside the callback that needs it.</summary>
    public static class SecretText
    {
        public static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (var c in value) secure.AppendChar(c);
            return secure;
        }

        /// <summary>Decodes a SecureString to plain text. Callers keep the result only as long as the header or form needs it.</summary>
        public static string Reveal(SecureString value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(ptr) ?? "";
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
