using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Auth;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>
    /// The per-attempt timeout: a token source linked to the caller's token and cancelled after the timeout, so
    /// that the caller's Stop cancels at once and a silent server becomes a <see cref="RequestTimedOutException"/>.
    /// JSON answers (everything but job output files) are read whole under the same timeout, so a stalled or
    /// broken body is a timeout or connection failure of this attempt (and retried), not a hang later on.
    /// </summary>
    internal sealed class TimeoutHandler : DelegatingHandler
    {
        private readonly Func<TimeSpan> _timeout;

        public TimeoutHandler(Func<TimeSpan> timeout, HttpMessageHandler inner) : base(inner) => _timeout = timeout;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var timeout = _timeout();
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout);
                HttpResponseMessage response;
                try
                {
                    response = await base.SendAsync(request, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && cts.IsCancellationRequested)
                {
                    throw new RequestTimedOutException(timeout, ex);
                }
                if (!ShouldBuffer(request, response)) return response;
                try
                {
                    using (cts.Token.Register(state => ((HttpResponseMessage)state!).Dispose(), response))
                        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                    return response;
                }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException || ex is OperationCanceledException)
                {
                    response.Dispose();
                    cancellationToken.ThrowIfCancellationRequested();
                    if (cts.IsCancellationRequested) throw new RequestTimedOutException(timeout, ex);
                    throw new HttpRequestException("The connection broke while Genie's answer was read: " + ex.Message, ex);
                }
            }
        }

        private static bool ShouldBuffer(HttpRequestMessage request, HttpResponseMessage response)
        {
            if (response.Content == null) return false;
            var path = request.RequestUri?.AbsolutePath ?? "";
            if (path.IndexOf("/output", StringComparison.OrdinalIgnoreCase) >= 0) return false; // job files stream
            var media = response.Content.Headers.ContentType?.MediaType ?? "";
            var length = response.Content.Headers.ContentLength;
            if (length.HasValue && length.Value > 64L * 1024 * 1024) return false;
            return media.Length == 0 || media.EndsWith("json", StringComparison.OrdinalIgnoreCase) || media.StartsWith("text/", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Adds the credential's Authorization header to each request and tells the credential when Genie rejects it.</summary>
    internal sealed class AuthHandler : DelegatingHandler
    {
        private readonly GenieCredential _credential;
        private readonly GenieAuthContext _context;

        public AuthHandler(GenieCredential credential, GenieAuthContext context, HttpMessageHandler inner) : base(inner)
        {
            _credential = credential;
            _context = context;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            AuthenticationHeaderValue header = await _credential.GetHeaderAsync(_context, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = header;
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized) _credential.Invalidate(header);
                return response;
            }
            finally
            {
                // The request stays reachable from responses and exceptions (HttpRequestMessage.ToString prints its
                // headers, and Get-Error walks inner exceptions): once sent, it no longer carries the secret.
                request.Headers.Authorization = null;
            }
        }
    }

    /// <summary>Builds the socket-level handler with the session's TLS rules.</summary>
    internal static class PrimaryHandler
    {
        public static HttpMessageHandler Create(GenieClientOptions options)
        {
            var skip = options.SkipCertificateCheck;
            var pinned = NormalizeThumbprint(options.TrustedCertificateThumbprint);
#if NET8_0_OR_GREATER
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
            };
            if (skip || pinned != null)
                handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => Accept(certificate, errors, skip, pinned);
            return handler;
#else
            var handler = new HttpClientHandler
            {
                AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
            };
            if (skip || pinned != null)
                handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) => Accept(certificate, errors, skip, pinned);
            return handler;
#endif
        }

        internal static bool Accept(X509Certificate? certificate, SslPolicyErrors errors, bool skip, string? pinned)
        {
            if (errors == SslPolicyErrors.None || skip) return true;
            if (pinned == null || certificate == null) return false;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using (var cert = new X509Certificate2(certificate))
                return string.Equals(cert.Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
        }

        private static string? NormalizeThumbprint(string? thumbprint)
        {
            if (string.IsNullOrWhiteSpace(thumbprint)) return null;
            return thumbprint!.Replace(":", "").Replace(" ", "").Trim().ToUpperInvariant();
        }
    }
}
