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
        private readonly bool _ownsHttp;

        public GenieClient(Uri baseUri, HttpMessageHandler? handler = null, TimeSpan? requestTimeout = null)
        {
            BaseUri = NormalizeBaseUri(baseUri);
            _http = handler == null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
            _ownsHttp = true;
            _http.BaseAddress = BaseUri;
            _http.Timeout = requestTimeout ?? TimeSpan.FromSeconds(100);
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("Sheriff/" + SheriffInfo.Version);
            var settings = new RefitSettings { ContentSerializer = new NewtonsoftContentSerializer() };
            Api = RestService.For<IGenieApi>(_http, settings);
            AdminApi = RestService.For<IGenieAdminApi>(_http, settings);
        }

        /// <summary>The server origin (and base path), always ending with '/'.</summary>
        public Uri BaseUri { get; }

        /// <summary>The raw Refit interface, for callers that need an endpoint this class does not wrap.</summary>
        public IGenieApi Api { get; }

        /// <summary>The configuration endpoints (clusters, commands, applications); see <see cref="GenieAdminClient"/>.</summary>
        public IGenieAdminApi AdminApi { get; }

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

        /// <summary>DELETE /jobs/{id}: asks Genie to kill the job (202; finished jobs are unchanged).</summary>
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

        /// <summary>Submits a job as JSON (or multipart when attachments are given); returns the id Genie assigned.</summary>
        public async Task<string> SubmitJobAsync(JobRequestDto request, IReadOnlyList<StreamPart>? attachments, CancellationToken ct)
        {
            var response = await Call("POST", "api/v3/jobs",
                () => attachments == null || attachments.Count == 0
                    ? Api.SubmitJobAsync(request, ct)
                    : Api.SubmitJobMultipartAsync(request, attachments, ct), ct).ConfigureAwait(false);
            using (response)
            {
                await EnsureSuccessAsync(response, "POST").ConfigureAwait(false);
                var location = response.Headers.Location;
                if (location != null)
                {
                    var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
                    var last = path.TrimEnd('/').Split('/').Last();
                    if (last.Length > 0) return Uri.UnescapeDataString(last);
                }
                return request.Id ?? throw new GenieProtocolException("Genie accepted the job but sent no Location header.");
            }
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

        internal async Task<T> Call<T>(string method, string path, Func<Task<T>> call, CancellationToken ct)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ApiException ex)
            {
                throw new GenieApiException(ex.StatusCode, GenieJson.TryReadMessage(ex.Content), method, ex.RequestMessage?.RequestUri ?? new Uri(BaseUri, path), ex.Content);
            }
            catch (ApiRequestException ex) when (ex.InnerException is OperationCanceledException)
            {
                // Refit wraps what HttpClient threw before a response arrived.
                ct.ThrowIfCancellationRequested();
                throw new GenieConnectionException(BaseUri, $"Genie at {BaseUri} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0.#} s.", ex);
            }
            catch (ApiRequestException ex)
            {
                throw new GenieConnectionException(BaseUri, $"Cannot reach Genie at {BaseUri}: {Innermost(ex).Message}", ex);
            }
            catch (HttpRequestException ex)
            {
                throw new GenieConnectionException(BaseUri, $"Cannot reach Genie at {BaseUri}: {Innermost(ex).Message}", ex);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new GenieConnectionException(BaseUri, $"Genie at {BaseUri} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0.#} s.", ex);
            }
            catch (Newtonsoft.Json.JsonException ex)
            {
                throw new GenieProtocolException($"Genie's answer to {method} /{path} is not the JSON this client expects: {ex.Message}", ex);
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

        public void Dispose()
        {
            if (_ownsHttp) _http.Dispose();
        }
    }

    /// <summary>Facts about this build of Sheriff.</summary>
    public static class SheriffInfo
    {
        public static string Version { get; } =
            typeof(SheriffInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
