using System;
using System.Management.Automation;
using Sheriff.Core.Local;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops a GenieLocal server started by Start-GenieLocal.</para>
    /// <para type="description">Asks the server to shut down (running jobs are stopped), waits for it, and kills it if it
    /// does not exit in time. Without -InputObject it stops the server this runspace started last. If the default
    /// connection pointed at that server, it is cleared. Its data directory is kept.</para>
    /// </summary>
    /// <example>
    /// <code>Stop-GenieLocal</code>
    /// <para>Stops the server this session started.</para>
    /// </example>
    /// <example>
    /// <code>$s = Start-GenieLocal -DataDirectory ./a; $s | Stop-GenieLocal</code>
    /// <para>Stops a given server.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "GenieLocal", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class StopGenieLocalCommand : SheriffCmdlet
    {
        /// <summary><para type="description">The server to stop (the object Start-GenieLocal returned).</para></summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public GenieLocalServer? InputObject { get; set; }

        /// <summary><para type="description">Seconds to wait for a clean shutdown before killing the process (default 15).</para></summary>
        [Parameter]
        [ValidateRange(0, 600)]
        public int TimeoutSec { get; set; } = 15;

        protected override void ProcessRecord()
        {
            var state = RunspaceState.Current;
            var server = InputObject ?? state.LocalServer;
            if (server == null)
            {
                WriteError(NewError(new InvalidOperationException("This session has not started a GenieLocal server."),
                    ErrorIds.GenieLocalNotRunning, ErrorCategory.ObjectNotFound, null, "Start one with Start-GenieLocal."));
                return;
            }
            if (!ShouldProcess($"{server.Uri} (process {server.ProcessId})", "Stop GenieLocal")) return;

            server.Stop(TimeSpan.FromSeconds(TimeoutSec));
            if (ReferenceEquals(state.LocalServer, server)) state.LocalServer = null;
            if (state.DefaultSession != null && state.DefaultSession.Uri == Core.Genie.GenieClient.NormalizeBaseUri(server.Uri))
            {
                state.DefaultSession.Dispose();
                state.DefaultSession = null;
            }
            WriteVerbose($"GenieLocal at {server.Uri} stopped.");
        }
    }
}
