using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>What kind of failure ended an attempt, as far as retrying is concerned.</summary>
    public enum TransportFailureKind
    {
        /// <summary>Not a transport failure (a definitive answer): never retried.</summary>
        None,
        /// <summary>The connection could not be made (refused, DNS, unreachable): the request provably never reached the server.</summary>
        ConnectFailed,
        /// <summary>The connection broke while the request or response was in flight (reset, EOF, truncated body).</summary>
        ConnectionLost,
        /// <summary>No answer within the request timeout.</summary>
        Timeout,
        /// <summary>The server answered a status that says "try again later": 502, 503, 504 or 429.</summary>
        RetryableStatus,
        /// <summary>TLS failed (for example an untrusted certificate): retrying cannot help.</summary>
        Tls,
    }

    /// <summary>
    /// The retry rules: which failures are retried for which requests.
    /// <list type="bullet">
    /// <item>Idempotent requests (GET, HEAD, PUT, PATCH, DELETE, and POST /jobs, which carries a client id): connection
    /// failures, timeouts, 502/503/504 and 429.</item>
    /// <item>Other POSTs: only failures where the request provably never reached the server (connection refused, DNS).</item>
    /// <item>Never: other 4xx (400, 401, 403, 404, 409, 412, 413 …), and 500, which may have done the work before failing.</item>
    /// </list>
    /// </summary>
    public static class TransportFailure
    {
        /// <summary>Statuses retried for idempotent requests.</summary>
        public static bool IsRetryableStatus(HttpStatusCode status)
        {
            var code = (int)status;
            return code == 429 || code == 502 || code == 503 || code == 504;
        }

        /// <summary>True for methods that may be repeated without changing the result.</summary>
        public static bool IsIdempotentMethod(string method)
        {
            switch ((method ?? "").ToUpperInvariant())
            {
                case "GET": case "HEAD": case "OPTIONS": case "PUT": case "PATCH": case "DELETE": return true;
                default: return false;
            }
        }

        /// <summary>Whether a failure of this kind may be retried, for an idempotent request or not.</summary>
        public static bool MayRetry(TransportFailureKind kind, bool idempotent)
        {
            switch (kind)
            {
                case TransportFailureKind.ConnectFailed: return true;
                case TransportFailureKind.ConnectionLost:
                case TransportFailureKind.Timeout:
                case TransportFailureKind.RetryableStatus: return idempotent;
                default: return false;
            }
        }

        /// <summary>Classifies an exception thrown while sending (HttpClient, Refit, sockets, the timeout handler).</summary>
        public static TransportFailureKind Classify(Exception ex)
        {
            var sawHttpOrIo = false;
            for (var e = ex; e != null; e = e.InnerException)
            {
                switch (e)
                {
                    case GenieException _:
                        return TransportFailureKind.None; // already decided (e.g. a credential that failed)
                    case RequestTimedOutException _:
                        return TransportFailureKind.Timeout;
                    case System.Security.Authentication.AuthenticationException _:
                        return TransportFailureKind.Tls;
                    case SocketException s:
                        return IsConnectError(s.SocketErrorCode) ? TransportFailureKind.ConnectFailed : TransportFailureKind.ConnectionLost;
                    case WebException w when w.Status == WebExceptionStatus.ConnectFailure || w.Status == WebExceptionStatus.NameResolutionFailure:
                        return TransportFailureKind.ConnectFailed;
                    case WebException w when w.Status == WebExceptionStatus.TrustFailure || w.Status == WebExceptionStatus.SecureChannelFailure:
                        return TransportFailureKind.Tls;
                    case HttpRequestException h:
                        sawHttpOrIo = true;
#if NET8_0_OR_GREATER
                        if (h.HttpRequestError == HttpRequestError.NameResolutionError) return TransportFailureKind.ConnectFailed;
                        if (h.HttpRequestError == HttpRequestError.SecureConnectionError) return TransportFailureKind.Tls;
#endif
                        break;
                    case IOException _:
                    case ObjectDisposedException _:
                        sawHttpOrIo = true;
                        break;
                }
            }
            return sawHttpOrIo ? TransportFailureKind.ConnectionLost : TransportFailureKind.None;
        }

        private static bool IsConnectError(SocketError error)
        {
            switch (error)
            {
                case SocketError.ConnectionRefused:
                case SocketError.HostNotFound:
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                case SocketError.TryAgain:
                case SocketError.NoData:
                case SocketError.AddressNotAvailable:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>A short, secret-free reason for messages: "connection refused", "no answer within 100 s" ...</summary>
        public static string Describe(Exception ex, TimeSpan requestTimeout)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                switch (e)
                {
                    case RequestTimedOutException t:
                        return $"no answer within {t.Timeout.TotalSeconds:0.#} s";
                    case SocketException s:
                        switch (s.SocketErrorCode)
                        {
                            case SocketError.ConnectionRefused: return "connection refused";
                            case SocketError.ConnectionReset: return "connection reset";
                            case SocketError.HostNotFound: case SocketError.TryAgain: case SocketError.NoData: return "host not found";
                            case SocketError.HostUnreachable: case SocketError.NetworkUnreachable: case SocketError.NetworkDown: return "network unreachable";
                        }
                        break;
                }
            }
            var inner = ex;
            while (inner.InnerException != null) inner = inner.InnerException;
            var message = inner.Message.Trim().TrimEnd('.');
            return message.Length == 0 ? inner.GetType().Name : message;
        }
    }

    /// <summary>Thrown by the timeout handler when one attempt got no answer within the request timeout.</summary>
    public sealed class RequestTimedOutException : TimeoutException
    {
        public RequestTimedOutException(TimeSpan timeout, Exception? inner = null)
            : base($"No answer within {timeout.TotalSeconds:0.#} s.", inner) => Timeout = timeout;

        public TimeSpan Timeout { get; }
    }
}
