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
        /// <summary>
        /// How many consecutive failed polls (connection errors, 5xx, 429, each after the request's own retries) end the
        /// wait with a <see cref="GenieContactLostException"/>. The session's <see cref="Transport.GenieClientOptions.MaxConsecutiveFailures"/>.
        /// </summary>
        public int MaxConsecutiveFailures { get; set; } = 10;
        /// <summary>Overlap of successive finished-job sweeps, covering clock skew between client and server.</summary>
        public TimeSpan SweepOverlap { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>How far back the first sweep looks for jobs known only by id (older ones are found one by one).</summary>
        public TimeSpan Lookback { get; set; } = TimeSpan.FromHours(24);
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
        private readonly Dictionary<string, GenieJob> _failedSummaries = new Dictionary<string, GenieJob>(StringComparer.Ordinal);
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

        /// <summary>Polls failed in a row so far (0 after a poll that worked).</summary>
        public int ConsecutiveFailures { get; private set; }

        private DateTimeOffset? _firstFailure;

        /// <summary>The error of the last failed poll, while failures are consecutive.</summary>
        public GenieException? LastTransientError { get; private set; }

        /// <summary>Time to wait before the next poll: quick at first, a tenth of the wait so far later on.</summary>
        public TimeSpan NextDelay()
        {
            var elapsed = _clock() - _started;
            var ticks = Math.Max(_options.MinInterval.Ticks, Math.Min(_options.MaxInterval.Ticks, elapsed.Ticks / 10));
            return TimeSpan.FromTicks(ticks);
        }

        /// <summary>
        /// Request tokens: they accrue at <see cref="JobWatchOptions.MaxRequestsPerSecond"/> up to one poll interval's
        /// worth, and every request spends one, so over any stretch of time the rate stays within the bound.
        /// </summary>
        private double _tokens = -1;
        private DateTimeOffset _tokensAt;

        private int TakeBudget()
        {
            var now = _clock();
            var cap = Math.Max(1, _options.MaxRequestsPerSecond * Math.Max(NextDelay().TotalSeconds, _options.MinInterval.TotalSeconds));
            _tokens = _tokens < 0 ? cap : Math.Min(cap, _tokens + (now - _tokensAt).TotalSeconds * _options.MaxRequestsPerSecond);
            _tokensAt = now;
            return (int)Math.Floor(_tokens);
        }

        private void Spend(int requests) => _tokens -= requests;

        /// <summary>
        /// One polling round within the request budget. Returns the jobs that finished (or can no longer be watched).
        /// Transient failures are swallowed until <see cref="JobWatchOptions.MaxConsecutiveFailures"/> in a row, then rethrown.
        /// </summary>
        public async Task<IReadOnlyList<JobWatchEvent>> PollOnceAsync(CancellationToken ct)
        {
            var events = new List<JobWatchEvent>();
            if (_pending.Count == 0) return events;
            var budget = TakeBudget();
            if (budget < 1) return events;
            try
            {
                List<WatchedJob> individually;
                if (_pending.Count <= budget)
                {
                    individually = _pending.Values.ToList();
                }
                else
                {
                    // Many jobs: one search of recently finished jobs covers them all (known or known only by id);
                    // what budget is left polls the least recently polled jobs one by one.
                    budget -= await SweepAsync(events, budget, ct).ConfigureAwait(false);
                    individually = _pending.Values.OrderBy(j => j.Known).ThenBy(j => j.LastPolled).Take(Math.Max(0, budget)).ToList();
                }
                foreach (var job in individually)
                {
                    if (!_pending.ContainsKey(job.Id)) continue;
                    await PollOneAsync(job, events, ct).ConfigureAwait(false);
                }
                _consecutiveFailures = 0;
                ConsecutiveFailures = 0;
                _firstFailure = null;
                LastTransientError = null;
            }
            catch (GenieException ex) when (IsTransient(ex))
            {
                LastTransientError = ex;
                _firstFailure ??= _clock();
                ConsecutiveFailures = ++_consecutiveFailures;
                if (_consecutiveFailures >= _options.MaxConsecutiveFailures)
                    throw new GenieContactLostException(_client.BaseUri, _consecutiveFailures, _clock() - _firstFailure.Value, ex);
            }
            return events;
        }

        /// <summary>Stops watching a job (for example after the caller killed it).</summary>
        public void Forget(string id) => _pending.Remove(id);

        private async Task PollOneAsync(WatchedJob watched, List<JobWatchEvent> events, CancellationToken ct)
        {
            RequestCount++;
            Spend(1);
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

        /// <summary>
        /// Searches jobs finished since the last sweep (first time: since the earliest job we know of, or
        /// <see cref="JobWatchOptions.Lookback"/> for jobs known only by id), within <paramref name="budget"/> requests.
        /// Returns the number of requests it sent.
        /// </summary>
        private async Task<int> SweepAsync(List<JobWatchEvent> events, int budget, CancellationToken ct)
        {
            var now = _clock();
            DateTimeOffset since;
            if (_lastSweep.HasValue) since = _lastSweep.Value - _options.SweepOverlap;
            else
            {
                var earliestKnown = _pending.Values.Where(j => j.Known).Select(j => j.Created!.Value).DefaultIfEmpty(now).Min();
                since = (_pending.Values.Any(j => !j.Known) ? Min(earliestKnown, _started - _options.Lookback) : earliestKnown) - _options.SweepOverlap;
            }
            var users = _pending.Values.Select(j => j.User).Distinct().ToList();
            var query = new JobSearchQuery
            {
                Status = GenieJobStatus.Finished,
                MinFinished = since.ToUnixTimeMilliseconds(),
                // only when every job is known to belong to one user: a narrower search, never a missed job
                User = users.Count == 1 && users[0] != null ? users[0] : null,
                Size = 1000,
                Sort = "finished,desc",
            };
            var requests = 0;
            var page = 0;
            var complete = false;
            while (requests < budget)
            {
                requests++;
                RequestCount++;
                Spend(1);
                var q = query.ForPage(page);
                var result = await _client.Call("GET", "api/v3/jobs", () => _client.Api.SearchJobsAsync(q, ct), ct).ConfigureAwait(false);
                foreach (var item in result.Items<JobSearchResultDto>("jobSearchResultList"))
                {
                    if (item.Id == null || !_pending.ContainsKey(item.Id)) continue;
                    var summary = GenieJob.FromSearchResult(item, _client.BaseUri);
                    if (!summary.IsFinished) continue;
                    if (!GenieJobStatus.IsFailure(summary.Status))
                    {
                        _pending.Remove(item.Id);
                        events.Add(JobWatchEvent.Finished(summary));
                    }
                    else if (!_failedSummaries.ContainsKey(item.Id))
                    {
                        // stays pending until its full record is fetched below (or on a later round)
                        _failedSummaries[item.Id] = summary;
                        _failedToFetch.Enqueue(item.Id);
                    }
                }
                var info = result.Page;
                if (info == null || info.TotalPages <= info.Number + 1) { complete = true; break; }
                page = info.Number + 1;
            }
            // failures deserve the full record (the status message) for the error the caller writes: within the budget
            while (_failedToFetch.Count > 0 && requests < budget)
            {
                var id = _failedToFetch.Dequeue();
                var summary = _failedSummaries[id];
                _failedSummaries.Remove(id);
                if (!_pending.ContainsKey(id)) continue; // polled one by one meanwhile
                requests++;
                RequestCount++;
                Spend(1);
                try { summary = await _client.GetJobAsync(id, ct).ConfigureAwait(false); }
                catch (GenieApiException ex) when (ex.IsNotFound) { }
                _pending.Remove(id);
                events.Add(JobWatchEvent.Finished(summary));
            }
            if (complete) _lastSweep = now;
            return requests;
        }

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

        private static bool IsTransient(GenieException ex) => ex switch
        {
            GenieTlsException _ => false,
            GenieContactLostException _ => false,
            GenieConnectionException _ => true,
            GenieApiException api => (int)api.StatusCode >= 500 || (int)api.StatusCode == 429 || (int)api.StatusCode == 408,
            _ => false,
        };
    }
}
