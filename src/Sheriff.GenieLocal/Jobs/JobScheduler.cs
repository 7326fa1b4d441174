using System.Collections.Concurrent;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Jobs;

/// <summary>One job being claimed/initialised/run by the scheduler.</summary>
internal sealed class JobRun(string jobId) : IDisposable
{
    private readonly CancellationTokenSource _kill = new();
    private string? _reason;

    public string JobId { get; } = jobId;

    public CancellationToken KillToken => _kill.Token;

    /// <summary>The status message to finish with when the job was killed (first request wins).</summary>
    public string? KillReason => Volatile.Read(ref _reason);

    public void RequestKill(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        try
        {
            _kill.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the run already finished
        }
    }

    public void Dispose() => _kill.Dispose();
}

/// <summary>
/// Moves accepted jobs through CLAIMED → INIT → RUNNING → finished in the background (genie-api.md §8),
/// with at most <c>--max-running</c> jobs past the queue at a time; the others wait in ACCEPTED (G3: INIT).
/// </summary>
internal sealed class JobScheduler(GenieServer server, ILogger log) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentDictionary<string, (JobRun Run, Task Task)> _active = new(StringComparer.Ordinal);
    private readonly object _dispatchGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Start()
    {
        _loop = Task.Run(LoopAsync);
    }

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
        catch (ObjectDisposedException)
        {
            // shutting down
        }
    }

    public void RequestKill(string jobId, string reason)
    {
        if (_active.TryGetValue(jobId, out var entry))
        {
            entry.Run.RequestKill(reason);
        }
    }

    /// <summary>Graceful shutdown: stop dispatching, kill running jobs and wait for them to be recorded.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var entry in _active.Values)
        {
            entry.Run.RequestKill(StatusMessages.KilledBySystem);
        }

        var tasks = _active.Values.Select(e => e.Task).ToList();
        if (_loop != null)
        {
            tasks.Add(_loop);
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.LogWarning("Some jobs did not stop within {Grace}", grace);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _signal.Dispose();
    }

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                Dispatch();
                await _signal.WaitAsync(TimeSpan.FromMilliseconds(500), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.LogWarning(e, "Scheduler iteration failed");
            }
        }
    }

    private bool IsQueued(JobRecord j) =>
        !j.Claimed && j.IsResolved && !_active.ContainsKey(j.Id) &&
        j.Status == (server.IsG4 ? Statuses.Accepted : Statuses.Init);

    private void Dispatch()
    {
        lock (_dispatchGate)
        {
            if (_stopping.IsCancellationRequested || _active.Count >= server.Options.MaxRunning)
            {
                return;
            }

            var queued = server.Store.AllJobs().Where(IsQueued).OrderBy(j => j.Seq).ToList();
            foreach (var job in queued)
            {
                if (_active.Count >= server.Options.MaxRunning)
                {
                    break;
                }

                var run = new JobRun(job.Id);
                var runner = new JobRunner(server, run, log);
                var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _active[job.Id] = (run, tcs.Task);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await runner.RunAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        log.LogWarning(e, "Job {JobId} runner crashed", job.Id);
                        server.Store.UpdateJob(job.Id, j =>
                        {
                            if (Statuses.IsFinished(j.Status))
                            {
                                return false;
                            }

                            var t = TimeFormat.NowMs();
                            j.Status = Statuses.Failed;
                            j.StatusMsg = StatusMessages.LaunchFailed + ": " + e.Message;
                            j.Finished = t;
                            j.Updated = t;
                            return true;
                        });
                    }
                    finally
                    {
                        _active.TryRemove(job.Id, out _);
                        run.Dispose();
                        tcs.TrySetResult();
                        Signal();
                    }
                });
            }
        }
    }
}
