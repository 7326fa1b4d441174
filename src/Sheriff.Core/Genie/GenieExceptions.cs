using System;
using System.Net;

namespace Sheriff.Core.Genie
{
    /// <summary>Base of every error Sheriff's Genie client raises.</summary>
    public class GenieException : Exception
    {
        public GenieException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// Genie answered with a non-success status. Keeps the HTTP status and Genie's own <c>message</c> (either
    /// error-body shape of genie-api.md §4.2); the raw body is kept for diagnostics.
    /// </summary>
    public class GenieApiException : GenieException
    {
        public GenieApiException(HttpStatusCode statusCode, string? genieMessage, string method, Uri? requestUri, string? body)
            : this(statusCode, genieMessage, method, requestUri, body, null)
        {
        }

        /// <summary>As above; <paramref name="note"/> is appended to the message (e.g. "(5 attempts over 12 s)").</summary>
        public GenieApiException(HttpStatusCode statusCode, string? genieMessage, string method, Uri? requestUri, string? body, string? note)
            : base(Describe(statusCode, genieMessage, method, requestUri) + (string.IsNullOrEmpty(note) ? "" : " " + note))
        {
            StatusCode = statusCode;
            GenieMessage = genieMessage;
            Method = method;
            RequestUri = requestUri;
            Body = body;
        }

        public HttpStatusCode StatusCode { get; }
        /// <summary>The <c>message</c> field of Genie's error body, when it had one.</summary>
        public string? GenieMessage { get; }
        public string Method { get; }
        public Uri? RequestUri { get; }
        public string? Body { get; }
        public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

        private static string Describe(HttpStatusCode status, string? message, string method, Uri? uri)
        {
            var what = $"Genie answered {(int)status} ({status}) to {method} {uri?.AbsolutePath}";
            return string.IsNullOrEmpty(message) ? what + "." : $"{what}: {message}";
        }
    }

    /// <summary>Genie could not be reached (connection refused, DNS, TLS, or the request timed out).</summary>
    public class GenieConnectionException : GenieException
    {
        public GenieConnectionException(Uri? uri, string message, Exception? inner = null) : base(message, inner) => Uri = uri;
        public Uri? Uri { get; }
    }

    /// <summary>A response Genie sent that this client cannot understand (not the documented shape).</summary>
    public class GenieProtocolException : GenieException
    {
        public GenieProtocolException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>An attempt got no answer within the request timeout (after any retries).</summary>
    public class GenieTimeoutException : GenieConnectionException
    {
        public GenieTimeoutException(Uri? uri, string message, TimeSpan timeout, Exception? inner = null) : base(uri, message, inner) => Timeout = timeout;
        public TimeSpan Timeout { get; }
    }

    /// <summary>The TLS handshake failed, typically because the server certificate is not trusted. Never retried.</summary>
    public class GenieTlsException : GenieConnectionException
    {
        public GenieTlsException(Uri? uri, string message, Exception? inner = null) : base(uri, message, inner) { }
    }

    /// <summary>
    /// A long wait (Wait-GenieJob, Get-GenieJobOutput -Follow) gave up after a run of consecutive failed polls:
    /// "lost contact with Genie at X after N consecutive failures over T s: &lt;last error&gt;".
    /// </summary>
    public class GenieContactLostException : GenieConnectionException
    {
        public GenieContactLostException(Uri? uri, int consecutiveFailures, TimeSpan duration, Exception lastError)
            : base(uri, $"Lost contact with Genie at {uri} after {consecutiveFailures} consecutive failures over {duration.TotalSeconds:0.#} s: {lastError.Message}", lastError)
        {
            ConsecutiveFailures = consecutiveFailures;
            Duration = duration;
        }

        public int ConsecutiveFailures { get; }
        public TimeSpan Duration { get; }
    }

    /// <summary>
    /// A submission met 409 for its id, and the job under that id is not one this process submitted with the same
    /// request (name and metadata.sheriff.requestHash): a different submission reusing the id.
    /// </summary>
    public class GenieJobIdConflictException : GenieApiException
    {
        public GenieJobIdConflictException(string jobId, string message, string? existingName, bool? sameRequest, Uri? requestUri, string? body)
            : base(HttpStatusCode.Conflict, message, "POST", requestUri, body)
        {
            JobId = jobId;
            ExistingName = existingName;
            SameRequest = sameRequest;
        }

        public string JobId { get; }
        /// <summary>The name of the job that holds the id, when it could be read.</summary>
        public string? ExistingName { get; }
        /// <summary>True when the existing job has the same name and request hash (a re-run of the same command), false when it differs, null when unknown.</summary>
        public bool? SameRequest { get; }
    }
}
