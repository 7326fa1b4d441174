using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Auth;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to a Genie server and makes it this session's default.</para>
    /// <para type="description">Creates a Genie session for the server at -Uri, checks that it answers the Genie v3 API
    /// (GET /api/v3), makes it the default connection of the current runspace (never of the whole process), and
    /// returns it. Every Sheriff cmdlet uses the default unless it is given -Session.</para>
    /// <para type="description">Authentication: a bearer token (-Token, -TokenEnvironmentVariable or -TokenCommand),
    /// basic auth (-Credential), or OAuth2 client credentials (-OAuthTokenUri with -ClientId and -ClientSecret, or
    /// -OAuthCredential). Secrets are never written to any stream. HTTPS certificates are verified unless
    /// -SkipCertificateCheck is given.</para>
    /// <para type="description">Reliability: failed requests are retried with exponential backoff and jitter on
    /// connection failures, timeouts, 502/503/504 and 429 (honouring Retry-After), never on other 4xx or 500;
    /// -MaxAttempts and -RetryMaxTotalSeconds bound them, and every retry shows in -Verbose. Waits (Wait-GenieJob,
    /// Get-GenieJobOutput -Follow) ride through outages until -MaxConsecutiveFailures polls in a row have failed.
    /// See docs/reliability.md.</para>
    /// </summary>
    /// <example>
    /// <code>Connect-Genie -Uri https://genie.example.com</code>
    /// <para>Connects to the team's Genie; later cmdlets use it without -Session.</para>
    /// </example>
    /// <example>
    /// <code>Connect-Genie -Profile prod</code>
    /// <para>Connects with the 'prod' profile of the config file ($env:SHERIFF_CONFIG, else sheriff/config.json in your config folder), including its retry and auth settings.</para>
    /// </example>
    /// <example>
    /// <code>Connect-Genie https://genie.example.com -TokenCommand 'vault read -field=token secret/genie'</code>
    /// <para>Sends the token the command prints as a bearer token; the command runs again when Genie answers 401.</para>
    /// </example>
    /// <example>
    /// <code>Connect-Genie https://genie.example.com -OAuthTokenUri https://login.example.com/oauth2/token -OAuthCredential (Get-Credential) -Scope genie</code>
    /// <para>Gets OAuth2 access tokens with the client credentials grant (client id as user name, secret as password), renewing them before they expire.</para>
    /// </example>
    /// <example>
    /// <code>$dev = Connect-Genie http://127.0.0.1:8080 -NoValidation -MaxAttempts 1; Get-GenieJob -Id job1 -Session $dev</code>
    /// <para>Creates a session without contacting the server and without retries, and passes it explicitly.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Connect, "Genie", DefaultParameterSetName = UriSet)]
    [OutputType(typeof(GenieSession))]
    public sealed class ConnectGenieCommand : SheriffCmdlet
    {
        private const string UriSet = "Uri";
        private const string ProfileSet = "Profile";

        /// <summary><para type="description">The Genie server's address, e.g. https://genie.example.com (an /api/v3 suffix is accepted).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = UriSet)]
        [ValidateNotNull]
        public Uri Uri { get; set; } = null!;

        /// <summary><para type="description">A named profile of the config file ($env:SHERIFF_CONFIG, else sheriff/config.json in the user's config folder). Its timeout, retry, TLS and auth settings apply unless a parameter overrides them.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ProfileSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProfileCompleter))]
        public string Profile { get; set; } = null!;

        /// <summary><para type="description">Per-request timeout in seconds (default: the profile's requestTimeoutSeconds, else 100). Ctrl+C stops a request at once whatever this is.</para></summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        [Alias("TimeoutSec")]
        public int RequestTimeout { get; set; }

        /// <summary><para type="description">Do not contact the server now; the first real call will show whether it answers.</para></summary>
        [Parameter]
        public SwitchParameter NoValidation { get; set; }

        /// <summary><para type="description">A bearer token, as a SecureString (e.g. from Read-Host -AsSecureString or a secret vault).</para></summary>
        [Parameter]
        [ValidateNotNull]
        public new SecureString? Token { get; set; }

        /// <summary><para type="description">The name of an environment variable that holds a bearer token; it is read at each request, so a rotated token is picked up.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenEnvironmentVariable { get; set; }

        /// <summary><para type="description">A command that prints a bearer token, run through the platform shell (/bin/sh -c, or cmd.exe /c on Windows) at the first request and again when Genie answers 401. Its output is trimmed and never logged.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenCommand { get; set; }

        /// <summary><para type="description">User name and password for HTTP basic auth.</para></summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary><para type="description">The OAuth2 token endpoint for the client credentials grant. Needs -ClientId and -ClientSecret, or -OAuthCredential.</para></summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? OAuthTokenUri { get; set; }

        /// <summary><para type="description">The OAuth2 client id (with -OAuthTokenUri and -ClientSecret).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientId { get; set; }

        /// <summary><para type="description">The OAuth2 client secret (with -OAuthTokenUri and -ClientId).</para></summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString? ClientSecret { get; set; }

        /// <summary><para type="description">The OAuth2 client id (user name) and secret (password) in one credential, instead of -ClientId and -ClientSecret.</para></summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential? OAuthCredential { get; set; }

        /// <summary><para type="description">The OAuth2 scope to ask for (space-separated when several).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Scope { get; set; }

        /// <summary><para type="description">Accept any server certificate (test servers only: it allows anyone on the network path to read and change the traffic). A warning is written once.</para></summary>
        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary><para type="description">Trust one server certificate by its SHA-1 thumbprint even though no trusted CA issued it (for example GenieLocal's generated certificate); its host name must still match.</para></summary>
        [Parameter]
        [ValidatePattern("^([0-9A-Fa-f]{2}:?){19}[0-9A-Fa-f]{2}$")]
        public string? TrustedCertificateThumbprint { get; set; }

        /// <summary><para type="description">Attempts per request, the first included (1 turns retries off). Default: the profile's retry.maxAttempts, else 5.</para></summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int MaxAttempts { get; set; }

        /// <summary><para type="description">No retry starts later than this many seconds after a request's first attempt (a longer Retry-After gives up at once). Default: the profile's retry.maxTotalSeconds, else 120.</para></summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int RetryMaxTotalSeconds { get; set; }

        /// <summary><para type="description">How many polls in a row may fail (each after its own retries) before Wait-GenieJob or Get-GenieJobOutput -Follow give up with GenieConnectionFailed. Default: the profile's maxConsecutiveFailures, else 10.</para></summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int MaxConsecutiveFailures { get; set; }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        protected override void ProcessRecord()
        {
            GenieClientOptions options;
            var timeout = Bound(nameof(RequestTimeout)) ? TimeSpan.FromSeconds(RequestTimeout) : (TimeSpan?)null;
            if (ParameterSetName == ProfileSet)
            {
                var profile = FindProfile(Profile);
                Uri = profile.Uri;
                try { options = profile.Transport.ToOptions(timeout ?? profile.RequestTimeout); }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, Profile, "Fix the profile's auth section in the config file."));
                    return;
                }
            }
            else
            {
                options = new GenieClientOptions();
                if (timeout != null) options.RequestTimeout = timeout.Value;
            }

            var credential = BuildCredential();
            if (credential != null) options.Credential = credential;
            if (Bound(nameof(MaxAttempts))) options.Retry.MaxAttempts = MaxAttempts;
            if (Bound(nameof(RetryMaxTotalSeconds))) options.Retry.MaxTotalTime = TimeSpan.FromSeconds(RetryMaxTotalSeconds);
            if (Bound(nameof(MaxConsecutiveFailures))) options.MaxConsecutiveFailures = MaxConsecutiveFailures;
            if (SkipCertificateCheck) options.SkipCertificateCheck = true;
            if (TrustedCertificateThumbprint != null) options.TrustedCertificateThumbprint = TrustedCertificateThumbprint.Replace(":", "");

            GenieSession session;
            try
            {
                session = new GenieSession(Uri, options, ParameterSetName == ProfileSet ? Profile : null);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.InvalidGenieUri, ErrorCategory.InvalidArgument, Uri,
                    "Give an absolute http:// or https:// address, e.g. https://genie.example.com."));
                return;
            }
            ListenTo(session);
            if (options.SkipCertificateCheck)
                WriteWarning($"The certificate check is off for {session.Uri}: anyone on the network path can read and change this traffic. Use -SkipCertificateCheck only with test servers.");
            if (options.Credential != null && session.Uri.Scheme == System.Uri.UriSchemeHttp && !session.Uri.IsLoopback)
                WriteWarning($"{session.Uri} is plain HTTP: the credentials travel unencrypted. Use https:// for anything but a local server.");
            WriteVerbose($"Genie session for {session.Uri}: authentication {session.Authentication}; retries {options.Retry}; request timeout {options.RequestTimeout.TotalSeconds:0.#} s; waits give up after {options.MaxConsecutiveFailures} failed polls in a row.");

            if (!NoValidation)
            {
                WriteVerbose($"Checking the Genie API at {session.Uri}api/v3");
                try
                {
                    var root = Await(session.Client.GetRootAsync(base.Token)); // base.Token: the cancellation token (Token is the parameter)
                    session.ServerDescription = (string?)root["description"];
                }
                catch (GenieException ex)
                {
                    session.Dispose();
                    ThrowTerminatingError(GenieError(ex, Uri));
                    return;
                }
                catch (PipelineStoppedException)
                {
                    session.Dispose();
                    throw;
                }
            }

            var state = RunspaceState.Current;
            state.DefaultSession = session;
            WriteObject(session);
        }

        /// <summary>The credential the parameters ask for; null when none was given. Mixed or incomplete sets are terminating errors.</summary>
        private GenieCredential? BuildCredential()
        {
            var sources = new List<string>();
            if (Token != null) sources.Add("-Token");
            if (TokenEnvironmentVariable != null) sources.Add("-TokenEnvironmentVariable");
            if (TokenCommand != null) sources.Add("-TokenCommand");
            if (Credential != null) sources.Add("-Credential");
            var oauth = OAuthTokenUri != null || ClientId != null || ClientSecret != null || OAuthCredential != null || Scope != null;
            if (oauth) sources.Add("-OAuthTokenUri");
            if (sources.Count > 1)
                Invalid(string.Join(", ", sources), $"Give one way to authenticate, not several ({string.Join(", ", sources)}).",
                    "Use one of -Token, -TokenEnvironmentVariable, -TokenCommand, -Credential, or -OAuthTokenUri with its client id and secret.");
            if (Token != null) return GenieCredential.Bearer(SecretSource.FromSecureString(Token, "a SecureString"));
            if (TokenEnvironmentVariable != null)
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TokenEnvironmentVariable)))
                    WriteWarning($"The environment variable {TokenEnvironmentVariable} is not set now; requests will fail until it is.");
                return GenieCredential.Bearer(SecretSource.FromEnvironmentVariable(TokenEnvironmentVariable));
            }
            if (TokenCommand != null) return GenieCredential.Bearer(SecretSource.FromCommand(TokenCommand));
            if (Credential != null)
            {
                var user = Credential.UserName ?? "";
                user = user.TrimStart('\\'); // Get-Credential adds a leading '\' on some hosts
                if (user.Length == 0 || user.IndexOf(':') >= 0)
                    Invalid("-Credential", "The basic-auth user name must be non-empty and cannot contain ':'.", "Give a user name such as svc-genie.");
                return GenieCredential.Basic(user, SecretSource.FromSecureString(Credential.Password, "a PSCredential"));
            }
            if (!oauth) return null;
            if (OAuthTokenUri == null)
                Invalid("-OAuthTokenUri", "-ClientId, -ClientSecret, -OAuthCredential and -Scope need -OAuthTokenUri.", "Add -OAuthTokenUri with the token endpoint, e.g. https://login.example.com/oauth2/token.");
            if (!OAuthTokenUri!.IsAbsoluteUri || (OAuthTokenUri.Scheme != System.Uri.UriSchemeHttp && OAuthTokenUri.Scheme != System.Uri.UriSchemeHttps))
                Invalid(OAuthTokenUri.ToString(), $"-OAuthTokenUri '{OAuthTokenUri}' is not an absolute http(s) URI.", "Give the token endpoint's full address.");
            if (OAuthCredential != null && (ClientId != null || ClientSecret != null))
                Invalid("-OAuthCredential", "Give -OAuthCredential or -ClientId with -ClientSecret, not both.", "Use one of them.");
            string clientId;
            SecretSource secret;
            if (OAuthCredential != null)
            {
                clientId = OAuthCredential.UserName.TrimStart('\\');
                secret = SecretSource.FromSecureString(OAuthCredential.Password, "a PSCredential");
            }
            else
            {
                if (ClientId == null || ClientSecret == null)
                    Invalid("-OAuthTokenUri", "OAuth2 client credentials need -ClientId and -ClientSecret (or -OAuthCredential).", "Add the missing parameter.");
                clientId = ClientId!;
                secret = SecretSource.FromSecureString(ClientSecret!, "a SecureString");
            }
            if (clientId.Length == 0) Invalid("-OAuthCredential", "The OAuth2 client id is empty.", "Give the client id as the credential's user name.");
            return GenieCredential.OAuth2(OAuthTokenUri, clientId, secret, Scope);
        }

        private void Invalid(string target, string message, string action)
            => ThrowTerminatingError(NewError(new ArgumentException(message), ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, target, action));

        private Core.Config.GenieProfile FindProfile(string name)
        {
            Core.Config.SheriffConfig config;
            try { config = Core.Config.SheriffConfig.Load(); }
            catch (Core.Config.SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
                return null!;
            }
            if (config.Profiles.TryGetValue(name, out var profile)) return profile;
            var known = config.Profiles.Count == 0 ? "it has none" : "it has: " + string.Join(", ", config.Profiles.Keys);
            ThrowTerminatingError(NewError(
                new ArgumentException($"The config file {(config.Path ?? Core.Config.SheriffConfig.DefaultPath())} has no profile '{name}' ({known})."),
                ErrorIds.GenieProfileNotFound, ErrorCategory.ObjectNotFound, name, "Add the profile to the config file, or use Connect-Genie -Uri."));
            return null!;
        }
    }
}
