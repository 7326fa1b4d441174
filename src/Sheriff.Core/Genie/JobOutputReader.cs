using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Genie
{
    /// <summary>One entry of a job's output directory (genie-api.md §6.1), or a single file.</summary>
    public sealed class GenieOutputEntry
    {
        public string JobId { get; set; } = "";
        /// <summary>The entry's name, without the '/' Genie puts after directory names.</summary>
        public string Name { get; set; } = "";
        /// <summary>The path relative to the job directory, '/'-separated (what -Path takes).</summary>
        public string Path { get; set; } = "";
        public bool IsDirectory { get; set; }
        /// <summary>Bytes; for directories, what Genie reports (G3: 0, G4: the filesystem entry size).</summary>
        public long? Size { get; set; }
        public DateTimeOffset? LastModified { get; set; }
        /// <summary>The absolute URL Genie gives for the entry; it can be fetched as-is.</summary>
        public Uri? Url { get; set; }

        public override string ToString() => IsDirectory ? Path + "/" : Path;
    }

    /// <summary>The job exists but has no output at that path (404 from /output while /status answers).</summary>
    public class GenieOutputNotFoundException : GenieException
    {
        public GenieOutputNotFoundException(string jobId, string path, GenieApiException inner)
            : base($"Job '{jobId}' has no output '{(path.Length == 0 ? "/" : path)}'" +
                   (string.IsNullOrEmpty(inner.GenieMessage) ? "." : $": {inner.GenieMessage}"), inner)
        {
            JobId = jobId;
            Path = path;
        }

        public string JobId { get; }
        public string Path { get; }
    }

    /// <summary>The path names a directory of the job's output, where a file was expected.</summary>
    public class GenieOutputIsDirectoryException : GenieException
    {
        public GenieOutputIsDirectoryException(string jobId, string path)
            : base($"'{(path.Length == 0 ? "/" : path)}' is a directory of job '{jobId}' output, not a file.")
        {
            JobId = jobId;
            Path = path;
        }

        public string JobId { get; }
        public string Path { get; }
    }

    /// <summary>The last lines of an output file, and where in the file they are.</summary>
    public sealed class OutputTail
    {
        internal OutputTail(IReadOnlyList<string> lines, byte[] bytes, long endOffset, long length)
        {
            Lines = lines;
            Bytes = bytes;
            EndOffset = endOffset;
            Length = length;
        }

        /// <summary>The lines, oldest first.</summary>
        public IReadOnlyList<string> Lines { get; }
        /// <summary>The bytes of those lines exactly as the file holds them (line ends included).</summary>
        public byte[] Bytes { get; }
        /// <summary>The bytes decoded as one string (UTF-8, invalid bytes as U+FFFD), line ends kept.</summary>
        public string Text => Utf8LineSplitter.Encoding.GetString(Bytes);
        /// <summary>File offset of the first returned byte.</summary>
        public long StartOffset => EndOffset - Bytes.Length;
        /// <summary>File offset just after the returned bytes: where a follow continues.</summary>
        public long EndOffset { get; }
        /// <summary>The file's length when it was read.</summary>
        public long Length { get; }
        /// <summary>Bytes downloaded to find the lines (diagnostics: far less than Length for a big file).</summary>
        public long BytesRead { get; internal set; }
        /// <summary>HTTP requests made.</summary>
        public int Requests { get; internal set; }
    }

    /// <summary>
    /// Reads a job's output directory (genie-api.md §6): listings, whole files streamed without buffering, the last
    /// lines of a file through suffix Range requests, and a follower for files that grow while the job runs.
    /// Everything is bytes on the wire and UTF-8 with replacement characters when turned into text.
    /// </summary>
    public sealed class JobOutputReader
    {
        private const int BufferSize = 64 * 1024;

        public JobOutputReader(GenieClient client)
        {
            Client = client ?? throw new ArgumentNullException(nameof(client));
            MaxConsecutiveFailures = client.Options.MaxConsecutiveFailures;
        }

        public GenieClient Client { get; }

        /// <summary>The first suffix range a tail asks for; each further request makes the window 4 times larger.</summary>
        public int InitialTailBytes { get; set; } = 8 * 1024;

        /// <summary>How long a follower waits between reads once it has caught up with the file.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The largest range one follow step asks for.</summary>
        public int FollowChunkSize { get; set; } = 1024 * 1024;

        /// <summary>
        /// How many follow steps in a row may fail (connection errors, 5xx, 429 after the request's own retries) before
        /// a follower gives up with <see cref="GenieContactLostException"/>. Default: the session's setting.
        /// </summary>
        public int MaxConsecutiveFailures { get; set; }

        /// <summary>'\' becomes '/', and leading or trailing '/' go: "genie\logs\" → "genie/logs"; null → "".</summary>
        public static string NormalizePath(string? path)
            => (path ?? "").Replace('\\', '/').Trim().Trim('/');

        /// <summary>
        /// Lists a directory of the job's output: its sub-directories, then its files (each in Genie's order). When the
        /// path is a file, returns that one file, described from the response headers without downloading it.
        /// </summary>
        public async Task<IReadOnlyList<GenieOutputEntry>> ListAsync(string id, string? path, CancellationToken ct)
        {
            var normalized = NormalizePath(path);
            using (var response = await OpenAsync(id, normalized, null, ct, directoryOk: true).ConfigureAwait(false))
            {
                if (response == null) throw new GenieProtocolException($"Genie answered 416 to a request without a Range for job '{id}' output '{normalized}'.");
                var media = response.Content.Headers.ContentType?.MediaType ?? "";
                if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
                {
                    var body = await ReadBodyAsync(response, ct).ConfigureAwait(false);
                    var listing = TryParseListing(body);
                    if (listing != null) return ToEntries(id, normalized, listing);
                }
                // A file (perhaps one that holds JSON): describe it.
                var length = response.Content.Headers.ContentLength;
                if (length == null && response.Headers.TryGetValues("X-Original-Content-Length", out var values))
                {
                    foreach (var v in values) if (long.TryParse(v, out var l)) length = l;
                }
                var slash = normalized.LastIndexOf('/');
                return new[]
                {
                    new GenieOutputEntry
                    {
                        JobId = id,
                        Name = slash < 0 ? normalized : normalized.Substring(slash + 1),
                        Path = normalized,
                        IsDirectory = false,
                        Size = length,
                        LastModified = response.Content.Headers.LastModified,
                        Url = response.RequestMessage?.RequestUri,
                    },
                };
            }
        }

        internal static OutputListingDto? TryParseListing(byte[] body)
        {
            try
            {
                JToken token;
                using (var text = new StringReader(Utf8LineSplitter.Encoding.GetString(body)))
                using (var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None })
                    token = JToken.Load(json);
                if (token is not JObject o) return null;
                if (o["files"] is not JArray && o["directories"] is not JArray) return null;
                return o.ToObject<OutputListingDto>(JsonSerializer.Create(GenieJson.Settings));
            }
            catch (JsonException)
            {
                return null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        internal static IReadOnlyList<GenieOutputEntry> ToEntries(string id, string path, OutputListingDto listing)
        {
            var entries = new List<GenieOutputEntry>(listing.Directories.Count + listing.Files.Count);
            foreach (var d in listing.Directories) entries.Add(ToEntry(id, path, d, true));
            foreach (var f in listing.Files) entries.Add(ToEntry(id, path, f, false));
            return entries;
        }

        private static GenieOutputEntry ToEntry(string id, string path, OutputEntryDto dto, bool directory)
        {
            var name = (dto.Name ?? "").TrimEnd('/');
            return new GenieOutputEntry
            {
                JobId = id,
                Name = name,
                Path = path.Length == 0 ? name : path + "/" + name,
                IsDirectory = directory,
                Size = dto.Size,
                LastModified = dto.LastModified,
                Url = Uri.TryCreate(dto.Url, UriKind.Absolute, out var url) ? url : null,
            };
        }

        /// <summary>Copies a whole output file to <paramref name="destination"/> as it arrives; returns the byte count.</summary>
        public async Task<long> CopyToAsync(string id, string? path, Stream destination, CancellationToken ct)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            using (var response = await OpenAsync(id, NormalizePath(path), null, ct).ConfigureAwait(false))
            {
                if (response == null) return 0;
                var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var buffer = new byte[BufferSize];
                long total = 0;
                int n;
                while ((n = await ReadResponseAsync(response, source, buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer, 0, n, ct).ConfigureAwait(false);
                    total += n;
                }
                return total;
            }
        }

        /// <summary>Opens a whole output file for reading as lines, batch by batch, in one streamed response.</summary>
        public async Task<OutputLineStream> OpenLinesAsync(string id, string? path, CancellationToken ct)
        {
            var response = await OpenAsync(id, NormalizePath(path), null, ct).ConfigureAwait(false);
            if (response == null) return new OutputLineStream(this, null, null);
            try
            {
                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return new OutputLineStream(this, response, stream);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>A whole output file as one string (UTF-8 with replacement characters; line ends kept).</summary>
        public async Task<string> ReadAllTextAsync(string id, string? path, CancellationToken ct)
        {
            using (var response = await OpenAsync(id, NormalizePath(path), null, ct).ConfigureAwait(false))
            {
                if (response == null) return "";
                var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var decoder = Utf8LineSplitter.Encoding.GetDecoder();
                var buffer = new byte[BufferSize];
                var chars = new char[Utf8LineSplitter.Encoding.GetMaxCharCount(buffer.Length)];
                var text = new System.Text.StringBuilder();
                int n;
                while ((n = await ReadResponseAsync(response, source, buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                    text.Append(chars, 0, decoder.GetChars(buffer, 0, n, chars, 0, flush: false));
                text.Append(chars, 0, decoder.GetChars(buffer, 0, 0, chars, 0, flush: true));
                return text.ToString();
            }
        }

        /// <summary>
        /// The last <paramref name="count"/> lines of an output file, read from its end: first <c>bytes=-8192</c>, then
        /// earlier ranges (the window grows 4 times each request) until enough complete lines or the file start are in
        /// hand. Only a server that ignores Range makes this download the whole file.
        /// With <paramref name="includePartialLastLine"/> false, text after the last newline is left out and
        /// <see cref="OutputTail.EndOffset"/> points at its start, so that a follow delivers that line whole.
        /// </summary>
        public async Task<OutputTail> TailLinesAsync(string id, string? path, int count, bool includePartialLastLine, CancellationToken ct)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), "The line count cannot be negative.");
            var normalized = NormalizePath(path);
            var requests = 0;
            long bytesRead = 0;
            byte[] window;
            long windowStart, length;

            using (var response = await OpenAsync(id, normalized, "bytes=-" + Math.Max(1, InitialTailBytes), ct).ConfigureAwait(false))
            {
                requests++;
                if (response == null)
                {
                    // 416 on a suffix range: the file is empty.
                    return new OutputTail(Array.Empty<string>(), Array.Empty<byte>(), 0, 0) { Requests = requests };
                }
                window = await ReadBodyAsync(response, ct).ConfigureAwait(false);
                bytesRead += window.Length;
                var range = response.Content.Headers.ContentRange;
                if (response.StatusCode == HttpStatusCode.PartialContent && range?.From != null && range.Length != null)
                {
                    windowStart = range.From.Value;
                    length = range.Length.Value;
                    if (windowStart + window.Length != length)
                        throw new GenieProtocolException($"Genie's answer to a suffix range on job '{id}' output '{normalized}' does not end at the end of the file ({range}).");
                }
                else
                {
                    // 200: the server ignored the Range and sent the whole file.
                    windowStart = 0;
                    length = window.Length;
                }
            }

            while (true)
            {
                var tail = SelectTail(window, windowStart, count, includePartialLastLine);
                if (tail != null)
                {
                    tail.Requests = requests;
                    tail.BytesRead = bytesRead;
                    return tail;
                }

                var grow = Math.Min(windowStart, (long)Math.Max(window.Length, Math.Max(1, InitialTailBytes)) * 3);
                var from = windowStart - grow;
                using (var response = await OpenAsync(id, normalized, $"bytes={from}-{windowStart - 1}", ct).ConfigureAwait(false))
                {
                    requests++;
                    if (response == null)
                        throw new GenieProtocolException($"Genie answered 416 to bytes={from}-{windowStart - 1} of job '{id}' output '{normalized}', a file of {length} bytes: it shrank while being read.");
                    var body = await ReadBodyAsync(response, ct).ConfigureAwait(false);
                    bytesRead += body.Length;
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        var got = response.Content.Headers.ContentRange?.From ?? from;
                        if (got != from || body.Length != grow)
                            throw new GenieProtocolException($"Genie answered bytes={from}-{windowStart - 1} of job '{id}' output '{normalized}' with {body.Length} bytes from {got}.");
                        var combined = new byte[body.Length + window.Length];
                        Buffer.BlockCopy(body, 0, combined, 0, body.Length);
                        Buffer.BlockCopy(window, 0, combined, body.Length, window.Length);
                        window = combined;
                        windowStart = from;
                    }
                    else
                    {
                        // The whole file after all: use the part that was there at the first request.
                        if (body.Length > length) Array.Resize(ref body, (int)length);
                        window = body;
                        windowStart = 0;
                    }
                }
            }
        }

        /// <summary>
        /// Picks the last <paramref name="count"/> lines from <paramref name="window"/>, the bytes of a file from
        /// <paramref name="windowStart"/> to its end. Returns null when the window is too short to know: a line's start
        /// lies before it (its first bytes may be the middle of a line) and <paramref name="windowStart"/> is not 0.
        /// </summary>
        internal static OutputTail? SelectTail(byte[] window, long windowStart, int count, bool includePartialLastLine)
        {
            var end = window.Length;
            var length = windowStart + end;
            var lastNewline = end == 0 ? -1 : Array.LastIndexOf(window, (byte)'\n');
            var trailerStart = lastNewline + 1;
            var hasTrailer = trailerStart < end;
            var contentEnd = includePartialLastLine ? end : trailerStart;

            // Where the partial last line starts must be known: to return it, or to start a follow there.
            if (hasTrailer && lastNewline < 0 && windowStart > 0) return null;

            var need = count;
            var firstStart = contentEnd;
            var cursor = contentEnd;
            if (need > 0 && includePartialLastLine && hasTrailer)
            {
                firstStart = trailerStart;
                cursor = trailerStart;
                need--;
            }
            // cursor is now 0 or just after a '\n': each step takes the complete line ending at cursor - 1.
            while (need > 0 && cursor > 0)
            {
                var previous = cursor >= 2 ? Array.LastIndexOf(window, (byte)'\n', cursor - 2) : -1;
                if (previous < 0 && windowStart > 0) return null;
                firstStart = previous + 1;
                cursor = firstStart;
                need--;
            }
            if (need > 0 && windowStart > 0) return null;

            var bytes = new byte[contentEnd - firstStart];
            Buffer.BlockCopy(window, firstStart, bytes, 0, bytes.Length);
            var lines = Utf8LineSplitter.SplitAll(bytes, 0, bytes.Length);
            return new OutputTail(lines, bytes, windowStart + contentEnd, length);
        }

        /// <summary>
        /// A follower that reads the file from <paramref name="offset"/> on as it grows, until the job has finished and
        /// a last read brings nothing. Call its step methods from one thread at a time.
        /// </summary>
        public JobOutputFollower Follow(string id, string? path, long offset = 0)
        {
            if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset));
            return new JobOutputFollower(this, id, NormalizePath(path), offset);
        }

        /// <summary>
        /// Opens an output path; null for 416. A 404 is told apart: unknown job (the /status 404 is rethrown, so the
        /// caller sees the job-not-found answer) versus a job without that path (<see cref="GenieOutputNotFoundException"/>).
        /// Unless <paramref name="directoryOk"/>, a directory listing answer is a <see cref="GenieOutputIsDirectoryException"/>.
        /// </summary>
        internal async Task<HttpResponseMessage?> OpenAsync(string id, string path, string? range, CancellationToken ct, bool directoryOk = false)
        {
            HttpResponseMessage? response;
            try
            {
                response = await Client.OpenOutputFileAsync(id, path, range, ct).ConfigureAwait(false);
            }
            catch (GenieApiException ex) when (ex.IsNotFound)
            {
                throw await NotFoundAsync(id, path, ex, ct).ConfigureAwait(false);
            }
            if (response == null || directoryOk) return response;
            try
            {
                await RejectDirectoryAsync(id, path, response, ct).ConfigureAwait(false);
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Genie answers a directory path with its JSON listing, whatever was asked. A small JSON answer is buffered and
        /// checked for the listing shape (a JSON file is not mistaken for one: it is put back and read as bytes).
        /// </summary>
        internal async Task RejectDirectoryAsync(string id, string path, HttpResponseMessage response, CancellationToken ct)
        {
            var media = response.Content.Headers.ContentType?.MediaType ?? "";
            if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)) return;
            var length = response.Content.Headers.ContentLength;
            if (length.HasValue && length.Value > MaxListingBytes) return;
            var body = await ReadBodyAsync(response, ct).ConfigureAwait(false);
            if (TryParseListing(body) != null) throw new GenieOutputIsDirectoryException(id, path);
            var copy = new ByteArrayContent(body);
            foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = copy;
        }

        private const long MaxListingBytes = 4 * 1024 * 1024;

        internal async Task<Exception> NotFoundAsync(string id, string path, GenieApiException outputNotFound, CancellationToken ct)
        {
            try
            {
                await Client.GetJobStatusAsync(id, ct).ConfigureAwait(false);
            }
            catch (GenieApiException status) when (status.IsNotFound)
            {
                return status;
            }
            return new GenieOutputNotFoundException(id, path, outputNotFound);
        }

        private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var expected = response.Content.Headers.ContentLength;
            using (var memory = new MemoryStream(expected.HasValue && expected.Value <= int.MaxValue ? (int)expected.Value : 0))
            {
                var buffer = new byte[BufferSize];
                int n;
                while ((n = await ReadResponseAsync(response, source, buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
                    memory.Write(buffer, 0, n);
                return memory.ToArray();
            }
        }

        /// <summary>
        /// One read from a response body. Cancellation disposes the response, which also unblocks readers that ignore
        /// the token (.NET Framework); a broken connection becomes a <see cref="GenieConnectionException"/>.
        /// </summary>
        internal async Task<int> ReadResponseAsync(HttpResponseMessage response, Stream source, byte[] buffer, int offset, int count, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            using (ct.Register(state => ((HttpResponseMessage)state!).Dispose(), response))
            {
                try
                {
                    return await source.ReadAsync(buffer, offset, count, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException)
                {
                    ct.ThrowIfCancellationRequested();
                    throw new GenieConnectionException(Client.BaseUri, $"The connection to Genie at {Client.BaseUri} broke while reading job output: {ex.Message}", ex);
                }
            }
        }
    }

    /// <summary>A whole output file read as lines, one batch per call, from a single streamed response.</summary>
    public sealed class OutputLineStream : IDisposable
    {
        private readonly JobOutputReader _reader;
        private readonly HttpResponseMessage? _response;
        private readonly Stream? _stream;
        private readonly Utf8LineSplitter _splitter = new Utf8LineSplitter();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private bool _done;

        internal OutputLineStream(JobOutputReader reader, HttpResponseMessage? response, Stream? stream)
        {
            _reader = reader;
            _response = response;
            _stream = stream;
            _done = stream == null;
        }

        /// <summary>Bytes read so far.</summary>
        public long BytesRead { get; private set; }

        /// <summary>
        /// The next lines (at least one, unless the file ends); null once the file has been read. The last line is
        /// returned even without a final newline.
        /// </summary>
        public async Task<IReadOnlyList<string>?> ReadBatchAsync(CancellationToken ct)
        {
            if (_done) return null;
            var lines = new List<string>();
            while (lines.Count == 0)
            {
                var n = await _reader.ReadResponseAsync(_response!, _stream!, _buffer, 0, _buffer.Length, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    _done = true;
                    var last = _splitter.Flush();
                    if (last != null) lines.Add(last);
                    return lines.Count == 0 ? null : lines;
                }
                BytesRead += n;
                _splitter.Write(_buffer, 0, n, lines);
            }
            return lines;
        }

        public void Dispose() => _response?.Dispose();
    }

    /// <summary>
    /// Follows a growing output file (like <c>tail -f</c>): each step asks for <c>bytes=&lt;offset&gt;-</c> (at most
    /// <see cref="ChunkSize"/> bytes) and treats 416 as "nothing new". Once caught up with the file, a step first asks
    /// /status: while the job runs it waits <see cref="PollInterval"/> before reading; once the job has finished, reads
    /// continue without waiting until one brings nothing, and the follower is <see cref="Finished"/>. A path that does not exist
    /// yet (404, or 5xx before a G4 agent connects) counts as "nothing new" until the job has finished.
    /// The decoder keeps its state across steps, so characters split between reads stay whole, and a partial last
    /// line is held until its newline arrives or the job ends. Not thread-safe: one caller (the pipeline thread).
    /// </summary>
    public sealed class JobOutputFollower
    {
        private readonly JobOutputReader _reader;
        private readonly Utf8LineSplitter _splitter = new Utf8LineSplitter();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private bool _jobFinished;
        private bool _caughtUp;
        private GenieApiException? _unavailable;

        internal JobOutputFollower(JobOutputReader reader, string id, string path, long offset)
        {
            _reader = reader;
            JobId = id;
            Path = path;
            Offset = offset;
            PollInterval = reader.PollInterval;
            ChunkSize = Math.Max(1, reader.FollowChunkSize);
            MaxConsecutiveFailures = Math.Max(1, reader.MaxConsecutiveFailures);
        }

        public string JobId { get; }
        public string Path { get; }
        /// <summary>The file offset of the next byte to read.</summary>
        public long Offset { get; private set; }
        /// <summary>True once the job has finished and the file has been read to its end.</summary>
        public bool Finished { get; private set; }
        /// <summary>The job's final status, once known.</summary>
        public string? FinalStatus { get; private set; }
        public TimeSpan PollInterval { get; set; }
        public int ChunkSize { get; set; }
        /// <summary>How many steps in a row may fail before the follower gives up (see <see cref="JobOutputReader.MaxConsecutiveFailures"/>).</summary>
        public int MaxConsecutiveFailures { get; set; }
        /// <summary>Steps failed in a row so far.</summary>
        public int ConsecutiveFailures { get; private set; }
        /// <summary>Why the last read found nothing, when the path was missing or unavailable, or Genie could not be reached (for verbose messages).</summary>
        public string? WaitingReason => _transient != null ? $"{_transient.Message} (failure {ConsecutiveFailures} of at most {MaxConsecutiveFailures} in a row; trying again)" : _unavailable?.Message;

        private GenieException? _transient;
        private DateTimeOffset? _firstFailure;

        /// <summary>
        /// One step: waits first if the previous step had caught up, reads what is new, and returns the lines it
        /// completed (possibly none). After the final step the held-back partial line is returned too.
        /// Throws <see cref="GenieOutputNotFoundException"/> when the job has finished and the path never appeared.
        /// </summary>
        public async Task<IReadOnlyList<string>> ReadNewLinesAsync(CancellationToken ct)
        {
            var lines = new List<string>();
            // lines completed before a failure stay in the list: their bytes are consumed (Offset moved past them)
            await RideThroughAsync((buffer, offset, count) =>
            {
                _splitter.Write(buffer, offset, count, lines);
                return CompletedTask;
            }, ct).ConfigureAwait(false);
            if (Finished)
            {
                var last = _splitter.Flush();
                if (last != null) lines.Add(last);
            }
            return lines;
        }

        /// <summary>One step in byte mode: writes what is new to <paramref name="destination"/>; returns the byte count.</summary>
        public async Task<long> CopyNewBytesAsync(Stream destination, CancellationToken ct)
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            long written = 0;
            await RideThroughAsync(async (buffer, offset, count) =>
            {
                await destination.WriteAsync(buffer, offset, count, ct).ConfigureAwait(false);
                written += count;
            }, ct).ConfigureAwait(false);
            return written;
        }

        private static readonly Task CompletedTask = Task.FromResult(true);

        /// <summary>
        /// One step that survives transient failures (a server restart, a network blip): the failure is counted, the
        /// follower waits <see cref="PollInterval"/>, and the next step resumes at <see cref="Offset"/>. After
        /// <see cref="MaxConsecutiveFailures"/> in a row it gives up with <see cref="GenieContactLostException"/>.
        /// </summary>
        private async Task RideThroughAsync(Func<byte[], int, int, Task> sink, CancellationToken ct)
        {
            try
            {
                await StepAsync(sink, ct).ConfigureAwait(false);
                ConsecutiveFailures = 0;
                _firstFailure = null;
                _transient = null;
            }
            catch (GenieException ex) when (!Finished && IsTransient(ex))
            {
                _transient = ex;
                _firstFailure ??= DateTimeOffset.UtcNow;
                ConsecutiveFailures++;
                if (ConsecutiveFailures >= MaxConsecutiveFailures)
                    throw new GenieContactLostException(_reader.Client.BaseUri, ConsecutiveFailures, DateTimeOffset.UtcNow - _firstFailure.Value, ex);
                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
        }

        internal static bool IsTransient(GenieException ex) => ex switch
        {
            GenieContactLostException _ => false,
            GenieTlsException _ => false,
            GenieConnectionException _ => true,
            GenieApiException api => (int)api.StatusCode >= 500 || (int)api.StatusCode == 429 || (int)api.StatusCode == 408,
            _ => false,
        };

        private async Task StepAsync(Func<byte[], int, int, Task> sink, CancellationToken ct)
        {
            if (Finished) return;
            if (_caughtUp && !_jobFinished)
            {
                // Caught up with the file: is the job still writing? If so, wait before reading again.
                var status = await _reader.Client.GetJobStatusAsync(JobId, ct).ConfigureAwait(false);
                if (GenieJobStatus.IsFinished(status))
                {
                    _jobFinished = true;
                    FinalStatus = status;
                }
                else
                {
                    await Task.Delay(PollInterval, ct).ConfigureAwait(false);
                }
            }

            var read = await ReadAsync(sink, ct).ConfigureAwait(false);
            if (read > 0)
            {
                _caughtUp = read < ChunkSize;
                return;
            }
            if (!_jobFinished)
            {
                _caughtUp = true;
                return;
            }
            // The job had finished before this read began, and the read brought nothing: that was everything.
            Finished = true;
            if (_unavailable != null)
            {
                if (_unavailable.IsNotFound) throw await _reader.NotFoundAsync(JobId, Path, _unavailable, ct).ConfigureAwait(false);
                throw _unavailable;
            }
        }

        private async Task<long> ReadAsync(Func<byte[], int, int, Task> sink, CancellationToken ct)
        {
            HttpResponseMessage? response;
            try
            {
                response = await _reader.Client.OpenOutputFileAsync(JobId, Path, $"bytes={Offset}-{Offset + ChunkSize - 1}", ct).ConfigureAwait(false);
            }
            catch (GenieApiException ex) when (ex.IsNotFound || (int)ex.StatusCode >= 500)
            {
                _unavailable = ex;
                return 0;
            }
            _unavailable = null;
            if (response == null) return 0; // 416: nothing at or after Offset yet
            if (response.StatusCode != HttpStatusCode.PartialContent)
            {
                try { await _reader.RejectDirectoryAsync(JobId, Path, response, ct).ConfigureAwait(false); }
                catch { response.Dispose(); throw; }
            }

            using (response)
            {
                long skip;
                if (response.StatusCode == HttpStatusCode.PartialContent)
                {
                    var from = response.Content.Headers.ContentRange?.From ?? Offset;
                    if (from > Offset)
                        throw new GenieProtocolException($"Genie answered a range of job '{JobId}' output '{Path}' from byte {from} when asked from {Offset}.");
                    skip = Offset - from;
                }
                else
                {
                    skip = Offset; // 200: the server ignored the Range and sends the whole file
                }

                var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                long total = 0;
                int n;
                while ((n = await _reader.ReadResponseAsync(response, source, _buffer, 0, _buffer.Length, ct).ConfigureAwait(false)) > 0)
                {
                    var start = 0;
                    if (skip > 0)
                    {
                        start = (int)Math.Min(skip, n);
                        skip -= start;
                        if (start == n) continue;
                    }
                    await sink(_buffer, start, n - start).ConfigureAwait(false);
                    total += n - start;
                    Offset += n - start;
                }
                return total;
            }
        }
    }
}
