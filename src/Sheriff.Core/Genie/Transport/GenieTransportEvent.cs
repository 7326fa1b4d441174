using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>What happened on the wire that a user may want to see in -Verbose.</summary>
    public enum GenieTransportEventKind
    {
        /// <summary>An attempt failed and the request will be sent again after <see cref="GenieTransportEvent.Delay"/>.</summary>
        Retry,
        /// <summary>An attempt failed and no retry is left (attempts, time budget, or a failure that is never retried after the first).</summary>
        GaveUp,
        /// <summary>A 401 made the credential fetch a new token; the request is sent once more.</summary>
        AuthRefresh,
        /// <summary>An OAuth2 access token was fetched, or a token command was run.</summary>
        TokenFetched,
        /// <summary>A retried submission met 409 for its own id and re-attached to the job it had created.</summary>
        Reattached,
        /// <summary>Anything else worth a verbose line.</summary>
        Info,
    }

    /// <summary>
    /// One transport event. <see cref="Message"/> is ready for -Verbose and never holds a secret (no header, no token,
    /// no body): e.g. "Genie GET /api/v3/jobs/x: 503 Service Unavailable; retry 2 of 4 in 1.3 s".
    /// </summary>
    public sealed class GenieTransportEvent : EventArgs
    {
        public GenieTransportEvent(GenieTransportEventKind kind, string method, string path, string message)
        {
            Kind = kind;
            Method = method;
            Path = path;
            Message = message;
            Time = DateTimeOffset.UtcNow;
        }

        public GenieTransportEventKind Kind { get; }
        /// <summary>HTTP method of the request ("GET", "POST" ...).</summary>
        public string Method { get; }
        /// <summary>Request path, starting with '/'.</summary>
        public string Path { get; }
        public string Message { get; }
        public DateTimeOffset Time { get; }
        /// <summary>The attempt that just ended (1 = the first).</summary>
        public int Attempt { get; internal set; }
        /// <summary>The policy's attempt limit.</summary>
        public int MaxAttempts { get; internal set; }
        /// <summary>For <see cref="GenieTransportEventKind.Retry"/>: the wait before the next attempt.</summary>
        public TimeSpan? Delay { get; internal set; }
        /// <summary>The HTTP status that failed the attempt, if it was an answer.</summary>
        public int? StatusCode { get; internal set; }
        /// <summary>The failure kind (None for statuses that are not retried).</summary>
        public TransportFailureKind Failure { get; internal set; }
        /// <summary>Short reason: "503 Service Unavailable", "connection refused", "no answer within 100 s".</summary>
        public string? Reason { get; internal set; }
        /// <summary>The cancellation token the caller passed to the request (lets a cmdlet pick its own events).</summary>
        public CancellationToken CallerToken { get; internal set; }

        public override string ToString() => Message;
    }

    /// <summary>
    /// Counters of one client's traffic, for tests, benchmarks and docs/reliability.md figures. Thread-safe.
    /// </summary>
    public sealed class GenieTransportStatistics
    {
        private long _attempts, _retries, _gaveUp, _reattached, _tokenFetches, _authReplays;
        private readonly Dictionary<string, long> _retriesByReason = new Dictionary<string, long>(StringComparer.Ordinal);

        /// <summary>Attempts sent (each retry is one more).</summary>
        public long Attempts => Interlocked.Read(ref _attempts);
        public long Retries => Interlocked.Read(ref _retries);
        /// <summary>Requests that failed after retrying or with a retryable failure they were not allowed to retry.</summary>
        public long GaveUp => Interlocked.Read(ref _gaveUp);
        /// <summary>Submissions that met 409 for their own id and re-attached.</summary>
        public long Reattached => Interlocked.Read(ref _reattached);
        /// <summary>OAuth2 tokens fetched and token commands run.</summary>
        public long TokenFetches => Interlocked.Read(ref _tokenFetches);
        /// <summary>Requests sent again after a 401 refreshed the credential.</summary>
        public long AuthReplays => Interlocked.Read(ref _authReplays);

        /// <summary>Retries by kind: "503", "429", "502", "504", "connect", "connection", "timeout".</summary>
        public IReadOnlyDictionary<string, long> RetriesByReason
        {
            get { lock (_retriesByReason) return _retriesByReason.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal); }
        }

        internal void CountAttempt() => Interlocked.Increment(ref _attempts);
        internal void CountGaveUp() => Interlocked.Increment(ref _gaveUp);
        internal void CountReattached() => Interlocked.Increment(ref _reattached);
        internal void CountTokenFetch() => Interlocked.Increment(ref _tokenFetches);
        internal void CountAuthReplay() => Interlocked.Increment(ref _authReplays);

        internal void CountRetry(string reasonKey)
        {
            Interlocked.Increment(ref _retries);
            lock (_retriesByReason)
            {
                _retriesByReason.TryGetValue(reasonKey, out var n);
                _retriesByReason[reasonKey] = n + 1;
            }
        }

        public override string ToString()
            => $"{Attempts} attempts, {Retries} retries ({string.Join(", ", RetriesByReason.Select(p => p.Key + ": " + p.Value))}), {GaveUp} gave up, {Reattached} re-attached";
    }
}
