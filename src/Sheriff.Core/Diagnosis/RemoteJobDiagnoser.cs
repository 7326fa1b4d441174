using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Sheriff.Core.Genie;

namespace Sheriff.Core.Diagnosis
{
    /// <summary>
    /// Diagnoses a Genie job from its output (genie-api.md §10.3 order): the status message, then stderr, stdout,
    /// spark.log and Genie's own logs (genie/logs/setup.log, agent.log, genie.log). Each file is read from its end with
    /// suffix Range requests (64 KiB first); the window grows backwards (4 times each step) only while it holds no
    /// specific failure signature, and all files together never cost more than <see cref="MaxTotalBytes"/>.
    /// </summary>
    public sealed class RemoteJobDiagnoser
    {
        /// <summary>
        /// Files read, in order (genie-api.md §10.3: stderr, Genie's setup and agent logs [G4] or genie.log and
        /// initFailureDetails.txt [G3], spark.log), with stdout after stderr because PySpark drivers print there too.
        /// Missing ones are skipped.
        /// </summary>
        public static readonly IReadOnlyList<string> DefaultFiles = new[]
        {
            "stderr", "stdout", "genie/logs/setup.log", "genie/logs/agent.log", "genie/logs/genie.log", "initFailureDetails.txt", "spark.log",
        };

        private readonly JobOutputReader _reader;
        private readonly DiagnosisEngine _engine;

        public RemoteJobDiagnoser(JobOutputReader reader, DiagnosisEngine engine)
        {
            _reader = reader ?? throw new ArgumentNullException(nameof(reader));
            _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        }

        public int InitialWindowBytes { get; set; } = 64 * 1024;
        /// <summary>The most bytes read from one file.</summary>
        public long MaxFileBytes { get; set; } = 1024 * 1024;
        /// <summary>The most bytes read for one job, all files together.</summary>
        public long MaxTotalBytes { get; set; } = 2 * 1024 * 1024;
        /// <summary>A window holding a rule hit of at least this priority stops growing.</summary>
        public int SpecificPriority { get; set; } = 50;

        /// <summary>Optional progress messages (verbose output) from the pipeline thread's point of view.</summary>
        public Action<string>? Log { get; set; }

        public async Task<JobDiagnosis> DiagnoseAsync(GenieJob job, CancellationToken ct)
        {
            if (job == null) throw new ArgumentNullException(nameof(job));
            var sources = new List<LogSource>();
            if (!string.IsNullOrWhiteSpace(job.StatusMessage))
                sources.Add(new LogSource("status", new[] { job.StatusMessage! }));
            long total = 0;
            foreach (var file in DefaultFiles)
            {
                var budget = Math.Min(MaxFileBytes, MaxTotalBytes - total);
                if (budget <= 0) break;
                var window = await ReadTailAsync(job.Id, file, budget, ct).ConfigureAwait(false);
                if (window == null) continue;
                total += window.BytesRead;
                Log?.Invoke($"{file}: read {window.BytesRead} of {window.Length} bytes in {window.Requests} request(s).");
                // A tail read: line numbers count from the first whole line read, and evidence says so ("stderr:+12 (from byte N)").
                sources.Add(new LogSource(file, window.Lines, 1, window.Start == 0 ? (long?)null : window.FirstLineByte));
            }
            var diagnosis = _engine.Diagnose(sources, job.Status, job.Id);
            diagnosis.BytesRead = total;
            return diagnosis;
        }

        internal sealed class Window
        {
            public Window(IReadOnlyList<string> lines, long start, long length, long bytesRead, int requests, long firstLineByte = 0)
            {
                Lines = lines;
                Start = start;
                FirstLineByte = firstLineByte;
                Length = length;
                BytesRead = bytesRead;
                Requests = requests;
            }

            public IReadOnlyList<string> Lines { get; }
            public long Start { get; }
            /// <summary>The byte offset of the first whole line in <see cref="Lines"/> (the partial line before it is dropped).</summary>
            public long FirstLineByte { get; }
            public long Length { get; }
            public long BytesRead { get; }
            public int Requests { get; }
        }

