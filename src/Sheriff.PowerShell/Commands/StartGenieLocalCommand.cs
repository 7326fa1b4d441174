using System;
using System.IO;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.Core.Local;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts GenieLocal, a Genie-compatible server on this machine, and connects to it.</para>
    /// <para type="description">GenieLocal speaks Genie's v3 REST API and runs jobs as local processes: a sandbox to try
    /// Sheriff without a cluster, and the test bed of Sheriff's own tests. It binds 127.0.0.1 only, keeps its state
    /// (SQLite database, attachments, job directories) in -DataDirectory, and registers a local cluster and a generic
    /// shell command unless -SeedPath names other resources. The new server becomes this runspace's default
    /// connection. Stop it with Stop-GenieLocal.</para>
    /// </summary>
    /// <example>
    /// <code>Start-GenieLocal; Get-GenieJob -Mine</code>
    /// <para>Starts a local server on a free port with the default data directory (~/.sheriff/genielocal).</para>
    /// </example>
    /// <example>
    /// <code>$server = Start-GenieLocal -Port 8080 -DataDirectory ./genie-data -MaxRunning 2</code>
    /// <para>Starts it on a fixed port with its own data folder and at most two jobs running at once.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Start, "GenieLocal", SupportsShouldProcess = true)]
    [OutputType(typeof(GenieLocalServer))]
    public sealed class StartGenieLocalCommand : SheriffCmdlet
    {
        /// <summary><para type="description">TCP port on 127.0.0.1; 0 (the default) picks a free port.</para></summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary><para type="description">Where the server keeps its database, attachments and job directories (default ~/.sheriff/genielocal). State survives restarts.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DataDirectory { get; set; }

        /// <summary><para type="description">A JSON file of applications, clusters and commands to register at start, instead of the default local cluster and shell command.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SeedPath { get; set; }

        /// <summary><para type="description">Which Genie generation to imitate: 4 (default) or 3.</para></summary>
        [Parameter]
        [ValidateSet("3", "4")]
        public string? Generation { get; set; }

        /// <summary><para type="description">How many jobs may run at once; the rest wait in ACCEPTED.</para></summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int? MaxRunning { get; set; }

        /// <summary><para type="description">How to choose among matching clusters and commands: first (deterministic, default) or random (as real Genie).</para></summary>
        [Parameter]
        [ValidateSet("first", "random")]
        public string? Selector { get; set; }

        /// <summary><para type="description">S3 endpoint GenieLocal uses to fetch s3:// dependencies (e.g. a local moto_server).</para></summary>
        [Parameter]
        public Uri? S3Endpoint { get; set; }

        /// <summary><para type="description">Serve HTTPS with a generated self-signed certificate (kept in the data directory); the new session trusts exactly that certificate.</para></summary>
        [Parameter]
        public SwitchParameter Https { get; set; }

        /// <summary><para type="description">Require this bearer token on every request; the new session sends it.</para></summary>
        [Parameter]
        [ValidateNotNull]
        public new System.Security.SecureString? Token { get; set; }

        /// <summary><para type="description">Require HTTP basic auth with this user name and password; the new session sends them.</para></summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary><para type="description">Serve an OAuth2 token endpoint (POST /oauth/token, client credentials grant) for this client id (user name) and secret (password), and require the tokens it issues; the new session gets its tokens there.</para></summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential? OAuthCredential { get; set; }

        /// <summary><para type="description">Lifetime in seconds of the access tokens the OAuth2 endpoint issues (default 3600).</para></summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int OAuthTokenTtl { get; set; }

        /// <summary><para type="description">Seconds to wait for the server to report that it is listening (default 60).</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int StartTimeout { get; set; } = 60;

        protected override void ProcessRecord()
        {
            if (S3Endpoint != null && (!S3Endpoint.IsAbsoluteUri || (S3Endpoint.Scheme != Uri.UriSchemeHttp && S3Endpoint.Scheme != Uri.UriSchemeHttps)))
                ThrowTerminatingError(NewError(new ArgumentException($"-S3Endpoint '{S3Endpoint.OriginalString}' is not an absolute http:// or https:// URI."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, S3Endpoint.OriginalString,
                    "Give the S3 endpoint's URI, e.g. http://127.0.0.1:5000 for a local moto_server."));
            var options = new GenieLocalOptions
            {
                Port = Port,
                DataDirectory = DataDirectory == null ? null : GetUnresolvedProviderPathFromPSPath(DataDirectory),
                Generation = Generation == null ? (int?)null : int.Parse(Generation, System.Globalization.CultureInfo.InvariantCulture),
                MaxRunning = MaxRunning,
                Selector = Selector,
                S3Endpoint = S3Endpoint?.ToString(),
            };
            if (SeedPath != null)
            {
                var seed = GetUnresolvedProviderPathFromPSPath(SeedPath);
                if (!File.Exists(seed))
                    ThrowTerminatingError(NewError(new FileNotFoundException($"The seed file '{seed}' does not exist.", seed),
                        ErrorIds.InvalidParameterValue, ErrorCategory.ObjectNotFound, SeedPath));
                options.SeedPath = seed;
            }

            string serverPath;
            try
            {
                var moduleFolder = Path.GetDirectoryName(Path.GetDirectoryName(typeof(StartGenieLocalCommand).Assembly.Location));
                serverPath = GenieLocalServer.FindServer(moduleFolder);
            }
            catch (GenieLocalException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieLocalNotFound, ErrorCategory.ObjectNotFound, GenieLocalServer.ServerFileName));
                return;
            }

            var target = $"127.0.0.1:{(Port == 0 ? "<free port>" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}, data in {options.DataDirectory ?? GenieLocalOptions.DefaultDataDirectory}";
            if (!ShouldProcess(target, "Start GenieLocal")) return;

            WriteVerbose($"Starting {serverPath}");
            GenieLocalServer server;
            var secretFiles = new System.Collections.Generic.List<string>();
            Core.Auth.GenieCredential? credential = null;
            try
            {
                options.Https = Https;
                credential = PrepareAuth(options, secretFiles);
                server = GenieLocalServer.Start(serverPath, options, TimeSpan.FromSeconds(StartTimeout), base.Token);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (GenieLocalException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieLocalStartFailed, ErrorCategory.OpenError, serverPath,
                    "Read the server output in the message; another process may hold the port, or the data directory may not be writable."));
                return;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieLocalStartFailed, ErrorCategory.OpenError, options.DataDirectory,
                    "Check that the data directory is writable."));
                return;
            }
            finally
            {
                // GenieLocal read the secrets at start; they do not stay on disk
                foreach (var file in secretFiles) { try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { } }
            }
            if (credential is Core.Auth.OAuth2ClientCredential && options.OAuthClient != null)
                credential = Core.Auth.GenieCredential.OAuth2(new Uri(server.Uri, "oauth/token"), options.OAuthClient,
                    Core.Auth.SecretSource.FromSecureString(OAuthCredential!.Password, "a PSCredential"));

            var state = RunspaceState.Current;
            state.LocalServer = server;
            // GenieLocal has no Spark: its SQL runs on the local DuckDB engine (Invoke-SparkSql, the table statistics cmdlets).
            var sessionOptions = new Core.Genie.Transport.GenieClientOptions { Credential = credential, TrustedCertificateThumbprint = server.CertificateThumbprint };
            state.DefaultSession = new GenieSession(server.Uri, sessionOptions) { SqlEngine = "duckdb" };
            WriteVerbose($"GenieLocal is listening at {server.Uri} (process {server.ProcessId}); it is now the default Genie connection (authentication {state.DefaultSession.Authentication}).");
            WriteObject(server);
        }

        /// <summary>
        /// Writes the secrets GenieLocal should require to files only this user can read (deleted once it has started)
        /// and returns the credential the new session sends. The OAuth2 credential's token URI is fixed after the start.
        /// </summary>
        private Core.Auth.GenieCredential? PrepareAuth(GenieLocalOptions options, System.Collections.Generic.List<string> secretFiles)
        {
            var given = (Token != null ? 1 : 0) + (Credential != null ? 1 : 0) + (OAuthCredential != null ? 1 : 0);
            if (given > 1)
                ThrowTerminatingError(NewError(new ArgumentException("Give one of -Token, -Credential and -OAuthCredential."), ErrorIds.InvalidParameterValue,
                    ErrorCategory.InvalidArgument, null, "GenieLocal can require one kind of credential per start."));
            if (MyInvocation.BoundParameters.ContainsKey(nameof(OAuthTokenTtl)) && OAuthCredential == null)
                ThrowTerminatingError(NewError(new ArgumentException("-OAuthTokenTtl needs -OAuthCredential."), ErrorIds.InvalidParameterValue,
                    ErrorCategory.InvalidArgument, OAuthTokenTtl, "Add -OAuthCredential, or leave -OAuthTokenTtl out."));
            if (given == 0) return null;
            var dir = Path.Combine(options.DataDirectory ?? GenieLocalOptions.DefaultDataDirectory, "auth");
            Directory.CreateDirectory(dir);
            string WriteSecret(string name, System.Security.SecureString secret)
            {
                var path = Path.Combine(dir, name + "-" + Guid.NewGuid().ToString("n"));
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
#if NET8_0_OR_GREATER
                    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
#endif
                    secretFiles.Add(path);
                    var bytes = System.Text.Encoding.UTF8.GetBytes(Core.Auth.SecretText.Reveal(secret));
                    try { stream.Write(bytes, 0, bytes.Length); }
                    finally { Array.Clear(bytes, 0, bytes.Length); }
                }
                return path;
            }
            if (Token != null)
            {
                options.TokenFile = WriteSecret("token", Token);
                return Core.Auth.GenieCredential.Bearer(Core.Auth.SecretSource.FromSecureString(Token, "a SecureString"));
            }
            if (Credential != null)
            {
                options.BasicUser = Credential.UserName.TrimStart('\\');
                options.BasicPasswordFile = WriteSecret("basic", Credential.Password);
                return Core.Auth.GenieCredential.Basic(options.BasicUser, Core.Auth.SecretSource.FromSecureString(Credential.Password, "a PSCredential"));
            }
            options.OAuthClient = OAuthCredential!.UserName.TrimStart('\\');
            options.OAuthSecretFile = WriteSecret("oauth", OAuthCredential.Password);
            if (OAuthTokenTtl > 0) options.OAuthTokenTtlSeconds = OAuthTokenTtl;
            // a placeholder URI: the real one (with the port) is known once the server listens
            return Core.Auth.GenieCredential.OAuth2(new Uri("http://127.0.0.1/oauth/token"), options.OAuthClient, Core.Auth.SecretSource.FromSecureString(OAuthCredential.Password, "a PSCredential"));
        }
    }
}
