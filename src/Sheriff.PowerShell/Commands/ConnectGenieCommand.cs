using System;
using System.Management.Automation;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to a Genie server and makes it this session's default.</para>
    /// <para type="description">Creates a Genie session for the server at -Uri, checks that it answers the Genie v3 API
    /// (GET /api/v3), makes it the default connection of the current runspace (never of the whole process), and
    /// returns it. Every Sheriff cmdlet uses the default unless it is given -Session.</para>
    /// </summary>
    /// <example>
    /// <code>Connect-Genie -Uri https://genie.example.com</code>
    /// <para>Connects to the team's Genie; later cmdlets use it without -Session.</para>
    /// </example>
    /// <example>
    /// <code>Connect-Genie -Profile prod</code>
    /// <para>Connects with the 'prod' profile of the config file ($env:SHERIFF_CONFIG, else sheriff/config.json in your config folder).</para>
    /// </example>
    /// <example>
    /// <code>$dev = Connect-Genie http://127.0.0.1:8080 -NoValidation; Get-GenieJob -Id job1 -Session $dev</code>
    /// <para>Creates a session without contacting the server and passes it explicitly.</para>
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

        /// <summary><para type="description">A named profile of the config file ($env:SHERIFF_CONFIG, else sheriff/config.json in the user's config folder).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ProfileSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProfileCompleter))]
        public string Profile { get; set; } = null!;

        /// <summary><para type="description">Per-request timeout in seconds (default: the profile's requestTimeoutSec, else 100).</para></summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        [Alias("TimeoutSec")]
        public int RequestTimeout { get; set; }

        /// <summary><para type="description">Do not contact the server now; the first real call will show whether it answers.</para></summary>
        [Parameter]
        public SwitchParameter NoValidation { get; set; }

        protected override void ProcessRecord()
        {
            GenieSession session;
            var timeout = MyInvocation.BoundParameters.ContainsKey(nameof(RequestTimeout)) ? TimeSpan.FromSeconds(RequestTimeout) : (TimeSpan?)null;
            if (ParameterSetName == ProfileSet)
            {
                var profile = FindProfile(Profile);
                Uri = profile.Uri;
                timeout ??= profile.RequestTimeout;
            }
            try
            {
                session = new GenieSession(Uri, ParameterSetName == ProfileSet ? Profile : null, timeout);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.InvalidGenieUri, ErrorCategory.InvalidArgument, Uri,
                    "Give an absolute http:// or https:// address, e.g. https://genie.example.com."));
                return;
            }

            if (!NoValidation)
            {
                WriteVerbose($"Checking the Genie API at {session.Uri}api/v3");
                try
                {
                    var root = Await(session.Client.GetRootAsync(Token));
                    session.ServerDescription = (string?)root["description"];
                }
                catch (GenieException ex)
                {
                    session.Dispose();
                    ThrowTerminatingError(GenieError(ex, Uri));
                    return;
                }
            }

            var state = RunspaceState.Current;
            state.DefaultSession = session;
            WriteObject(session);
        }
    
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
