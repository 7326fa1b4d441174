using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Sheriff.Core.Genie
{
    /// <summary>How a <see cref="JobWatcher"/> polls.</summary>
    public sealed class JobWatchOptions
    {
        /// <summary>The first, quickest interval between polls.</summary>
        public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(500);
        /// <summary>The slowest interval; long-running waits grow towards it (a tenth of the time waited so far).</summary>
        public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>Upper bound on requests per second, whatever the number of jobs.</summary>
        public double MaxRequestsPerSecond { get; set; } = 10;
        /// <summary>How many consecutive failed polls (connection errors, 5xx) end the wait.</summary>
        public int MaxConsecutiveFailures { get; set; } = 10;
        /// <summary>Overlap of successive finished-job sweeps, covering clock skew between client and server.</summary>
        public TimeSpan SweepOverlap { get; set; } = TimeSpan.FromSeconds(60);
    }

    /// <summary>What one poll found out about one job.</summary>
    public sealed class JobWatchEvent
    {
        private JobWatchEvent(string id, GenieJob? job, GenieException? error) { Id = id; Job = job; Error = error; }
        public string Id { get; }
        /// <summary>The finished job (null when <see cref="Error"/> is set).</summary>
        public GenieJob? Job { get; }
        /// <summary>Why the job can no longer be watched (e.g. Genie does not know it).</summary>
        public GenieException? Error { get; }
        internal static JobWatchEvent Finished(GenieJob job) => new JobWatchEvent(job.Id, job, null);
        internal static JobWatchEvent Failed(string id, GenieException error) => new JobWatchEvent(id, null, error);
    }

    /// <summary>A job still being watched, with what is known of it so far.</summary>
    public sealed class WatchedJob
    {
        internal WatchedJob(string id, GenieJob? known)
        {
            Id = id;
            Name = known?.Name;
            User = known?.User;
            Status = known?.Status;
            Created = known?.Created ?? known?.Started;
        }

        public string Id { get; }
        public string? Name { get; internal set; }
        public string? User { get; internal set; }
        public string? Status { get; internal set; }
        public DateTimeOffset? Created { get; internal set; }
        internal DateTimeOffset LastPolled { get; set; } = DateTimeOffset.MinValue;
        internal bool Known => Created.HasValue;
    }

    /// <summary>
    /// Follows many Genie jobs to their end with a bounded request rate. Few jobs are polled one by one
    /// (GET /jobs/{id}: status and full job in one request). When polling one by one would exceed the rate,
    /// one search of recently finished jobs (§5.2, minFinished) covers them all, and the remaining budget polls
    /// the least recently polled jobs one by one, so nothing depends on the sweep alone.
    /// Not thread-safe: call <see cref="PollOnceAsync"/> from one thread, then wait <see cref="NextDelay"/>.
    /// </summary>
    public sealed class JobWatcher
    {
        private readonly GenieClient _client;
        private readonly JobWatchOptions _options;
        private readonly Dictionary<string, WatchedJob> _pending = new Dictionary<string, WatchedJob>(StringComparer.Ordinal);
        private readonly Queue<string> _failedToFetch = new Queue<string>();
        private readonly DateTimeOffset _started;
        private readonly Func<DateTimeOffset> _clock;
        private DateTimeOffset? _lastSweep;
        private int _consecutiveFailures;

        public JobWatcher(GenieClient client, IEnumerable<KeyValuePair<string, GenieJob?>> jobs, JobWatchOptions? options = null, Func<DateTimeOffset>? clock = null)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _options = options ?? new JobWatchOptions();
            _clock = clock ?? (() => DateTimeOffset.UtcNow);
            _started = _clock();
            foreach (var pair in jobs)
                if (!_pending.ContainsKey(pair.Key)) _pending.Add(pair.Key, new WatchedJob(pair.Key, pair.Value));
        }

        /// <summary>Jobs not yet finished.</summary>
        public IReadOnlyCollection<WatchedJob> Pending => _pending.Values;

        /// <summary>Requests sent so far.</summary>
        public long RequestCount { get; private set; }

        /// <summary>The error of the last failed poll, while failures are consecutive.</summary>
        public GenieException? LastTransientError { get; private set; }

        /// <summary>Time to wait before the next poll: quick at first, a tenth of the wait so far later on.</summary>
        public TimeSpan NextDelay()
        {
            var elapsed = _clock() - _started;
            var ticks = Math.Max(_options.MinInterval.Ticks, Math.Min(_options.MaxInterval.Ticks, elapsed.Ticks / 10));
            return TimeSpan.FromTicks(ticks);
        }

        private int BudgetPerPoll() => Math.Max(1, (int)Math.Floor(_options.MaxRequestsPerSecond * NextDelay().TotalSeconds));

        /// <summary>
        /// One polling round within the request budget. Returns the jobs that finished (or can no longer be watched).
        /// Transient failures are swallowed until <see cref="JobWatchOptions.MaxConsecutiveFailures"/> in a row, then rethrown.
        /// </summary>
        public async Task<IReadOnlyList<JobWatchEvent>> PollOnceAsync(CancellationToken ct)
        {
            var events = new List<JobWatchEvent>();
            if (_pending.Count == 0) return events;
            var budget = BudgetPerPoll();
            try
            {
                var unknown = _pending.Values.Where(j => !j.Known).Take(budget).ToList();
                var individually = _pending.Count <= budget
                    ? _pending.Values.ToList()
                    : unknown;
                if (_pending.Count > budget)
                {
                    if (_pending.Values.Any(j => j.Known))
                    {
                        budget -= await SweepAsync(events, ct).ConfigureAwait(false);
                    }
                    // leftover budget: the least recently polled jobs, one by one (unknown ones first)
                    var extra = _pending.Values.Where(j => j.Known && !unknown.Contains(j))
                        .OrderBy(j => j.LastPolled).Take(Math.Max(0, budget - unknown.Count));
                    individually = unknown.Concat(extra).ToList();
                }
                foreach (var job in individually)
                {
                    if (!_pending.ContainsKey(job.Id)) continue;
                    await PollOneAsync(job, events, ct).ConfigureAwait(false);
                }
                _consecutiveFailures = 0;
                LastTransientError = null;
            }
            catch (GenieException ex) when (IsTransient(ex))
            {
                LastTransientError = ex;
                if (++_consecutiveFailures >= _options.MaxConsecutiveFailures) throw;
            }
            return events;
        }

        /// <summary>Stops watching a job (for example after the caller killed it).</summary>
        public void Forget(string id) => _pending.Remove(id);

        private async Task PollOneAsync(WatchedJob watched, List<JobWatchEvent> events, CancellationToken ct)
        {
            RequestCount++;
            watched.LastPolled = _clock();
            try
            {
                var job = await _client.GetJobAsync(watched.Id, ct).ConfigureAwait(false);
                watched.Status = job.Status;
                watched.Name = job.Name;
                watched.User = job.User;
                watched.Created = job.Created ?? job.Started ?? _clock();
                if (job.IsFinished)
                {
                    _pending.Remove(watched.Id);
                    events.Add(JobWatchEvent.Finished(job));
                }
            }
            catch (GenieApiException ex) when (ex.IsNotFound)
            {
                _pending.Remove(watched.Id);
                events.Add(JobWatchEvent.Failed(watched.Id, ex));
            }
        }

        /// <summary>Searches jobs finished since the last sweep; returns the number of requests it sent.</summary>
        private async Task<int> SweepAsync(List<JobWatchEvent> events, CancellationToken ct)
        {
            var now = _clock();
            var since = _lastSweep.HasValue
                ? _lastSweep.Value - _options.SweepOverlap
                : _pending.Values.Where(j => j.Known).Min(j => j.Created!.Value) - _options.SweepOverlap;
            var users = _pending.Values.Select(j => j.User).Distinct().ToList();
            var query = new JobSearchQuery
            {
                Status = GenieJobStatus.Finished,
                MinFinished = since.ToUnixTimeMilliseconds(),
                User = users.Count == 1 ? users[0] : null,
                Size = 1000,
                Sort = "finished,desc",
            };
            var requests = 0;
            var page = 0;
            while (true)
            {
                requests++;
                RequestCount++;
                var result = await _client.Api.SearchJobsAsync(query.ForPage(page), ct).ConfigureAwait(false);
                foreach (var item in result.Items<JobSearchResultDto>("jobSearchResultList"))
                {
                    if (item.Id == null || !_pending.TryGetValue(item.Id, out var watched)) continue;
                    var summary = GenieJob.FromSearchResult(item, _client.BaseUri);
                    if (!summary.IsFinished) continue;
                    _pending.Remove(item.Id);
                    if (GenieJobStatus.IsFailure(summary.Status))
                    {
                        // failures deserve the full record (status message) for the error the caller writes
                        requests++;
                        RequestCount++;
                        try { summary = await _client.GetJobAsync(item.Id, ct).ConfigureAwait(false); }
                        catch (GenieApiException ex) when (ex.IsNotFound) { }
                    }
                    events.Add(JobWatchEvent.Finished(summary));
                }
                var info = result.Page;
                if (info == null || info.TotalPages <= info.Number + 1) break;
                page = info.Number + 1;
            }
            _lastSweep = now;
            return requests;
        }

        private static bool IsTransient(GenieException ex) => ex switch
        {
            GenieConnectionException _ => true,
            GenieApiException api => (int)api.StatusCode >= 500 || (int)api.StatusCode == 429 || (int)api.StatusCode == 408,
            _ => false,
        };
    }
}
