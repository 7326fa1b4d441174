using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Genie.Transport;

namespace Sheriff.Core.Auth
{
    /// <summary>What a credential may use while it gets its header: the session's transport (TLS settings, timeout) and reporting.</summary>
    public sealed class GenieAuthContext
    {
        internal GenieAuthContext(HttpMessageInvoker transport, RetryExecutor executor, GenieTransportStatistics statistics, Action<GenieTransportEvent> report)
        {
            Transport = transport;
            Executor = executor;
            Statistics = statistics;
            Report = report;
        }

        internal HttpMessageInvoker Transport { get; }
        internal RetryExecutor Executor { get; }
        internal GenieTransportStatistics Statistics { get; }
        internal Action<GenieTransportEvent> Report { get; }
    }

    /// <summary>
    /// How a session authenticates to Genie: a bearer token (SecureString, environment variable or token command),
    /// basic auth, or OAuth2 client credentials. <see cref="Description"/> and <see cref="ToString"/> never show a secret.
    /// </summary>
    public abstract class GenieCredential
    {
        internal GenieCredential() { }

        /// <summary>"Bearer", "Basic" or "OAuth2".</summary>
        public abstract string Kind { get; }

        /// <summary>Secret-free description, e.g. "bearer token from environment variable GENIE_TOKEN".</summary>
        public abstract string Description { get; }

        /// <summary>True when a 401 can be answered by getting a new token (OAuth2, token command): the request is then sent once more.</summary>
        public virtual bool CanRefresh => false;

        internal abstract Task<AuthenticationHeaderValue> GetHeaderAsync(GenieAuthContext context, CancellationToken ct);

        /// <summary>Genie rejected <paramref name="rejected"/>: forget it if it is still the current one.</summary>
        internal virtual void Invalidate(AuthenticationHeaderValue rejected) { }

        public override string ToString() => Description;

        public static GenieCredential Bearer(SecretSource token) => new BearerCredential(token ?? throw new ArgumentNullException(nameof(token)));

        public static GenieCredential Basic(string userName, SecretSource password)
        {
            if (string.IsNullOrEmpty(userName)) throw new ArgumentException("The user name is empty.", nameof(userName));
            if (userName.IndexOf(':') >= 0) throw new ArgumentException("A basic-auth user name cannot contain ':'.", nameof(userName));
            return new BasicCredential(userName, password ?? throw new ArgumentNullException(nameof(password)));
        }

        public static OAuth2ClientCredential OAuth2(Uri tokenUri, string clientId, SecretSource clientSecret, string? scope = null)
            => new OAuth2ClientCredential(tokenUri, clientId, clientSecret, scope);

        private sealed class BearerCredential : GenieCredential
        {
            private readonly SecretSource _token;
            public BearerCredential(SecretSource token) => _token = token;
            public override string Kind => "Bearer";
            public override string Description => "bearer token from " + _token.Description;
            public override bool CanRefresh => _token.IsRefreshable;

            internal override async Task<AuthenticationHeaderValue> GetHeaderAsync(GenieAuthContext context, CancellationToken ct)
            {
                var wasCached = _token.IsCached;
                var token = await _token.ReadAsync(ct).ConfigureAwait(false);
                if (_token.IsRefreshable && !wasCached)
                {
                    context.Statistics.CountTokenFetch();
                    context.Report(new GenieTransportEvent(GenieTransportEventKind.TokenFetched, "RUN", "token command", "Ran the token command for a new bearer token."));
                }
                return new AuthenticationHeaderValue("Bearer", SecretText.Reveal(token));
            }

            internal override void Invalidate(AuthenticationHeaderValue rejected) => _token.Invalidate();
        }

        private sealed class BasicCredential : GenieCredential
        {
            private readonly string _user;
            private readonly SecretSource _password;
            public BasicCredential(string user, SecretSource password) { _user = user; _password = password; }
            public override string Kind => "Basic";
            public override string Description => $"basic auth as '{_user}' (password from {_password.Description})";

