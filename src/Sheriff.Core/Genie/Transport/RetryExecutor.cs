using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Refit;
using Sheriff.Core.Auth;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>What one call learnt about its attempts (for idempotent submit).</summary>
    internal sealed class CallState
    {
        /// <summary>Attempts started so far.</summary>
        public int Attempts;
        /// <summary>True once a failed (and retried or given-up) attempt may have reached the server: anything but a refused connection.</summary>
        public bool MayHaveReachedServer;
        /// <summary>Runs before every attempt.</summary>
        public Action<int>? BeforeAttempt;
    }

    /// <summary>
    /// The retry loop shared by every Genie request and the OAuth2 token request. Each attempt calls the factory
    /// again, so the request (and any attachment stream) is built anew. Waits honour the caller's token.
    /// </summary>
    internal sealed class RetryExecutor
    {
        private readonly Func<RetryPolicy> _policy;
        private readonly Func<TimeSpan> _requestTimeout;
        private readonly GenieTransportStatistics _stats;
        private readonly Action<GenieTransportEvent> _report;
        private readonly GenieCredential? _credential;
        private readonly Random _random = new Random();

        public RetryExecutor(Func<RetryPolicy> policy, Func<TimeSpan> requestTimeout, GenieTransportStatistics stats,
            Action<GenieTransportEvent> report, GenieCredential? credential)
        {
            _policy = policy;
            _requestTimeout = requestTimeout;
            _stats = stats;
            _report = report;
            _credential = credential;
        }

        private double NextUnitRandom()
        {
            lock (_random) return _random.NextDouble();
        }

        public async Task<T> ExecuteAsync<T>(string method, string path, Func<Task<T>> attempt, bool idempotent, CancellationToken ct,
            CallState? state = null, string label = "Genie")
        {
            var policy = _policy();
            var clock = Stopwatch.StartNew();
            var attemptNo = 0;
            var authReplayed = false;
            var displayPath = path.IndexOf("://", StringComparison.Ordinal) > 0 ? path : "/" + path.TrimStart('/');
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                attemptNo++;
                if (state != null)
                {
                    state.Attempts = attemptNo;
                    state.BeforeAttempt?.Invoke(attemptNo);
                }
                _stats.CountAttempt();

                TransportFailureKind kind;
                HttpStatusCode? status = null;
                TimeSpan? retryAfter = null;
                string reason;
                Exception? error = null;
                HttpResponseMessage? failedResponse = null;
                try
                {
                    var result = await attempt().ConfigureAwait(false);
                    if (result is HttpResponseMessage response)
                    {
                        if (response.StatusCode == HttpStatusCode.Unauthorized && CanReplayAuth(authReplayed))
                        {
                            response.Dispose();
                            authReplayed = true;
                            attemptNo--;
                            ReportAuthRefresh(method, displayPath, ct);
                            continue;
                        }
                        if (!TransportFailure.IsRetryableStatus(response.StatusCode)) return result;
                        kind = TransportFailureKind.RetryableStatus;
                        status = response.StatusCode;
                        retryAfter = RetryPolicy.ParseRetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
                        reason = HttpStatusText.Describe(response.StatusCode, response.ReasonPhrase);
                        failedResponse = response;
                        if (state != null) state.MayHaveReachedServer = true;
                    }
                    else
                    {
                        return result;
                    }
                }
                catch (ApiException ex) when (!ct.IsCancellationRequested)
                {
                    if (ex.StatusCode == HttpStatusCode.Unauthorized && CanReplayAuth(authReplayed))
                    {
                        authReplayed = true;
                        attemptNo--;
                        ReportAuthRefresh(method, displayPath, ct);
                        continue;
                    }
                    error = ex;
                    if (state != null) state.MayHaveReachedServer = true;
                    if (TransportFailure.IsRetryableStatus(ex.StatusCode))
                    {
                        kind = TransportFailureKind.RetryableStatus;
                        status = ex.StatusCode;
                        retryAfter = RetryPolicy.ParseRetryAfter(ex.Headers?.RetryAfter, DateTimeOffset.UtcNow);
                        reason = HttpStatusText.Describe(ex.StatusCode, ex.ReasonPhrase);
                    }
                    else if ((int)ex.StatusCode < 300 && ex.InnerException != null
                             && TransportFailure.Classify(ex.InnerException) == TransportFailureKind.ConnectionLost)
                    {
                        // the answer started, then the connection broke while its body was read
                        kind = TransportFailureKind.ConnectionLost;
                        reason = TransportFailure.Describe(ex.InnerException, _requestTimeout());
                    }
                    else throw;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && !(ex is GenieException))
                {
                    error = ex;
                    kind = ex is OperationCanceledException ? TransportFailureKind.Timeout : TransportFailure.Classify(ex);
                    if (kind == TransportFailureKind.None || kind == TransportFailureKind.Tls) throw;
                    if (kind != TransportFailureKind.ConnectFailed && state != null) state.MayHaveReachedServer = true;
                    reason = ex is OperationCanceledException
                        ? $"no answer within {_requestTimeout().TotalSeconds:0.#} s"
                        : TransportFailure.Describe(ex, _requestTimeout());
                }

                // A retryable failure: may it be retried, and is there time and an attempt left?
                var elapsed = clock.Elapsed;
                string? refusal = null;
                TimeSpan delay = TimeSpan.Zero;
                if (!TransportFailure.MayRetry(kind, idempotent))
                    refusal = $"not retried: a {method} may have reached the server";
                else if (attemptNo >= policy.MaxAttempts)
                    refusal = policy.MaxAttempts == 1 ? "retries are off" : $"giving up after {attemptNo} attempts over {elapsed.TotalSeconds:0.#} s";
                else
                {
                    delay = policy.DelayBeforeRetry(attemptNo, NextUnitRandom(), retryAfter);
                    if (elapsed + delay > policy.MaxTotalTime)
                    {
                        refusal = retryAfter.HasValue && retryAfter.Value >= delay
                            ? $"giving up: Retry-After {retryAfter.Value.TotalSeconds:0.#} s is beyond the retry budget of {policy.MaxTotalTime.TotalSeconds:0.#} s"
                            : $"giving up after {attemptNo} attempts over {elapsed.TotalSeconds:0.#} s (retry budget {policy.MaxTotalTime.TotalSeconds:0.#} s)";
                    }
                }

                if (refusal != null)
                {
                    _stats.CountGaveUp();
                    _report(new GenieTransportEvent(GenieTransportEventKind.GaveUp, method, displayPath,
                        $"{label} {method} {displayPath}: {reason}; {refusal}")
                    {
                        Attempt = attemptNo, MaxAttempts = policy.MaxAttempts, StatusCode = (int?)status, Failure = kind, Reason = reason, CallerToken = ct,
                    });
                    if (failedResponse != null) return (T)(object)failedResponse;
                    if (error != null)
                    {
                        if (error is GenieException) throw error;
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
                    }
                    throw new InvalidOperationException("unreachable");
                }

                failedResponse?.Dispose();
                _stats.CountRetry(ReasonKey(kind, status));
                var retryAfterNote = retryAfter.HasValue && retryAfter.Value >= delay ? " (Retry-After)" : "";
                _report(new GenieTransportEvent(GenieTransportEventKind.Retry, method, displayPath,
                    string.Format(CultureInfo.InvariantCulture, "{7} {0} {1}: {2}; retry {3} of {4} in {5:0.0} s{6}",
                        method, displayPath, reason, attemptNo, policy.MaxAttempts - 1, delay.TotalSeconds, retryAfterNote, label))
                {
                    Attempt = attemptNo, MaxAttempts = policy.MaxAttempts, Delay = delay, StatusCode = (int?)status, Failure = kind, Reason = reason, CallerToken = ct,
                });
                if (delay > TimeSpan.Zero) await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }

        private bool CanReplayAuth(bool alreadyReplayed) => !alreadyReplayed && _credential != null && _credential.CanRefresh;

        private void ReportAuthRefresh(string method, string path, CancellationToken ct)
        {
            _stats.CountAuthReplay();
            _report(new GenieTransportEvent(GenieTransportEventKind.AuthRefresh, method, path,
                $"Genie {method} {path}: 401 Unauthorized; getting a new token from {_credential!.Description} and sending the request once more")
            {
                StatusCode = 401, Reason = "401 Unauthorized", CallerToken = ct,
            });
        }

        private static string ReasonKey(TransportFailureKind kind, HttpStatusCode? status) => kind switch
        {
            TransportFailureKind.RetryableStatus => ((int)status!.Value).ToString(CultureInfo.InvariantCulture),
            TransportFailureKind.ConnectFailed => "connect",
            TransportFailureKind.Timeout => "timeout",
            _ => "connection",
        };
    }
}
