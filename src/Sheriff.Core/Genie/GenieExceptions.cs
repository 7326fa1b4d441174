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
            : base(Describe(statusCode, genieMessage, method, requestUri))
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
}