            internal override async Task<AuthenticationHeaderValue> GetHeaderAsync(GenieAuthContext context, CancellationToken ct)
            {
                var password = await _password.ReadAsync(ct).ConfigureAwait(false);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_user + ":" + SecretText.Reveal(password))));
            }
        }
    }

    /// <summary>
    /// OAuth2 client credentials (RFC 6749 §4.4): POST grant_type=client_credentials to the token endpoint, cache the
    /// access token until shortly before expires_in (10% of its lifetime, at most 60 s early), fetch a new one when
    /// Genie answers 401 (the request is then replayed once). Concurrent requests share one fetch.
    /// </summary>
    public sealed class OAuth2ClientCredential : GenieCredential
    {
        private readonly SecretSource _secret;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private CachedToken? _current;
        private long _fetches;

        internal OAuth2ClientCredential(Uri tokenUri, string clientId, SecretSource clientSecret, string? scope)
        {
            if (tokenUri == null) throw new ArgumentNullException(nameof(tokenUri));
            if (!tokenUri.IsAbsoluteUri || (tokenUri.Scheme != Uri.UriSchemeHttp && tokenUri.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The OAuth2 token URI '{tokenUri}' is not an absolute http(s) URI.", nameof(tokenUri));
            if (string.IsNullOrEmpty(clientId)) throw new ArgumentException("The OAuth2 client id is empty.", nameof(clientId));
            TokenUri = tokenUri;
            ClientId = clientId;
            _secret = clientSecret ?? throw new ArgumentNullException(nameof(clientSecret));
            Scope = string.IsNullOrWhiteSpace(scope) ? null : scope!.Trim();
        }

        public Uri TokenUri { get; }
        public string ClientId { get; }
        public string? Scope { get; }

        /// <summary>Send client_id/client_secret in the form body (default) rather than as an HTTP Basic header.</summary>
        public bool SendCredentialsInBody { get; set; } = true;

        /// <summary>The longest a token is renewed before it expires (the margin is 10% of its lifetime up to this).</summary>
        public TimeSpan MaxRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Tokens fetched from the endpoint so far.</summary>
        public long TokensFetched => Interlocked.Read(ref _fetches);

        /// <summary>When the cached token will be renewed; null when none is cached.</summary>
        public DateTimeOffset? CachedUntil => _current?.RefreshAt;

        public override string Kind => "OAuth2";
        public override string Description => $"OAuth2 client '{ClientId}' at {TokenUri.GetLeftPart(UriPartial.Path)} (secret from {_secret.Description})";
        public override bool CanRefresh => true;

        internal override async Task<AuthenticationHeaderValue> GetHeaderAsync(GenieAuthContext context, CancellationToken ct)
        {
            var current = _current;
            if (current != null && DateTimeOffset.UtcNow < current.RefreshAt) return new AuthenticationHeaderValue("Bearer", current.AccessToken);
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                current = _current;
                if (current != null && DateTimeOffset.UtcNow < current.RefreshAt) return new AuthenticationHeaderValue("Bearer", current.AccessToken);
                current = await FetchAsync(context, ct).ConfigureAwait(false);
                _current = current;
                return new AuthenticationHeaderValue("Bearer", current.AccessToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        internal override void Invalidate(AuthenticationHeaderValue rejected)
        {
            var current = _current;
            if (current != null && string.Equals(current.AccessToken, rejected.Parameter, StringComparison.Ordinal))
                Interlocked.CompareExchange(ref _current, null, current);
        }

        private async Task<CachedToken> FetchAsync(GenieAuthContext context, CancellationToken ct)
        {
            var secret = SecretText.Reveal(await _secret.ReadAsync(ct).ConfigureAwait(false));
            var started = DateTimeOffset.UtcNow;
            HttpResponseMessage response;
            try
            {
                response = await context.Executor.ExecuteAsync("POST", TokenUri.AbsoluteUri, async () =>
                {
                    var form = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("grant_type", "client_credentials") };
                    if (Scope != null) form.Add(new KeyValuePair<string, string>("scope", Scope));
                    var request = new HttpRequestMessage(HttpMethod.Post, TokenUri);
                    if (SendCredentialsInBody)
                    {
                        form.Add(new KeyValuePair<string, string>("client_id", ClientId));
                        form.Add(new KeyValuePair<string, string>("client_secret", secret));
                    }
                    else
                    {
                        // RFC 6749 §2.3.1: both parts form-urlencoded before the Basic encoding
                        var pair = Uri.EscapeDataString(ClientId) + ":" + Uri.EscapeDataString(secret);
                        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                    }
                    request.Content = new FormUrlEncodedContent(form);
                    request.Headers.Accept.ParseAdd("application/json");
                    try
                    {
                        return await context.Transport.SendAsync(request, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        // nothing secret stays on a request that responses and exceptions keep a reference to
                        request.Headers.Authorization = null;
                        request.Content.Dispose();
                    }
                }, idempotent: true, ct, label: "OAuth2 token endpoint").ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException || ex is TimeoutException || ex is OperationCanceledException)
            {
                throw new GenieAuthenticationException(
                    $"Cannot get an OAuth2 token from {TokenUri.GetLeftPart(UriPartial.Path)}: {TransportFailure.Describe(ex, TimeSpan.Zero)}", TokenUri.GetLeftPart(UriPartial.Path), ex);
            }

            using (response)
            {
                string body;
                try { body = await response.Content.ReadAsStringAsync().ConfigureAwait(false); }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
                {
                    throw new GenieAuthenticationException($"The OAuth2 token endpoint {TokenUri.GetLeftPart(UriPartial.Path)} broke off its answer: {ex.Message}", TokenUri.GetLeftPart(UriPartial.Path), ex);
                }
                JObject? json = null;
                try { json = JToken.Parse(body) as JObject; }
                catch (JsonException) { json = null; }
                if (!response.IsSuccessStatusCode)
                {
                    var error = (string?)json?["error"];
                    var description = (string?)json?["error_description"];
                    var detail = error == null ? "" : ": " + error + (description == null ? "" : " (" + description + ")");
                    throw new GenieAuthenticationException(
                        $"The OAuth2 token endpoint {TokenUri.GetLeftPart(UriPartial.Path)} refused client '{ClientId}' with {Genie.Transport.HttpStatusText.Describe(response.StatusCode, response.ReasonPhrase)}{detail}.",
                        TokenUri.GetLeftPart(UriPartial.Path));
                }
                var accessToken = json?["access_token"]?.Type == JTokenType.String ? (string?)json["access_token"] : null;
                if (string.IsNullOrEmpty(accessToken))
                    throw new GenieAuthenticationException($"The OAuth2 token endpoint {TokenUri.GetLeftPart(UriPartial.Path)} answered without an access_token.", TokenUri.GetLeftPart(UriPartial.Path));
                var tokenType = (string?)json!["token_type"];
                if (tokenType != null && !tokenType.Equals("bearer", StringComparison.OrdinalIgnoreCase))
                    throw new GenieAuthenticationException($"The OAuth2 token endpoint issued a '{tokenType}' token; Sheriff sends only bearer tokens.", TokenUri.GetLeftPart(UriPartial.Path));
                var refreshAt = DateTimeOffset.MaxValue;
                var expiresToken = json["expires_in"];
                if (expiresToken != null && (expiresToken.Type == JTokenType.Integer || expiresToken.Type == JTokenType.Float || expiresToken.Type == JTokenType.String)
                    && double.TryParse(expiresToken.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    var lifetime = TimeSpan.FromSeconds(seconds);
                    var margin = TimeSpan.FromTicks(Math.Min(MaxRefreshMargin.Ticks, lifetime.Ticks / 10));
                    refreshAt = started + lifetime - margin;
                }
                Interlocked.Increment(ref _fetches);
                context.Statistics.CountTokenFetch();
                context.Report(new GenieTransportEvent(GenieTransportEventKind.TokenFetched, "POST", TokenUri.AbsolutePath,
                    refreshAt == DateTimeOffset.MaxValue
                        ? $"Got an OAuth2 access token for client '{ClientId}' (no expiry given)."
                        : $"Got an OAuth2 access token for client '{ClientId}', renewed after {(refreshAt - started).TotalSeconds:0.#} s."));
                return new CachedToken(accessToken!, refreshAt);
            }
        }

        private sealed class CachedToken
        {
            public CachedToken(string accessToken, DateTimeOffset refreshAt) { AccessToken = accessToken; RefreshAt = refreshAt; }
            public string AccessToken { get; }
            public DateTimeOffset RefreshAt { get; }
            public override string ToString() => "access token (hidden)";
        }
    }
}