        /// <summary>The end of one file, grown backwards until it holds a specific signature, the file start, or the budget.</summary>
        internal async Task<Window?> ReadTailAsync(string id, string path, long budget, CancellationToken ct)
        {
            byte[] window;
            long start, length;
            var requests = 0;
            long read = 0;
            var first = (int)Math.Min(budget, InitialWindowBytes);
            System.Net.Http.HttpResponseMessage? response;
            try
            {
                response = await _reader.OpenAsync(id, path, "bytes=-" + Math.Max(1, first), ct).ConfigureAwait(false);
            }
            catch (GenieOutputNotFoundException) { return null; }
            catch (GenieOutputIsDirectoryException) { return null; }
            catch (GenieApiException ex) when ((int)ex.StatusCode >= 500 || (int)ex.StatusCode == 412) { return null; }
            requests++;
            if (response == null) return new Window(Array.Empty<string>(), 0, 0, 0, requests);
            using (response)
            {
                window = await ReadCappedAsync(response, first, ct).ConfigureAwait(false);
                read += window.Length;
                var range = response.Content.Headers.ContentRange;
                if (response.StatusCode == HttpStatusCode.PartialContent && range?.From != null && range.Length != null)
                {
                    start = range.From.Value;
                    length = range.Length.Value;
                }
                else
                {
                    // The server ignored Range: what was read is the file's beginning, capped.
                    start = 0;
                    length = response.Content.Headers.ContentLength ?? window.Length;
                    return new Window(Lines(window, 0, length > window.Length), 0, length, read, requests);
                }
            }

            while (true)
            {
                var lines = Lines(window, start, false);
                var firstLineByte = FirstLineByte(window, start);
                if (start == 0 || read >= budget || Specific(lines)) return new Window(lines, start, length, read, requests, firstLineByte);
                var grow = Math.Min(start, Math.Min(budget - read, (long)window.Length * 3));
                var from = start - grow;
                using (var more = await _reader.OpenAsync(id, path, $"bytes={from}-{start - 1}", ct).ConfigureAwait(false))
                {
                    requests++;
                    if (more == null || more.StatusCode != HttpStatusCode.PartialContent) return new Window(lines, start, length, read, requests, firstLineByte);
                    var body = await ReadCappedAsync(more, (int)grow, ct).ConfigureAwait(false);
                    read += body.Length;
                    var got = more.Content.Headers.ContentRange?.From ?? from;
                    if (got != from || body.Length != grow) return new Window(lines, start, length, read, requests, firstLineByte);
                    var combined = new byte[body.Length + window.Length];
                    Buffer.BlockCopy(body, 0, combined, 0, body.Length);
                    Buffer.BlockCopy(window, 0, combined, body.Length, window.Length);
                    window = combined;
                    start = from;
                }
            }
        }

        private bool Specific(IReadOnlyList<string> lines)
        {
            var scan = _engine.StartScan();
            long n = 1;
            foreach (var line in lines) scan.Feed("window", n++, line);
            return scan.HasHit(SpecificPriority);
        }

        /// <summary>The file offset where the window's first whole line starts (the byte after its first newline, mid-file).</summary>
        private static long FirstLineByte(byte[] window, long start)
        {
            if (start == 0) return 0;
            var newline = Array.IndexOf(window, (byte)'\n');
            return newline < 0 ? start + window.Length : start + newline + 1;
        }

        /// <summary>Lines of a window; when it starts mid-file its first (partial) line is dropped.</summary>
        private static IReadOnlyList<string> Lines(byte[] window, long start, bool truncatedEnd)
        {
            var lines = Utf8LineSplitter.SplitAll(window, 0, window.Length).ToList();
            if (start > 0 && lines.Count > 0) lines.RemoveAt(0);
            if (truncatedEnd && lines.Count > 0) lines.RemoveAt(lines.Count - 1);
            return lines;
        }

        private async Task<byte[]> ReadCappedAsync(System.Net.Http.HttpResponseMessage response, int cap, CancellationToken ct)
        {
            var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[Math.Max(1, cap)];
            var filled = 0;
            while (filled < cap)
            {
                var n = await _reader.ReadResponseAsync(response, source, buffer, filled, cap - filled, ct).ConfigureAwait(false);
                if (n == 0) break;
                filled += n;
            }
            if (filled < buffer.Length) Array.Resize(ref buffer, filled);
            return buffer;
        }
    }
}
