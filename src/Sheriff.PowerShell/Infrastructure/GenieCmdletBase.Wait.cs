using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>How <see cref="GenieCmdletBase.WaitAndEmit"/> waits.</summary>
    public sealed class JobWaitSettings
    {
        public TimeSpan? Timeout { get; set; }
        public bool Any { get; set; }
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
        public double MaxRequestsPerSecond { get; set; } = 10;
        public bool StopOnTimeout { get; set; }
    }

    /// <summary>The exception behind a GenieJobFailed error: carries the finished job.</summary>
    public sealed class GenieJobFailedException : Exception
    {
        public GenieJobFailedException(string message, GenieJob job) : base(message) => Job = job;
        public GenieJob Job { get; }
    }

    // The wait loop shared by Wait-GenieJob and Submit-SparkJob -Wait: polls on the pipeline thread (the only one
    // that writes), emits each job as it finishes, writes GenieJobFailed / GenieJobWaitTimeout, progress at most 1 Hz.
    public abstract partial class GenieCmdletBase
    {
        private const int MaxChildBars = 20;

        protected void WaitAndEmit(GenieSession session, IReadOnlyCollection<KeyValuePair<string, GenieJob?>> jobs, JobWaitSettings settings)
        {
            var total = jobs.Select(j => j.Key).Distinct(StringComparer.Ordinal).Count();
            var watcher = new JobWatcher(session.Client, jobs, new JobWatchOptions
            {
                MaxInterval = settings.PollInterval,
                MinInterval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks, settings.PollInterval.Ticks)),
                MaxRequestsPerSecond = settings.MaxRequestsPerSecond,
                MaxConsecutiveFailures = session.Options.MaxConsecutiveFailures,
            });
            ListenTo(session);
            var deadline = settings.Timeout == null ? DateTime.MaxValue : DateTime.UtcNow + settings.Timeout.Value;
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
                        if (settings.Any && e.Job != null) return;
                    }
                    if (watcher.LastTransientError != null)
                        WriteVerbose($"Polling Genie failed ({watcher.LastTransientError.Message}); failure {watcher.ConsecutiveFailures} of at most {session.Options.MaxConsecutiveFailures} in a row, trying again.");
                    if (watcher.Pending.Count == 0) return;

                    progress.Update(finished, watcher.Pending);
                    var delay = watcher.NextDelay();
                    var remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero) { TimedOut(session, watcher, settings); return; }
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

        protected void EmitFinished(GenieJob job)
        {
            RunspaceState.Current.RememberJobId(job.Id);
            WriteObject(job);
            if (!GenieJobStatus.IsFailure(job.Status)) return;
            var category = job.Status == "KILLED" ? ErrorCategory.OperationStopped : job.Status == "INVALID" ? ErrorCategory.InvalidData : ErrorCategory.InvalidResult;
            var message = $"Genie job {job.Id}{(job.Name == null ? "" : $" ({job.Name})")} ended {job.Status}{(string.IsNullOrEmpty(job.StatusMessage) ? "." : ": " + job.StatusMessage)}";
            WriteError(NewError(new GenieJobFailedException(message, job), ErrorIds.GenieJobFailed, category, job.Id,
                $"Read the job's logs: Get-GenieJobOutput -Id '{job.Id}' -Path stderr -Tail 50"));
        }

        private void TimedOut(GenieSession session, JobWatcher watcher, JobWaitSettings settings)
        {
            foreach (var pending in watcher.Pending.ToList())
            {
                var stopped = false;
                if (settings.StopOnTimeout)
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
                var message = $"Genie job {pending.Id} was still {pending.Status ?? "running"} after {settings.Timeout!.Value.TotalSeconds:0.#} s{(stopped ? "; it has been asked to stop" : "")}.";
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
}
