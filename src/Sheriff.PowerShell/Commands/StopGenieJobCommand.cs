using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops (kills) Genie jobs.</para>
    /// <para type="description">Asks Genie to kill each job (DELETE /api/v3/jobs/{id}). Genie kills asynchronously: a job
    /// not yet running is KILLED at once, a running one shortly after, a finished one is left as it is. -Wait waits
    /// until each job has finished; -PassThru emits the jobs. Supports -WhatIf and -Confirm (medium impact, so
    /// non-interactive runbooks are never prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Stop-GenieJob -Id 3f2c9a10 -Wait -PassThru</code>
    /// <para>Kills a job and returns it once Genie reports it KILLED.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJob -Name 'scratch-*' -Status RUNNING -Mine | Stop-GenieJob -WhatIf</code>
    /// <para>Shows which of your scratch jobs would be stopped.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "GenieJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieJob))]
    public sealed class StopGenieJobCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the jobs to stop. Binds from the pipeline and from an Id or JobId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Emit each job after asking Genie to stop it (its final state with -Wait).</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary><para type="description">Wait until each job has finished.</para></summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary><para type="description">With -Wait: seconds to wait at most (default 300); jobs still active then write GenieJobWaitTimeout.</para></summary>
        [Parameter]
        [Alias("TimeoutSec")]
        [ValidateRange(1, int.MaxValue)]
        public int Timeout { get; set; } = 300;

        private readonly List<string> _stopped = new List<string>();

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id)
            {
                if (!ShouldProcess(id, "Stop Genie job")) continue;
                try
                {
                    Await(session.Client.KillJobAsync(id, Token));
                    WriteVerbose($"Genie accepted the request to stop job {id}.");
                }
                catch (GenieException ex)
                {
                    WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound, "Check the id; Get-GenieJob -Mine lists your recent jobs."));
                    continue;
                }
                RunspaceState.Current.RememberJobId(id);
                if (Wait) { _stopped.Add(id); continue; }
                if (PassThru) EmitCurrent(session, id);
            }
        }

        protected override void EndProcessing()
        {
            if (!Wait || _stopped.Count == 0) return;
            var session = ResolveSession();
            var watcher = new JobWatcher(session.Client, _stopped.Distinct().Select(id => new KeyValuePair<string, GenieJob?>(id, null)),
                new JobWatchOptions { MinInterval = TimeSpan.FromMilliseconds(250), MaxInterval = TimeSpan.FromSeconds(2) });
            var deadline = DateTime.UtcNow.AddSeconds(Timeout);
            while (watcher.Pending.Count > 0)
            {
                IReadOnlyList<JobWatchEvent> events;
                try { events = Await(watcher.PollOnceAsync(Token)); }
                catch (GenieException ex) { ThrowTerminatingError(GenieError(ex, watcher.Pending.Select(p => p.Id).ToArray())); return; }
                foreach (var e in events)
                {
                    if (e.Job != null) { if (PassThru) WriteObject(e.Job); }
                    else WriteError(GenieError(e.Error!, e.Id, ErrorIds.GenieJobNotFound));
                }
                if (watcher.Pending.Count == 0) break;
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    foreach (var p in watcher.Pending)
                        WriteError(NewError(new TimeoutException($"Genie job {p.Id} was still {p.Status ?? "active"} {Timeout} s after it was asked to stop."),
                            ErrorIds.GenieJobWaitTimeout, ErrorCategory.OperationTimeout, p.Id));
                    return;
                }
                var delay = watcher.NextDelay();
                if (Token.WaitHandle.WaitOne(delay < remaining ? delay : remaining)) throw new PipelineStoppedException();
            }
        }

        private void EmitCurrent(GenieSession session, string id)
        {
            try { WriteObject(Await(session.Client.GetJobAsync(id, Token))); }
            catch (GenieException ex) { WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound)); }
        }
    }
}
