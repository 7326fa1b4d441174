using System;
using System.Management.Automation;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that talk to Genie: the shared <c>-Session</c> parameter and the session resolution order
    /// (explicit -Session, then this runspace's default from Connect-Genie/Start-GenieLocal, then $env:SHERIFF_GENIE_URI,
    /// then the config file's defaultProfile).
    /// </summary>
    public abstract partial class GenieCmdletBase : SheriffCmdlet
    {
        public const string UriVariable = "SHERIFF_GENIE_URI";

        /// <summary>
        /// <para type="description">The Genie session to use (from Connect-Genie). Default: this runspace's current session.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = false)]
        public GenieSession? Session { get; set; }

        private GenieSession? _resolved;

        /// <summary>The session this invocation uses; resolving it may throw a terminating GenieNotConnected error.</summary>
        protected GenieSession ResolveSession() => ResolveSession(required: true)!;

        /// <summary>The session, or null when none is configured (for -WhatIf, which sends nothing).</summary>
        protected GenieSession? TryResolveSession() => ResolveSession(required: false);

        private GenieSession? ResolveSession(bool required)
        {
            if (_resolved != null) return _resolved;
            var session = ResolveSessionCore(required);
            if (session != null) ListenTo(session);
            return session;
        }

        private GenieSession? ResolveSessionCore(bool required)
        {
            if (_resolved != null) return _resolved;
            if (Session != null) return _resolved = Session;
            var state = RunspaceState.Current;
            if (state.DefaultSession != null) return _resolved = state.DefaultSession;
            var fromEnv = Environment.GetEnvironmentVariable(UriVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv) && (required || Uri.TryCreate(fromEnv, UriKind.Absolute, out _)))
            {
                if (!Uri.TryCreate(fromEnv, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    ThrowTerminatingError(NewError(new ArgumentException($"${UriVariable} is '{fromEnv}', which is not an http(s) URI."),
                        ErrorIds.InvalidGenieUri, ErrorCategory.InvalidArgument, fromEnv, $"Set ${UriVariable} to the Genie server's URI, e.g. https://genie.example.com."));
                var session = new GenieSession(uri!);
                state.DefaultSession = session;
                return _resolved = session;
            }
            Core.Config.SheriffConfig? config = null;
            try { config = Core.Config.SheriffConfig.Load(); }
            catch (Core.Config.SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
            }
            if (config?.DefaultProfile != null)
            {
                var profile = config.Profiles[config.DefaultProfile];
                var session = GenieSession.FromProfile(profile);
                if (session.Options.SkipCertificateCheck)
                    WriteWarning($"Profile '{profile.Name}' turns off the certificate check for {session.Uri}: anyone on the network path can read and change this traffic.");
                state.DefaultSession = session;
                return _resolved = session;
            }
            if (!required) return null;
            ThrowTerminatingError(NewError(
                new InvalidOperationException("Not connected to Genie: no -Session was given and this session has no default connection."),
                ErrorIds.GenieNotConnected, ErrorCategory.ConnectionError, null,
                $"Run Connect-Genie -Uri <genie-uri> (or -Profile <name>), set ${UriVariable}, set a defaultProfile in the config file, or start a local server with Start-GenieLocal."));
            return null!;
        }
    }
}
