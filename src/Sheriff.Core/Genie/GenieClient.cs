using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Refit;
using Sheriff.Core.Auth;
using Sheriff.Core.Genie.Transport;

namespace Sheriff.Core.Genie
{
    /// <summary>
    /// The Genie v3 client: a thin, tolerant layer over <see cref="IGenieApi"/> that turns wire shapes into
    /// <see cref="GenieJob"/> objects and every failure into a typed <see cref="GenieException"/>.
    /// Every call takes a token; nothing here blocks without one.
    /// </summary>
    public sealed class GenieClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly GenieClientOptions _options;
        private readonly RetryExecutor _executor;
        private readonly HttpMessageInvoker? _tokenTransport;

        /// <summary>A client with default options (retries on, no credential) and the given per-request timeout.</summary>
        public GenieClient(Uri baseUri, HttpMessageHandler? handler = null, TimeSpan? requestTimeout = null)
            : this(baseUri, new GenieClientOptions { RequestTimeout = requestTimeout ?? GenieClientOptions.DefaultRequestTimeout }, handler)
        {
        }

        /// <summary>
        /// A client with <paramref name="options"/> (kept by reference: retry and timeout changes apply to later
        /// requests; the credential and TLS settings are fixed here). <paramref name="handler"/> replaces the socket
        /// handler (tests); the TLS settings then do not apply.
        /// </summary>
        public GenieClient(Uri baseUri, GenieClientOptions options, HttpMessageHandler? handler = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            BaseUri = NormalizeBaseUri(baseUri);
            var primary = handler ?? PrimaryHandler.Create(options);
            var timeout = new TimeoutHandler(() => _options.RequestTimeout, primary);
            HttpMessageHandler pipeline = timeout;
            if (options.Credential != null)
            {
                // The token endpoint shares the socket handler (TLS rules) and the timeout, not the Authorization header.
                _tokenTransport = new HttpMessageInvoker(timeout, disposeHandler: false);
                var tokenExecutor = new RetryExecutor(() => _options.Retry, () => _options.RequestTimeout, Statistics, Raise, null);
                pipeline = new AuthHandler(options.Credential, new GenieAuthContext(_tokenTransport, tokenExecutor, Statistics, Raise), timeout);
            }
            _http = new HttpClient(pipeline, disposeHandler: true)
            {
                BaseAddress = BaseUri,
                // per-attempt timeouts live in TimeoutHandler, linked to the caller's token
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("Sheriff/" + SheriffInfo.Version);
            _executor = new RetryExecutor(() => _options.Retry, () => _options.RequestTimeout, Statistics, Raise, options.Credential);
            var settings = new RefitSettings { ContentSerializer = new NewtonsoftContentSerializer() };
            Api = RestService.For<IGenieApi>(_http, settings);
            AdminApi = RestService.For<IGenieAdminApi>(_http, settings);
        }

        /// <summary>The server origin (and base path), always ending with '/'.</summary>
        public Uri BaseUri { get; }

        /// <summary>
        /// The raw Refit interface, for callers that need an endpoint this class does not wrap. Calls made through it
        /// directly get the timeout and the credential, but no retries and no error mapping: prefer the methods here.
        /// </summary>
        public IGenieApi Api { get; }

        /// <summary>The configuration endpoints (clusters, commands, applications); see <see cref="GenieAdminClient"/>.</summary>
        public IGenieAdminApi AdminApi { get; }

        /// <summary>Retries, timeout, ride-through, TLS and credential of this client.</summary>
        public GenieClientOptions Options => _options;

        /// <summary>Attempts, retries by reason, give-ups, re-attachments and token fetches so far.</summary>
        public GenieTransportStatistics Statistics { get; } = new GenieTransportStatistics();

        /// <summary>
        /// Raised (on whatever thread the request runs) for every retry, give-up, token fetch and re-attachment. Messages
        /// are secret-free. Handlers must be quick and must not throw; cmdlets queue them and write them as -Verbose.
        /// </summary>
        public event EventHandler<GenieTransportEvent>? TransportEvent;

        private void Raise(GenieTransportEvent e)
        {
            var handlers = TransportEvent;
            if (handlers == null) return;
            foreach (EventHandler<GenieTransportEvent> handler in handlers.GetInvocationList())
            {
                try { handler(this, e); }
                catch (Exception) { /* a reporting sink never breaks a request */ }
            }
        }

        public static Uri NormalizeBaseUri(Uri uri)
        {
            if (uri == null) throw new ArgumentNullException(nameof(uri));
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"'{uri}' is not an absolute http:// or https:// URI.", nameof(uri));
            var text = uri.GetLeftPart(UriPartial.Path);
            // Accept a URI that already names the API root.
            if (text.EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase)) text = text.Substring(0, text.Length - 6);
            else if (text.EndsWith("/api/v3/", StringComparison.OrdinalIgnoreCase)) text = text.Substring(0, text.Length - 7);
            if (!text.EndsWith("/", StringComparison.Ordinal)) text += "/";
            return new Uri(text);
        }

        /// <summary>GET /api/v3: proves the server is a Genie v3 API and is reachable.</summary>
        public Task<JObject> GetRootAsync(CancellationToken ct) => Call("GET", "api/v3", () => Api.GetRootAsync(ct), ct);

        public async Task<GenieJob> GetJobAsync(string id, CancellationToken ct)
        {
            var dto = await Call("GET", JobPath(id), () => Api.GetJobAsync(id, ct), ct).ConfigureAwait(false);
            return GenieJob.FromDto(dto, BaseUri);
        }

        /// <summary>The cheap polling endpoint (§5.2): the status value, upper-cased.</summary>
        public async Task<string> GetJobStatusAsync(string id, CancellationToken ct)
        {
            var dto = await Call("GET", JobPath(id) + "/status", () => Api.GetJobStatusAsync(id, ct), ct).ConfigureAwait(false);
            if (string.IsNullOrEmpty(dto?.Status)) throw new GenieProtocolException($"Genie's status answer for job '{id}' had no status.");
            return dto!.Status!.ToUpperInvariant();
        }

        /// <summary>DELETE /jobs/{id}: asks Genie to kill the job (202; finished jobs are unchanged). Idempotent, so retried.</summary>
        public Task KillJobAsync(string id, CancellationToken ct)
            => Call("DELETE", JobPath(id), async () => { await Api.KillJobAsync(id, ct).ConfigureAwait(false); return true; }, ct);

        /// <summary>
        /// Job search as a lazy stream: each page is fetched only when the consumer reaches it. Enumeration blocks
        /// the calling thread (use it on the pipeline thread only) and honours the token.
        /// </summary>
        public IEnumerable<GenieJob> SearchJobs(JobSearchQuery query, CancellationToken ct)
        {
            var page = query.Page ?? 0;
            while (true)
            {
                var q = query.ForPage(page);
                var result = Call("GET", "api/v3/jobs", () => Api.SearchJobsAsync(q, ct), ct).GetAwaiter().GetResult();
                foreach (var item in result.Items<JobSearchResultDto>("jobSearchResultList"))
                    yield return GenieJob.FromSearchResult(item, BaseUri);
                var info = result.Page;
                if (info == null || info.TotalPages <= info.Number + 1) yield break;
                page = info.Number + 1;
            }
        }

        /// <summary>Submits a job without attachments; see <see cref="SubmitJobAsync(JobRequestDto, IReadOnlyList{GenieAttachment}, CancellationToken)"/>.</summary>
        public Task<string> SubmitJobAsync(JobRequestDto request, CancellationToken ct) => SubmitJobAsync(request, null, ct);

        /// <summary>
        /// Submits a job as JSON (or multipart when attachments are given) and returns its id. Idempotent: the request
        /// gets a client id when it has none (<c>sheriff-&lt;guid&gt;</c>) and its hash in <c>metadata.sheriff.requestHash</c>
        /// (both written into <paramref name="request"/>), so the POST is retried like a GET; each attempt re-opens the
        /// attachments. When Genie answers 409 (the id exists), the job is read back: if this process sent that id
        /// before (an earlier attempt that may have reached Genie) and the job has the same name and request hash, the
        /// existing id is returned (re-attached); otherwise a <see cref="GenieJobIdConflictException"/> is thrown.
        /// </summary>
        public async Task<string> SubmitJobAsync(JobRequestDto request, IReadOnlyList<GenieAttachment>? attachments, CancellationToken ct)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var id = JobRequestIdentity.EnsureId(request);
            var hash = JobRequestIdentity.EnsureHash(request);
            var sentBefore = SentSubmissions.WasSent(BaseUri, id);
            var state = new CallState { BeforeAttempt = _ => SentSubmissions.Record(BaseUri, id, hash) };
            var response = await Call("POST", "api/v3/jobs", async () =>
            {
                if (attachments == null || attachments.Count == 0) return await Api.SubmitJobAsync(request, ct).ConfigureAwait(false);
                var streams = new List<Stream>(attachments.Count);
                try
                {
                    var parts = new List<StreamPart>(attachments.Count);
                    foreach (var a in attachments)
                    {
                        Stream stream;
                        try { stream = a.Open(); }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                        {
                            throw new GenieException($"Cannot read the attachment '{a.FileName}': {ex.Message}", ex);
                        }
                        streams.Add(stream);
                        parts.Add(new StreamPart(stream, a.FileName, a.ContentType));
                    }
                    return await Api.SubmitJobMultipartAsync(request, parts, ct).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var s in streams) s.Dispose();
                }
            }, ct, idempotent: true, state).ConfigureAwait(false);

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Conflict)
                    return await ResolveConflictAsync(request, id, hash, sentBefore || state.MayHaveReachedServer, response, ct).ConfigureAwait(false);
                await EnsureSuccessAsync(response, "POST").ConfigureAwait(false);
                var location = response.Headers.Location;
                if (location != null)
                {
                    var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
                    var last = path.TrimEnd('/').Split('/').Last();
                    if (last.Length > 0) return Uri.UnescapeDataString(last);
                }
                return id;
            }
        }

        private async Task<string> ResolveConflictAsync(JobRequestDto request, string id, string? hash, bool sentByThisProcess, HttpResponseMessage response, CancellationToken ct)
        {
            string? body = null;
            try { body = response.Content == null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false); }
            catch (IOException) { }
            catch (HttpRequestException) { }
            JobDto? existing = null;
            try { existing = await Call("GET", JobPath(id), () => Api.GetJobAsync(id, ct), ct).ConfigureAwait(false); }
            catch (GenieException) { existing = null; }
            var existingHash = JobRequestIdentity.ReadHash(existing?.Metadata);
            bool? same = existing == null ? (bool?)null
                : hash != null && existingHash == hash && string.Equals(existing.Name, request.Name, StringComparison.Ordinal);
            if (same == true && sentByThisProcess)
            {
                Statistics.CountReattached();
                Raise(new GenieTransportEvent(GenieTransportEventKind.Reattached, "POST", "/api/v3/jobs",
                    $"Genie POST /api/v3/jobs: 409 Conflict for job id '{id}', which an earlier attempt of this submission created (same name and request hash); re-attached to it.")
                {
                    StatusCode = 409, Reason = "409 Conflict", CallerToken = ct,
                });
                return id;
            }
            string message;
            if (same == true)
                message = $"A job with id '{id}' already exists with the same name and request hash, but this session did not submit it: it is an earlier, separate submission.";
            else if (same == false)
                message = $"A job with id '{id}' already exists and is a different request ({Difference(request, hash, existing!, existingHash)}).";
            else
                message = $"A job with id '{id}' already exists (Genie: {GenieJson.TryReadMessage(body) ?? "409 Conflict"}).";
            throw new GenieJobIdConflictException(id, message, existing?.Name, same, new Uri(BaseUri, "api/v3/jobs"), body);
        }

        private static string Difference(JobRequestDto request, string? hash, JobDto existing, string? existingHash)
        {
            if (!string.Equals(existing.Name, request.Name, StringComparison.Ordinal)) return $"its name is '{existing.Name}', this one's is '{request.Name}'";
            if (existingHash == null) return "it carries no Sheriff request hash";
            return hash == null ? "this request carries no hash" : "its request hash differs";
        }

        public async Task<OutputListingDto> ListOutputAsync(string id, string path, CancellationToken ct)
            => await Call("GET", JobPath(id) + "/output/" + path, () => Api.ListOutputAsync(id, path ?? "", ct), ct).ConfigureAwait(false);

        /// <summary>
        /// Opens an output file, optionally for a byte range (<c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>).
        /// Returns null for 416 (nothing at or after that offset). The caller disposes the response.
        /// </summary>
        public async Task<HttpResponseMessage?> OpenOutputFileAsync(string id, string path, string? range, CancellationToken ct)
        {
            var response = await Call("GET", JobPath(id) + "/output/" + path, () => Api.GetOutputFileAsync(id, path, range, ct), ct).ConfigureAwait(false);
            if ((int)response.StatusCode == 416) { response.Dispose(); return null; }
            try { await EnsureSuccessAsync(response, "GET").ConfigureAwait(false); }
            catch { response.Dispose(); throw; }
            return response;
        }

        private static string JobPath(string id) => "api/v3/jobs/" + Uri.EscapeDataString(id);

        /// <summary>
        /// Sends one request with the session's retry policy and maps failures to <see cref="GenieException"/>s.
        /// <paramref name="call"/> is invoked once per attempt and must build the request anew each time. Requests are
        /// idempotent by method (GET, HEAD, PUT, PATCH, DELETE); a POST is retried only when its connection was refused.
        /// </summary>
        internal Task<T> Call<T>(string method, string path, Func<Task<T>> call, CancellationToken ct)
            => Call(method, path, call, ct, TransportFailure.IsIdempotentMethod(method), null);

        /// <summary>As <see cref="Call{T}(string, string, Func{Task{T}}, CancellationToken)"/>, saying whether the request may be repeated.</summary>
        internal async Task<T> Call<T>(string method, string path, Func<Task<T>> call, CancellationToken ct, bool idempotent, CallState? state)
        {
            if (_disposed)
                throw new GenieConnectionException(BaseUri, $"This session to Genie at {BaseUri} was closed (by Stop-GenieLocal, or disposed): connect again with Connect-Genie, or start a new server.",
                    new ObjectDisposedException(nameof(GenieClient)));
            state ??= new CallState();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                return await _executor.ExecuteAsync(method, path, call, idempotent, ct, state).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is GenieException) && IsMappable(ex))
            {
                if (ct.IsCancellationRequested) throw new OperationCanceledException("The request was cancelled.", ex, ct);
                throw Map(ex, method, path, state.Attempts, clock.Elapsed);
            }
        }

        private static bool IsMappable(Exception ex)
            => ex is ApiException || ex is ApiRequestException || ex is HttpRequestException || ex is IOException || ex is TimeoutException
               || ex is OperationCanceledException || ex is Newtonsoft.Json.JsonException || ex is System.Net.Sockets.SocketException
               || ex is System.Security.Authentication.AuthenticationException || ex is ObjectDisposedException;

        private Exception Map(Exception ex, string method, string path, int attempts, TimeSpan elapsed)
        {
            for (var e = ex.InnerException; e != null; e = e.InnerException)
                if (e is GenieException genie) return genie; // e.g. a credential that failed inside the handler
            var note = attempts > 1 ? $"({attempts} attempts over {elapsed.TotalSeconds:0.#} s)" : null;
            switch (ex)
            {
                case ApiException api when !(api.StatusCode == HttpStatusCode.OK && api.InnerException is Newtonsoft.Json.JsonException):
                    return new GenieApiException(api.StatusCode, GenieJson.TryReadMessage(api.Content), method, api.RequestMessage?.RequestUri ?? new Uri(BaseUri, path), api.Content, note);
                case Newtonsoft.Json.JsonException json:
                    return new GenieProtocolException($"Genie's answer to {method} /{path} is not the JSON this client expects: {json.Message}", json);
                case ApiException api:
                    return new GenieProtocolException($"Genie's answer to {method} /{path} is not the JSON this client expects: {api.InnerException!.Message}", api);
            }
            var suffix = note == null ? "" : " " + note;
            switch (TransportFailure.Classify(ex))
            {
                case TransportFailureKind.Tls:
                    return new GenieTlsException(BaseUri,
                        $"The TLS connection to Genie at {BaseUri} failed: {TransportFailure.Describe(ex, _options.RequestTimeout)}. " +
                        "The server's certificate is not trusted here: install its CA, or, for a test server only, connect with -SkipCertificateCheck.", ex);
                case TransportFailureKind.Timeout:
                    return new GenieTimeoutException(BaseUri, $"Genie at {BaseUri} did not answer {method} /{path} within {_options.RequestTimeout.TotalSeconds:0.#} s{suffix}.", _options.RequestTimeout, ex);
                case TransportFailureKind.None when ex is OperationCanceledException:
                    return new GenieTimeoutException(BaseUri, $"Genie at {BaseUri} did not answer {method} /{path} within {_options.RequestTimeout.TotalSeconds:0.#} s{suffix}.", _options.RequestTimeout, ex);
                case TransportFailureKind.None when !(ex is HttpRequestException) && !(ex is ApiRequestException):
                    return new GenieProtocolException($"Genie's answer to {method} /{path} could not be read: {Innermost(ex).Message}", ex);
                default:
                    return new GenieConnectionException(BaseUri, $"Cannot reach Genie at {BaseUri}: {TransportFailure.Describe(ex, _options.RequestTimeout)}{suffix}", ex);
            }
        }

        internal static async Task EnsureSuccessAsync(HttpResponseMessage response, string method)
        {
            if (response.IsSuccessStatusCode) return;
            string? body = null;
            try { body = response.Content == null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false); }
            catch (IOException) { body = null; }
            catch (HttpRequestException) { body = null; }
            throw new GenieApiException(response.StatusCode, GenieJson.TryReadMessage(body), method, response.RequestMessage?.RequestUri, body);
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        private volatile bool _disposed;

        public void Dispose()
        {
            _disposed = true;
            _http.Dispose();
            _tokenTransport?.Dispose();
        }
    }

    /// <summary>Facts about this build of Sheriff.</summary>
    public static class SheriffInfo
    {
        public static string Version { get; } =
            typeof(SheriffInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
