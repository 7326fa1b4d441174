using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits until Genie jobs finish, and emits each one as it finishes.</para>
    /// <para type="description">Collects the jobs from -Id or the pipeline, then polls Genie until every job has finished
    /// (or the first one with -Any). Polling starts quick and slows down for long waits, and never sends more than
    /// -MaxRequestsPerSecond requests whatever the number of jobs: many jobs are followed with one search of recently
    /// finished jobs. A job that ends FAILED, KILLED or INVALID is emitted and also writes a non-terminating
    /// GenieJobFailed error; a job still running at -Timeout writes GenieJobWaitTimeout (and is stopped with
    /// -StopOnTimeout). With -ErrorAction Stop a runbook therefore fails loudly. Ctrl+C stops waiting at once
    /// (the jobs keep running).</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieJob -Status RUNNING -Mine | Wait-GenieJob | Get-GenieJobOutput -Tail 20</code>
    /// <para>Waits for your running jobs and shows the end of each one's output as it finishes.</para>
    /// </example>
    /// <example>
    /// <code>Wait-GenieJob -Id $id -Timeout 3600 -StopOnTimeout -ErrorAction Stop</code>
    /// <para>In a runbook: wait at most an hour, kill the job if it is still running, and fail the runbook on any error.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Wait, "GenieJob", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(GenieJob))]
    public sealed class WaitGenieJobCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string JobSet = "Job";
        private const int MaxChildBars = 20;

        /// <summary><para type="description">Ids of the jobs to wait for. Binds from the pipeline and from an Id or JobId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Job objects to wait for (for example from Get-GenieJob); what they already tell saves requests.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = JobSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public GenieJob[] InputObject { get; set; } = Array.Empty<GenieJob>();

        /// <summary><para type="description">Seconds to wait at most (default: no limit). Jobs still running then write GenieJobWaitTimeout errors.</para></summary>
        [Parameter]
        [Alias("TimeoutSec")]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; } = -1;

        /// <summary><para type="description">Return as soon as any one job finishes.</para></summary>
        [Parameter]
        public SwitchParameter Any { get; set; }

        /// <summary><para type="description">The slowest polling interval in seconds (default 10). Polling starts at half a second and slows towards this for long waits.</para></summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollInterval { get; set; } = 10;

        /// <summary><para type="description">The most requests per second sent to Genie, whatever the number of jobs (default 10).</para></summary>
        [Parameter]
        [ValidateRange(0.1, 1000)]
        public double MaxRequestsPerSecond { get; set; } = 10;

        /// <summary><para type="description">Stop (kill) the jobs still running when -Timeout expires.</para></summary>
        [Parameter]
        public SwitchParameter StopOnTimeout { get; set; }

        private readonly List<KeyValuePair<string, GenieJob?>> _jobs = new List<KeyValuePair<string, GenieJob?>>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == JobSet)
                foreach (var job in InputObject) _jobs.Add(new KeyValuePair<string, GenieJob?>(job.Id, job));
            else
                foreach (var id in Id) _jobs.Add(new KeyValuePair<string, GenieJob?>(id, null));
        }

        protected override void EndProcessing()
        {
            if (_jobs.Count == 0) return;
            var session = ResolveSession();
            var total = _jobs.Select(j => j.Key).Distinct(StringComparer.Ordinal).Count();
            var watcher = new JobWatcher(session.Client, _jobs, new JobWatchOptions
            {
                MaxInterval = TimeSpan.FromSeconds(PollInterval),
                MinInterval = TimeSpan.FromSeconds(Math.Min(0.5, PollInterval)),
                MaxRequestsPerSecond = MaxRequestsPerSecond,
            });
            var deadline = Timeout < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddSeconds(Timeout);
            var progress = new WaitProgress(this, total);
            var finished = 0;
            try
            {
                while (true)
                {
                    IReadOnlyList<JobWatchEvent> events;
                    try
                    {
                        events = Await(watcher.PollOnceAsync(Token));
                    }
                    catch (GenieException ex)
                    {
                        ThrowTerminatingError(GenieError(ex, watcher.Pending.Select(p => p.Id).ToArray()));
                        return;
                    }
                    foreach (var e in events)
                    {
                        finished++;
                        if (e.Job != null) EmitFinished(e.Job);
                        else WriteError(GenieError(e.Error!, e.Id, ErrorIds.GenieJobNotFound, "Check the id; Get-GenieJob -Mine lists your recent jobs."));
                        if (Any && e.Job != null) return;
                    }
                    if (watcher.LastTransientError != null)
                        WriteVerbose($"Polling Genie failed ({watcher.LastTransientError.Message}); trying again.");
                    if (watcher.Pending.Count == 0) return;

                    progress.Update(finished, watcher.Pending);
                    var delay = watcher.NextDelay();
                    var remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero) { TimedOut(session, watcher); return; }
                    if (delay > remaining) delay = remaining;
                    if (Token.WaitHandle.WaitOne(delay)) throw new PipelineStoppedException();
                }
            }
            finally
            {
                progress.Complete();
                WriteVerbose($"Sent {watcher.RequestCount} requests to Genie while waiting.");
            }
        }

        private void EmitFinished(GenieJob job)
        {
            RunspaceState.Current.RememberJobId(job.Id);
            WriteObject(job);
            if (!GenieJobStatus.IsFailure(job.Status)) return;
            var category = job.Status == "KILLED" ? ErrorCategory.OperationStopped : job.Status == "INVALID" ? ErrorCategory.InvalidData : ErrorCategory.InvalidResult;
            var message = $"Genie job {job.Id}{(job.Name == null ? "" : $" ({job.Name})")} ended {job.Status}{(string.IsNullOrEmpty(job.StatusMessage) ? "." : ": " + job.StatusMessage)}";
            WriteError(NewError(new GenieJobFailedException(message, job), ErrorIds.GenieJobFailed, category, job.Id,
                $"Read the job's logs: Get-GenieJobOutput -Id '{job.Id}' -Path stderr -Tail 50"));
        }

        private void TimedOut(GenieSession session, JobWatcher watcher)
        {
            foreach (var pending in watcher.Pending.ToList())
            {
                var stopped = false;
                if (StopOnTimeout)
                {
                    try
                    {
                        Await(session.Client.KillJobAsync(pending.Id, Token));
                        stopped = true;
                    }
                    catch (GenieException ex)
                    {
                        WriteError(GenieError(ex, pending.Id, ErrorIds.GenieJobNotFound));
                    }
                }
                var message = $"Genie job {pending.Id} was still {pending.Status ?? "running"} after {Timeout} s{(stopped ? "; it has been asked to stop" : "")}.";
                WriteError(NewError(new TimeoutException(message), ErrorIds.GenieJobWaitTimeout, ErrorCategory.OperationTimeout, pending.Id,
                    stopped ? null : $"Wait longer (Wait-GenieJob -Id '{pending.Id}'), or stop it with Stop-GenieJob -Id '{pending.Id}'."));
            }
        }

        /// <summary>Progress at most once a second: one parent bar, and a child bar per job for small waits.</summary>
        private sealed class WaitProgress
        {
            private const int ParentId = 1;
            private readonly Cmdlet _cmdlet;
            private readonly int _total;
            private readonly DateTime _start = DateTime.UtcNow;
            private readonly Dictionary<string, int> _childIds = new Dictionary<string, int>(StringComparer.Ordinal);
            private DateTime _last = DateTime.MinValue;
            private bool _shown;

            public WaitProgress(Cmdlet cmdlet, int total) { _cmdlet = cmdlet; _total = total; }

            public void Update(int finished, IReadOnlyCollection<WatchedJob> pending)
            {
                var now = DateTime.UtcNow;
                if (now - _last < TimeSpan.FromSeconds(1) || now - _start < TimeSpan.FromSeconds(1)) return;
                _last = now;
                _shown = true;
                _cmdlet.WriteProgress(new ProgressRecord(ParentId, $"Waiting for {_total} Genie job(s)", $"{finished} of {_total} finished, {(int)(now - _start).TotalSeconds} s")
                {
                    PercentComplete = _total == 0 ? 100 : finished * 100 / _total,
                });
                if (_total > MaxChildBars) return;
                var alive = new HashSet<string>(pending.Select(p => p.Id), StringComparer.Ordinal);
                foreach (var job in pending)
                {
                    if (!_childIds.TryGetValue(job.Id, out var childId)) _childIds[job.Id] = childId = ParentId + 1 + _childIds.Count;
                    _cmdlet.WriteProgress(new ProgressRecord(childId, $"Job {job.Id}", $"{job.Status ?? "waiting"}{(job.Name == null ? "" : " - " + job.Name)}") { ParentActivityId = ParentId });
                }
                foreach (var done in _childIds.Where(c => !alive.Contains(c.Key)).ToList())
                {
                    _cmdlet.WriteProgress(new ProgressRecord(done.Value, $"Job {done.Key}", "finished") { ParentActivityId = ParentId, RecordType = ProgressRecordType.Completed });
                    _childIds.Remove(done.Key);
                }
            }

            public void Complete()
            {
                if (!_shown) return;
                foreach (var child in _childIds)
                    _cmdlet.WriteProgress(new ProgressRecord(child.Value, $"Job {child.Key}", "done") { ParentActivityId = ParentId, RecordType = ProgressRecordType.Completed });
                _cmdlet.WriteProgress(new ProgressRecord(ParentId, $"Waiting for {_total} Genie job(s)", "done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>The exception behind a GenieJobFailed error: carries the finished job.</summary>
    public sealed class GenieJobFailedException : Exception
    {
        public GenieJobFailedException(string message, GenieJob job) : base(message) => Job = job;
        public GenieJob Job { get; }
    }
}
