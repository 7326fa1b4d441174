using System;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>
    /// How a Genie request is retried: bounded attempts and total time, exponential backoff with full jitter
    /// (each delay is uniform in [0, min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> × 2^(retry−1))]), and the
    /// server's Retry-After honoured on 429 and 503. Which failures are retried is decided by <see cref="TransportFailure"/>.
    /// </summary>
    public sealed class RetryPolicy
    {
        /// <summary>Default attempts per request (the first one included).</summary>
        public const int DefaultMaxAttempts = 5;
        public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(500);
        public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan DefaultMaxTotalTime = TimeSpan.FromMinutes(2);

        /// <summary>Attempts per request, the first one included: 1 means no retry. Default 5.</summary>
        public int MaxAttempts { get; set; } = DefaultMaxAttempts;

        /// <summary>The backoff ceiling of the first retry; it doubles for each further retry. Default 500 ms.</summary>
        public TimeSpan BaseDelay { get; set; } = DefaultBaseDelay;

        /// <summary>The largest backoff ceiling. Default 30 s.</summary>
        public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;

        /// <summary>
        /// No retry is started once this much time has passed since the first attempt began, and no retry is
        /// scheduled whose wait would end after it (a Retry-After beyond it gives up at once). Default 2 minutes.
        /// Attempts already running are bounded by the request timeout, not by this budget.
        /// </summary>
        public TimeSpan MaxTotalTime { get; set; } = DefaultMaxTotalTime;

        /// <summary>A policy that never retries.</summary>
        public static RetryPolicy None => new RetryPolicy { MaxAttempts = 1 };

        public RetryPolicy Clone() => (RetryPolicy)MemberwiseClone();

        /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
        public void Validate()
        {
            if (MaxAttempts < 1 || MaxAttempts > 100) throw new ArgumentException($"The retry policy's maxAttempts must be between 1 and 100, not {MaxAttempts}.");
            if (BaseDelay < TimeSpan.Zero) throw new ArgumentException("The retry policy's baseDelay cannot be negative.");
            if (MaxDelay < BaseDelay) throw new ArgumentException("The retry policy's maxDelay cannot be smaller than its baseDelay.");
            if (MaxTotalTime < TimeSpan.Zero) throw new ArgumentException("The retry policy's maxTotalTime cannot be negative.");
        }

        /// <summary>The backoff ceiling before retry number <paramref name="retry"/> (1 = the first retry).</summary>
        public TimeSpan BackoffCeiling(int retry)
        {
            if (retry < 1) throw new ArgumentOutOfRangeException(nameof(retry));
            var factor = Math.Pow(2, Math.Min(retry - 1, 40));
            var ticks = BaseDelay.Ticks * factor;
            return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
        }

        /// <summary>
        /// The full-jitter delay before retry number <paramref name="retry"/>: <paramref name="unitRandom"/> (in [0, 1))
        /// times the backoff ceiling. A pure function, so its bounds can be tested.
        /// </summary>
        public TimeSpan JitteredDelay(int retry, double unitRandom)
        {
            if (unitRandom < 0 || unitRandom >= 1) throw new ArgumentOutOfRangeException(nameof(unitRandom), "A unit random number is in [0, 1).");
            return TimeSpan.FromTicks((long)(BackoffCeiling(retry).Ticks * unitRandom));
        }

        /// <summary>
        /// The wait before a retry: the jittered backoff, or the server's Retry-After when that is longer.
        /// </summary>
        public TimeSpan DelayBeforeRetry(int retry, double unitRandom, TimeSpan? retryAfter)
        {
            var delay = JitteredDelay(retry, unitRandom);
            return retryAfter.HasValue && retryAfter.Value > delay ? retryAfter.Value : delay;
        }

        /// <summary>
        /// The wait a Retry-After header asks for: delta-seconds, or an HTTP date (relative to <paramref name="now"/>;
        /// a date in the past is zero). Null when there is no usable header.
        /// </summary>
        public static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
        {
            if (header == null) return null;
            if (header.Delta.HasValue) return header.Delta.Value < TimeSpan.Zero ? TimeSpan.Zero : header.Delta.Value;
            if (header.Date.HasValue) return header.Date.Value <= now ? TimeSpan.Zero : header.Date.Value - now;
            return null;
        }

        /// <summary>Parses a raw Retry-After value (delta-seconds or an RFC 1123 date); null when it is neither.</summary>
        public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var text = value!.Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds - 1));
            if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
                return date <= now ? TimeSpan.Zero : date - now;
            return null;
        }

        public override string ToString()
            => string.Format(CultureInfo.InvariantCulture, "{0} attempts, backoff {1:0.###}-{2:0.###} s, at most {3:0.#} s in all",
                MaxAttempts, BaseDelay.TotalSeconds, MaxDelay.TotalSeconds, MaxTotalTime.TotalSeconds);
    }

    /// <summary>HTTP statuses as Sheriff names them in messages ("503 Service Unavailable").</summary>
    public static class HttpStatusText
    {
        public static string Describe(HttpStatusCode status, string? reasonPhrase = null)
        {
            var code = (int)status;
            var reason = Known(code) ?? reasonPhrase;
            if (string.IsNullOrWhiteSpace(reason))
            {
                var name = status.ToString();
                reason = name == code.ToString(CultureInfo.InvariantCulture) ? null : SplitWords(name);
            }
            return string.IsNullOrEmpty(reason) ? code.ToString(CultureInfo.InvariantCulture) : code.ToString(CultureInfo.InvariantCulture) + " " + reason;
        }

        private static string? Known(int code) => code switch
        {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            408 => "Request Timeout",
            409 => "Conflict",
            412 => "Precondition Failed",
            413 => "Payload Too Large",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => null,
        };

        private static string SplitWords(string name)
        {
            var sb = new System.Text.StringBuilder(name.Length + 8);
            for (var i = 0; i < name.Length; i++)
            {
                if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1])) sb.Append(' ');
                sb.Append(name[i]);
            }
            return sb.ToString();
        }
    }
}
