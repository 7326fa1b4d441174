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

        /// <summary><para type="description">Seconds to wait for the server to report that it is listening (default 60).</para></summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int StartTimeout { get; set; } = 60;

        protected override void ProcessRecord()
        {
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
            try
            {
                server = GenieLocalServer.Start(serverPath, options, TimeSpan.FromSeconds(StartTimeout), Token);
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

            var state = RunspaceState.Current;
            state.LocalServer = server;
            state.DefaultSession = new GenieSession(server.Uri);
            WriteVerbose($"GenieLocal is listening at {server.Uri} (process {server.ProcessId}); it is now the default Genie connection.");
            WriteObject(server);
        }
    }
}
