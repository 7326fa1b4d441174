using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Sheriff.Core.Diagnosis
{
    /// <summary>A named sequence of log lines, read lazily (a file is streamed, never loaded whole).</summary>
    public sealed class LogSource
    {
        public LogSource(string name, IEnumerable<string> lines, long firstLineNumber = 1)
            : this(name, lines, firstLineNumber, null)
        {
        }

        /// <param name="name">The file's name in evidence (stderr, spark.log, a local path ...).</param>
        /// <param name="lines">The lines, read lazily.</param>
        /// <param name="firstLineNumber">The number of the first line.</param>
        /// <param name="fromByte">
        /// Null when the lines start at the file's beginning. Otherwise only the file's end was read: the first line
        /// starts at this byte offset, and line numbers count from it rather than from the start of the file.
        /// </param>
        public LogSource(string name, IEnumerable<string> lines, long firstLineNumber, long? fromByte)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Lines = lines ?? throw new ArgumentNullException(nameof(lines));
            FirstLineNumber = firstLineNumber;
            FromByte = fromByte;
        }

        public string Name { get; }
        public IEnumerable<string> Lines { get; }
        public long FirstLineNumber { get; }
        /// <summary>Null: the lines start at the file's beginning. Otherwise the byte offset of the first line (a tail read).</summary>
        public long? FromByte { get; }

        /// <summary>A local file, streamed line by line (UTF-8, invalid bytes as U+FFFD).</summary>
        public static LogSource FromFile(string path, string? name = null) => new LogSource(name ?? path, ReadLines(path)) { FilePath = path };

        /// <summary>
        /// Set for <see cref="FromFile"/>: the engine then reads the file as bytes itself and decodes only the lines it
        /// needs (the lines are the same as <see cref="Lines"/> gives).
        /// </summary>
        internal string? FilePath { get; private set; }

        /// <summary>Text split into lines.</summary>
        public static LogSource FromText(string text, string name = "text") => new LogSource(name, SplitText(text ?? ""));

        internal static IEnumerable<string> ReadLines(string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan))
            using (var reader = new StreamReader(stream, new UTF8Encoding(false, false), true, 64 * 1024))
            {
                string? line;
                while ((line = reader.ReadLine()) != null) yield return line;
            }
        }

        private static IEnumerable<string> SplitText(string text)
        {
            using (var reader = new StringReader(text))
            {
                string? line;
                while ((line = reader.ReadLine()) != null) yield return line;
            }
        }
    }

    /// <summary>
    /// Finds the root cause of a job failure in its logs. Lines stream through once; every rule is tried on each line
    /// that is not a stack frame, and the first hit of each rule is kept (later hits are echoes). The winner is the hit
    /// with the highest priority, hits on lines logged at WARN/INFO (and the stack traces under them) counting less than
    /// hits on ERROR lines or uncaught output, then the earliest. Because wrappers (SparkException, Py4JJavaError,
    /// "Job aborted due to stage failure") are low-priority rules, the specific exception they carry, inline or further
    /// down a <c>Caused by:</c> chain, wins. A job that succeeded gets no failure diagnosis; with text only, a failure
    /// needs evidence: an uncaught exception or traceback, a failed final status, or ERROR lines without a success mark.
    /// </summary>
    public sealed class DiagnosisEngine
    {
        public DiagnosisEngine(RuleSet? rules = null) => Rules = rules ?? RuleSet.BuiltIn;

        public RuleSet Rules { get; }

        /// <summary>Diagnoses the sources in order. <paramref name="jobStatus"/> is the job's final status when known.</summary>
        public JobDiagnosis Diagnose(IEnumerable<LogSource> sources, string? jobStatus = null, string? jobId = null)
        {
            var scan = new DiagnosisScan(this);
            foreach (var source in sources)
            {
                var n = source.FirstLineNumber;
                scan.StartSourceAt(source.FromByte);
                if (source.FilePath != null) scan.FeedFile(source.FilePath, source.Name, n);
                else foreach (var line in source.Lines) scan.Feed(source.Name, n++, line);
                scan.EndSource();
            }
            return scan.Result(jobStatus, jobId);
        }

        public JobDiagnosis Diagnose(LogSource source, string? jobStatus = null, string? jobId = null)
            => Diagnose(new[] { source }, jobStatus, jobId);

        public JobDiagnosis DiagnoseText(string text, string? jobStatus = null, string? jobId = null)
            => Diagnose(LogSource.FromText(text), jobStatus, jobId);

        /// <summary>Starts an incremental scan (feed lines, then ask for the result).</summary>
        public DiagnosisScan StartScan() => new DiagnosisScan(this);

        internal static bool IsFailedStatus(string? status)
            => status != null && (status.Equals("FAILED", StringComparison.OrdinalIgnoreCase) || status.Equals("KILLED", StringComparison.OrdinalIgnoreCase)
                                  || status.Equals("INVALID", StringComparison.OrdinalIgnoreCase));

        internal static bool IsSucceededStatus(string? status)
            => status != null && status.Equals("SUCCEEDED", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// One pass over a job's logs. Not thread-safe. Each line first gets a cheap look: the common log4j prefix is read
    /// by hand, and one combined literal search (<see cref="ScanPrefilter"/>) decides which patterns could match at
    /// all; only those run. The outcome is the same as running every pattern on every line.
    /// </summary>
    public sealed class DiagnosisScan
    {
        private const RegexOptions Options = RegexOptions.CultureInvariant;
        private static readonly TimeSpan Timeout = DiagnosisRule.MatchTimeout;

        // "24/05/01 10:00:03 WARN Foo:", "2024-05-01 10:00:03,123 ERROR [main] Foo", "2024-05-01T10:00:03.120Z  INFO 12 --- [x]", "WARNING:root:".
        private static readonly Regex LogPrefix = new Regex(
            @"^\s*(?:(?:\[?\d{2,4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?|\[[^\]]{4,40}\])\s+(?:\[[^\]]{0,60}\]\s+)?(?<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL)\b|(?<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL):[\w.]+:|(?<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)(?::|\s))",
            Options, Timeout);
        private static readonly Regex Frame = new Regex(@"^\s+(?:at [\w$.<>/]+[(.]|\.\.\. \d+ (?:more|common frames omitted)|File "".*"", line \d+)", Options, Timeout);
        private static readonly Regex UncaughtStart = new Regex(@"^(?:Traceback \(most recent call last\):|Exception in thread |py4j\.protocol\.Py4JJavaError|Exception: |Error: |usage: \S)", Options, Timeout);
        private static readonly Regex Strong = new Regex(
            @"^Traceback \(most recent call last\)|^Exception in thread |Py4JJavaError|Job aborted|final status: FAILED|^[\w.\-]+: error: (?:the following arguments are required|unrecognized arguments|one of the arguments|argument )|(?:exit|Exit)(?:ed)? ?(?:with )?(?:code|status|Code|Status)[: ]+(?:is )?(?!143\b)[1-9]",
            Options, Timeout);
        private static readonly Regex UncaughtException = new Regex(@"^(?::\s)?[\w.$]*(?:Error|Exception|Failure)(?::|$)", Options, Timeout);
        // Final states that count whatever the log level of the line.
        private static readonly Regex Terminal = new Regex(
            @"[Ff]inal (?:app )?status:? (?:FAILED|KILLED)|""status""\s*:\s*""(?:FAILED|KILLED|INVALID)""|Job final status: (?:FAILED|KILLED)",
            Options, Timeout);
        private static readonly Regex ErrorLooking = new Regex(
            @"\b(?:ERROR|FATAL|SEVERE|CRITICAL)\b|Exception|Error\b|Traceback|\bFAILED\b|\bfailed\b|Killed|killed|denied|Caused by:",
            Options, Timeout);
        private static readonly Regex Success = new Regex(
            @"[Ff]inal (?:app )?status:? SUCCEEDED|Job finished successfully|(?i:exit ?(?:code|status))[: ]+0\b|Application .* finished with status SUCCEEDED|\bJob \d+ finished: |""status""\s*:\s*""SUCCEEDED""",
            Options, Timeout);

        // Indexes into EngineRegexes (and the prefilter's engine guards).
        private const int GuardStrong = 0, GuardUncaughtException = 1, GuardTerminal = 2, GuardErrorLooking = 3, GuardSuccess = 4;

        /// <summary>The scan's own patterns that the prefilter guards, in the Guard* order.</summary>
        internal static readonly IReadOnlyList<Regex> EngineRegexes = new[] { Strong, UncaughtException, Terminal, ErrorLooking, Success };

        private const string LevelError = "ERROR", LevelFatal = "FATAL", LevelSevere = "SEVERE", LevelCritical = "CRITICAL", LevelWarning = "WARNING";
        private static readonly string[] Levels = { "TRACE", "DEBUG", "INFO", "WARN", LevelWarning, LevelError, LevelFatal, LevelSevere, LevelCritical };

        private readonly DiagnosisEngine _engine;
        private readonly IReadOnlyList<DiagnosisRule> _rules;
        private readonly ScanPrefilter _prefilter;
        private readonly ScanPrefilter.LineState _lits;
        private readonly bool _usePrefilter;
        // The byte path may skip a line without literals only when every engine check is guarded and no rule runs everywhere.
        private readonly bool _fastPath;
        private readonly Hit?[] _first;
        private readonly Queue<DiagnosisEvidence> _lastErrors = new Queue<DiagnosisEvidence>();
        private string? _level;          // level of the current log record; null = plain output (uncaught)
        // The current log record's first line, kept raw; its evidence object is made only when a hit needs it.
        private bool _hasHeader;
        private string _headerFile = "";
        private long _headerLineNumber;
        private string _headerRaw = "";
        // A header from the byte path stays bytes until a hit or a context check needs its text.
        private byte[] _headerBytes = new byte[256];
        private int _headerByteCount = -1; // -1: _headerRaw holds the text
        private long _headerStamp;
        private DiagnosisEvidence? _headerEvidence;
        private long? _headerFromByte;
        private long? _fromByte;
        private DiagnosisEvidence? _firstStrong;
        private bool _weak;
        private bool _previousWasHeader;
        private bool _success;
        private long _sequence;
        private long _lineStamp;
        // The line being fed.
        private string _curFile = "";
        private long _curLineNumber;
        private string _curLine = "";
        private DiagnosisEvidence? _here;
        private bool _litsReady;

        internal DiagnosisScan(DiagnosisEngine engine) : this(engine, usePrefilter: true)
        {
        }

        /// <summary>With <paramref name="usePrefilter"/> false every pattern runs on every line (tests compare both).</summary>
        internal DiagnosisScan(DiagnosisEngine engine, bool usePrefilter)
        {
            _engine = engine;
            _rules = engine.Rules.Rules;
            _prefilter = engine.Rules.Prefilter;
            _lits = new ScanPrefilter.LineState(_prefilter);
            _usePrefilter = usePrefilter;
            _fastPath = usePrefilter && _prefilter.AlwaysRules.Length == 0 && _prefilter.EngineGuards.All(g => g != null);
            _first = new Hit?[_rules.Count];
        }

        public long LinesScanned { get; private set; }
        public long CharsScanned { get; private set; }

        private sealed class Hit
        {
            public Hit(DiagnosisRule rule, Match match, DiagnosisEvidence line, DiagnosisEvidence? header, bool soft, long sequence)
            {
                Rule = rule;
                Match = match;
                Line = line;
                Header = header;
                Soft = soft;
                Sequence = sequence;
            }

            public DiagnosisRule Rule { get; }
            public Match Match { get; }
            public DiagnosisEvidence Line { get; }
            public DiagnosisEvidence? Header { get; }
            public bool Soft { get; }
            public long Sequence { get; }
            public int Score => Rule.Priority + (Soft ? 0 : 20);
        }

        /// <summary>Call between sources: the next line starts a new log record.</summary>
        public void EndSource()
        {
            _level = null;
            _hasHeader = false;
            _headerEvidence = null;
            _fromByte = null;
        }

        /// <summary>
        /// The lines that follow come from a file read from byte <paramref name="fromByte"/> on (its end only): their line
        /// numbers count from there. Null: from the file's start. Reset by <see cref="EndSource"/>.
        /// </summary>
        public void StartSourceAt(long? fromByte) => _fromByte = fromByte;

        public void Feed(string file, long lineNumber, string line)
        {
            LinesScanned++;
            CharsScanned += line.Length;
            if (line.Length == 0) return;
            if (line.Length > 20000) line = line.Substring(0, 20000);
            if (line.StartsWith("==> ", StringComparison.Ordinal) && line.EndsWith(" <==", StringComparison.Ordinal))
            {
                // tail's header between files: a new log starts.
                EndSource();
                return;
            }
            _lineStamp++;
            _litsReady = false;
            _here = null;
            _curFile = file;
            _curLineNumber = lineNumber;
            _curLine = line;

            // A stack frame (only lines that start with white space can be one) can be neither a log record's first line
            // nor the start of uncaught output: it is skipped whole.
            if (char.IsWhiteSpace(line[0]) && Frame.IsMatch(line)) return;

            var guards = _prefilter.EngineGuards;
            var level = _usePrefilter ? FastLevel(line) : null;
            if (level == null)
            {
                var prefix = LogPrefix.Match(line);
                if (prefix.Success) level = prefix.Groups["level"].Value.ToUpperInvariant();
            }
            var isHeader = level != null;
            if (isHeader)
            {
                _level = level;
                SetHeader(file, lineNumber, line);
            }
            else if (MayStartUncaught(line) && UncaughtStart.IsMatch(line))
            {
                // A traceback right under a Python "WARNING" record is that record's exc_info (logging), not a crash.
                if (!(_level == LevelWarning && _previousWasHeader))
                {
                    _level = null;
                    SetHeader(file, lineNumber, line);
                }
            }

            _previousWasHeader = isHeader;
            var soft = _level != null && _level != LevelError && _level != LevelFatal && _level != LevelSevere && _level != LevelCritical;
            if (!soft)
            {
                if (_level != null) _weak = true;
                if (_firstStrong == null
                    && ((Passes(guards[GuardStrong]) && Strong.IsMatch(line))
                        || (_level == null && Passes(guards[GuardUncaughtException]) && UncaughtException.IsMatch(line))))
                    _firstStrong = Here();
            }
            if (!_success && Passes(guards[GuardSuccess]) && Success.IsMatch(line)) _success = true;
            if (_firstStrong == null && Passes(guards[GuardTerminal]) && Terminal.IsMatch(line)) _firstStrong = Here();
            if (Passes(guards[GuardErrorLooking]) && ErrorLooking.IsMatch(line))
            {
                _lastErrors.Enqueue(Here());
                while (_lastErrors.Count > 5) _lastErrors.Dequeue();
            }

            if (_usePrefilter)
            {
                Lits();
                if (!_lits.Any)
                {
                    // No literal on the line: only rules with an unguarded pattern can match.
                    foreach (var i in _prefilter.AlwaysRules) TryRule(i, line, soft);
                    return;
                }
            }
            for (var i = 0; i < _rules.Count; i++) TryRule(i, line, soft);
        }

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        /// <summary>
        /// Feeds a local file, read as bytes (what <see cref="LogSource.FromFile"/> would give as lines: UTF-8, a byte
        /// order mark skipped, lines ending at \n, \r\n or \r like StreamReader.ReadLine). An ASCII line that starts a
        /// log record and holds no literal of any pattern, or that is a stack frame, is handled on its bytes; every other
        /// line is decoded and fed as text. A file with a UTF-16 or UTF-32 byte order mark is read through StreamReader.
        /// </summary>
        public void FeedFile(string path, string file, long firstLineNumber = 1)
        {
            var n = firstLineNumber;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
            {
                var buffer = new byte[1 << 20];
                var filled = ReadSome(stream, buffer, 0);
                var start = 0;
                if (filled >= 2 && ((buffer[0] == 0xFE && buffer[1] == 0xFF) || (buffer[0] == 0xFF && buffer[1] == 0xFE)
                                    || (filled >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0xFE && buffer[3] == 0xFF)))
                {
                    stream.Dispose();
                    foreach (var line in LogSource.ReadLines(path)) Feed(file, n++, line);
                    return;
                }
                if (filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
                while (true)
                {
                    // Every complete line in the buffer.
                    while (true)
                    {
                        var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                        if (newline < 0) break;
                        n = FeedSegment(file, n, buffer, start, newline, endOfFile: false);
                        start = newline + 1;
                    }
                    // Keep the partial last line; grow the buffer when one line fills it.
                    var rest = filled - start;
                    if (start == 0 && rest == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    else if (rest > 0) Buffer.BlockCopy(buffer, start, buffer, 0, rest);
                    start = 0;
                    filled = rest;
                    var read = ReadSome(stream, buffer, filled);
                    if (read == filled)
                    {
                        FeedSegment(file, n, buffer, 0, filled, endOfFile: true);
                        return;
                    }
                    filled = read;
                }
            }
        }

        /// <summary>Reads into buffer[from..] until it is full or the stream ends; returns the new fill level.</summary>
        private static int ReadSome(Stream stream, byte[] buffer, int from)
        {
            while (from < buffer.Length)
            {
                var read = stream.Read(buffer, from, buffer.Length - from);
                if (read <= 0) break;
                from += read;
            }
            return from;
        }

        /// <summary>
        /// The bytes between two '\n' (or after the last one): one line, or several when lone '\r' end lines inside.
        /// Returns the next line number.
        /// </summary>
        private long FeedSegment(string file, long n, byte[] buffer, int start, int end, bool endOfFile)
        {
            if (!endOfFile && end > start && buffer[end - 1] == '\r') end--; // \r\n
            while (true)
            {
                var cr = Array.IndexOf(buffer, (byte)'\r', start, end - start);
                if (cr < 0) break;
                FeedBytes(file, n++, buffer, start, cr - start);
                start = cr + 1;
            }
            // At the end of the file an empty remainder is no line (the file ended with a line end).
            if (!endOfFile || end > start) FeedBytes(file, n++, buffer, start, end - start);
            return n;
        }

        private void FeedBytes(string file, long lineNumber, byte[] buffer, int offset, int count)
        {
            if (!(_usePrefilter && _fastPath && count > 0 && count <= 20000 && IsAscii(buffer, offset, count) && TryFeedAscii(file, lineNumber, buffer, offset, count)))
                Feed(file, lineNumber, count == 0 ? "" : Utf8.GetString(buffer, offset, count));
        }

        private static bool IsAscii(byte[] buffer, int offset, int count)
        {
#if NET8_0_OR_GREATER
            return System.Text.Ascii.IsValid(new ReadOnlySpan<byte>(buffer, offset, count));
#else
            for (var i = offset; i < offset + count; i++)
                if (buffer[i] >= 0x80) return false;
            return true;
#endif
        }

        /// <summary>
        /// The common lines on their bytes: a stack frame, or a log record's first line that holds no literal (so no
        /// pattern but the level can match it). Does exactly what <see cref="Feed"/> does with such a line; false (and
        /// nothing done) for any other line.
        /// </summary>
        private bool TryFeedAscii(string file, long lineNumber, byte[] buffer, int offset, int count)
        {
            if (buffer[offset] <= (byte)' ' && IsFrameAscii(buffer, offset, count))
            {
                LinesScanned++;
                CharsScanned += count;
                _lineStamp++;
                _here = null;
                return true;
            }
            var level = FastLevel(buffer, offset, count);
            if (level == null)
            {
                // Plain output (a Python warning, indented code ...): handled here only when neither LogPrefix nor
                // UncaughtStart can match it and it holds no literal; Feed then changes nothing but the record flag.
                if (!CannotStartRecord(buffer, offset, count) || _lits.AnyInAscii(buffer, offset, count)) return false;
                LinesScanned++;
                CharsScanned += count;
                _lineStamp++;
                _here = null;
                _previousWasHeader = false;
                var plainSoft = _level != null && _level != LevelError && _level != LevelFatal && _level != LevelSevere && _level != LevelCritical;
                if (!plainSoft && _level != null) _weak = true;
                return true;
            }
            if (count >= 8 && buffer[offset] == (byte)'=' && buffer[offset + 1] == (byte)'=') return false; // "==> x <=="
            if (_lits.AnyInAscii(buffer, offset, count)) return false;
            LinesScanned++;
            CharsScanned += count;
            _lineStamp++;
            _here = null;
            _level = level;
            SetHeaderAscii(file, lineNumber, buffer, offset, count);
            _previousWasHeader = true;
            // The level is not soft for ERROR and its kin: such a line makes the log "weak" evidence. Every other check
            // (Strong, Success, Terminal, ErrorLooking, the rules) is guarded by literals this line does not hold.
            if (level == LevelError || level == LevelFatal || level == LevelSevere || level == LevelCritical) _weak = true;
            return true;
        }

        /// <summary>
        /// The Frame regex on an ASCII line: white space, then "at" + a run of [\w$.&lt;&gt;/] + '(' or '.', or
        /// "... N more" / "... N common frames omitted", or File "...", line N.
        /// </summary>
        internal static bool IsFrameAscii(byte[] b, int offset, int count)
        {
            var end = offset + count;
            var i = offset;
            while (i < end && IsSpaceAscii(b[i])) i++;
            if (i == offset || i >= end) return false;
            if (Starts(b, i, end, "at "))
            {
                var runStart = i + 3;
                var j = runStart;
                var dotInRun = false;
                while (j < end && IsFrameRunChar(b[j]))
                {
                    if (b[j] == (byte)'.' && j > runStart) dotInRun = true;
                    j++;
                }
                if (j > runStart && j < end && b[j] == (byte)'(') return true;
                return dotInRun;
            }
            if (Starts(b, i, end, "... "))
            {
                var j = i + 4;
                var digits = j;
                while (j < end && b[j] >= (byte)'0' && b[j] <= (byte)'9') j++;
                if (j == digits) return false;
                return Starts(b, j, end, " more") || Starts(b, j, end, " common frames omitted");
            }
            if (Starts(b, i, end, "File \""))
            {
                for (var j = i + 6; j + 8 <= end; j++)
                    if (Starts(b, j, end, "\", line ") && j + 8 < end && b[j + 8] >= (byte)'0' && b[j + 8] <= (byte)'9') return true;
                return false;
            }
            return false;
        }

        private static bool IsSpaceAscii(byte c) => c == (byte)' ' || (c >= 0x09 && c <= 0x0D);

        /// <summary>
        /// True when an ASCII line can match neither LogPrefix (after optional white space it needs a digit, '[' or a
        /// level name) nor UncaughtStart (Traceback, Exception, Error, py4j, usage) nor be tail's "==> x &lt;==" header.
        /// </summary>
        internal static bool CannotStartRecord(byte[] b, int offset, int count)
        {
            var first = b[offset];
            if (first == (byte)'T' || first == (byte)'E' || first == (byte)'p' || first == (byte)'u' || first == (byte)'=') return false;
            var i = offset;
            var end = offset + count;
            while (i < end && IsSpaceAscii(b[i])) i++;
            if (i >= end) return true;
            var c = b[i];
            if (c >= (byte)'0' && c <= (byte)'9') return false;
            switch (c)
            {
                case (byte)'[':
                case (byte)'T': // TRACE
                case (byte)'D': // DEBUG
                case (byte)'I': // INFO
                case (byte)'W': // WARN, WARNING
                case (byte)'E': // ERROR
                case (byte)'F': // FATAL
                case (byte)'S': // SEVERE
                case (byte)'C': // CRITICAL
                    return false;
                default:
                    return true;
            }
        }

        private static bool IsFrameRunChar(byte c)
            => (c >= (byte)'a' && c <= (byte)'z') || (c >= (byte)'A' && c <= (byte)'Z') || (c >= (byte)'0' && c <= (byte)'9')
               || c == (byte)'_' || c == (byte)'$' || c == (byte)'.' || c == (byte)'<' || c == (byte)'>' || c == (byte)'/';

        private static bool Starts(byte[] b, int i, int end, string text)
        {
            if (i + text.Length > end) return false;
            for (var k = 0; k < text.Length; k++)
                if (b[i + k] != (byte)text[k]) return false;
            return true;
        }

        /// <summary><see cref="FastLevel(string)"/> on an ASCII line's bytes.</summary>
        internal static string? FastLevel(byte[] b, int offset, int count)
        {
            int i;
            var n = count;
            if (n >= 19 && D(0) && D(1) && b[offset + 2] == '/' && D(3) && D(4) && b[offset + 5] == '/' && D(6) && D(7) && b[offset + 8] == ' ' && T(9))
            {
                i = 17;
            }
            else if (n >= 21 && D(0) && D(1) && D(2) && D(3) && b[offset + 4] == '-' && D(5) && D(6) && b[offset + 7] == '-' && D(8) && D(9)
                     && b[offset + 10] == ' ' && T(11))
            {
                i = 19;
            }
            else return null;
            if (i < n && (b[offset + i] == ',' || b[offset + i] == '.'))
            {
                var start = ++i;
                while (i < n && D(i)) i++;
                if (i == start || i - start > 9) return null;
            }
            if (i >= n || b[offset + i] != ' ') return null;
            while (i < n && b[offset + i] == ' ') i++;
            var wordStart = i;
            while (i < n && b[offset + i] >= 'A' && b[offset + i] <= 'Z') i++;
            if (i == wordStart) return null;
            if (i < n)
            {
                var c = b[offset + i];
                if (c >= 0x7f || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') return null;
            }
            var length = i - wordStart;
            foreach (var level in Levels)
            {
                if (level.Length != length) continue;
                var same = true;
                for (var k = 0; k < length && same; k++) same = b[offset + wordStart + k] == level[k];
                if (same) return level;
            }
            return null;

            bool D(int k) => b[offset + k] >= '0' && b[offset + k] <= '9';
            bool T(int k) => D(k) && D(k + 1) && b[offset + k + 2] == ':' && D(k + 3) && D(k + 4) && b[offset + k + 5] == ':' && D(k + 6) && D(k + 7);
        }

        /// <summary>The current line as evidence (made once, on first need).</summary>
        private DiagnosisEvidence Here() => _here ??= new DiagnosisEvidence(_curFile, _curLineNumber, _curLine.Trim(), _fromByte);

        /// <summary>Runs the combined literal search on the current line, once.</summary>
        private void Lits()
        {
            if (_litsReady) return;
            _litsReady = true;
            _lits.Reset(_curLine);
        }

        /// <summary>Whether a pattern with this guard can match the current line.</summary>
        private bool Passes(ScanPrefilter.Guard? guard)
        {
            if (!_usePrefilter || guard == null) return true;
            Lits();
            return _lits.Passes(guard);
        }

        private void TryRule(int i, string line, bool soft)
        {
            if (_first[i] != null) return;
            var rule = _rules[i];
            var guards = _prefilter.RulePatternGuards[i];
            for (var p = 0; p < rule.Patterns.Count; p++)
            {
                if (_usePrefilter && !_lits.Passes(guards[p])) continue;
                Match m;
                try { m = rule.Patterns[p].Match(line); }
                catch (RegexMatchTimeoutException) { continue; }
                if (!m.Success) continue;
                if (rule.Context.Count > 0 && !ContextMatches(rule, line)) continue;
                var lineEvidence = Here();
                _first[i] = new Hit(rule, m, lineEvidence, HeaderEvidence(), soft, _sequence++);
                break;
            }
        }

        private void SetHeader(string file, long lineNumber, string line)
        {
            _hasHeader = true;
            _headerFile = file;
            _headerLineNumber = lineNumber;
            _headerRaw = line;
            _headerByteCount = -1;
            _headerStamp = _lineStamp;
            _headerFromByte = _fromByte;
            _headerEvidence = null;
        }

        private void SetHeaderAscii(string file, long lineNumber, byte[] buffer, int offset, int count)
        {
            _hasHeader = true;
            _headerFile = file;
            _headerLineNumber = lineNumber;
            if (_headerBytes.Length < count) _headerBytes = new byte[Math.Max(count, _headerBytes.Length * 2)];
            Buffer.BlockCopy(buffer, offset, _headerBytes, 0, count);
            _headerByteCount = count;
            _headerStamp = _lineStamp;
            _headerFromByte = _fromByte;
            _headerEvidence = null;
        }

        /// <summary>The current record's first line as text.</summary>
        private string HeaderRaw
        {
            get
            {
                if (_headerByteCount >= 0)
                {
                    _headerRaw = Encoding.ASCII.GetString(_headerBytes, 0, _headerByteCount);
                    _headerByteCount = -1;
                }
                return _headerRaw;
            }
        }

        /// <summary>The current record's first line as evidence, or null when there is none or it is the current line.</summary>
        private DiagnosisEvidence? HeaderEvidence()
        {
            if (!_hasHeader || _headerStamp == _lineStamp) return null;
            return _headerEvidence ??= new DiagnosisEvidence(_headerFile, _headerLineNumber, HeaderRaw.Trim(), _headerFromByte);
        }

        private bool ContextMatches(DiagnosisRule rule, string line)
        {
            string? headerText = null;
            foreach (var c in rule.Context)
            {
                try
                {
                    if (c.IsMatch(line)) return true;
                    if (_hasHeader && c.IsMatch(headerText ??= HeaderRaw.Trim())) return true;
                }
                catch (RegexMatchTimeoutException) { }
            }
            return false;
        }

        /// <summary>Only lines starting like one of UncaughtStart's alternatives can match it.</summary>
        private static bool MayStartUncaught(string line)
        {
            var c = line[0];
            return c == 'T' || c == 'E' || c == 'p' || c == 'u';
        }

        /// <summary>
        /// The level of the two common layouts, read without a regex: "yy/MM/dd HH:mm:ss LEVEL" (Spark's log4j) and
        /// "yyyy-MM-dd HH:mm:ss[,fff] LEVEL". Null when the line has another shape or anything is unsure: the LogPrefix
        /// regex then decides. When it answers, it answers what the regex would.
        /// </summary>
        internal static string? FastLevel(string line)
        {
            int i;
            var n = line.Length;
            if (n >= 19 && Digit(line, 0) && Digit(line, 1) && line[2] == '/' && Digit(line, 3) && Digit(line, 4) && line[5] == '/'
                && Digit(line, 6) && Digit(line, 7) && line[8] == ' ' && Time(line, 9))
            {
                i = 17;
            }
            else if (n >= 21 && Digit(line, 0) && Digit(line, 1) && Digit(line, 2) && Digit(line, 3) && line[4] == '-' && Digit(line, 5)
                     && Digit(line, 6) && line[7] == '-' && Digit(line, 8) && Digit(line, 9) && line[10] == ' ' && Time(line, 11))
            {
                i = 19;
            }
            else return null;
            if (i < n && (line[i] == ',' || line[i] == '.'))
            {
                var start = ++i;
                while (i < n && line[i] >= '0' && line[i] <= '9') i++;
                if (i == start || i - start > 9) return null;
            }
            if (i >= n || line[i] != ' ') return null;
            while (i < n && line[i] == ' ') i++;
            var wordStart = i;
            while (i < n && line[i] >= 'A' && line[i] <= 'Z') i++;
            if (i == wordStart) return null;
            if (i < n)
            {
                var c = line[i];
                if (c >= 0x7f || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') return null;
            }
            var length = i - wordStart;
            foreach (var level in Levels)
                if (level.Length == length && string.CompareOrdinal(line, wordStart, level, 0, length) == 0) return level;
            return null;
        }

        /// <summary>The level the LogPrefix regex reads (what <see cref="FastLevel(string)"/> must agree with), or null.</summary>
        internal static string? RegexLevel(string line)
        {
            var m = LogPrefix.Match(line);
            return m.Success ? m.Groups["level"].Value.ToUpperInvariant() : null;
        }

        private static bool Digit(string s, int i) => s[i] >= '0' && s[i] <= '9';

        private static bool Time(string s, int i)
            => Digit(s, i) && Digit(s, i + 1) && s[i + 2] == ':' && Digit(s, i + 3) && Digit(s, i + 4) && s[i + 5] == ':' && Digit(s, i + 6) && Digit(s, i + 7);

        /// <summary>True once a rule of at least <paramref name="priority"/> has matched (remote reading stops growing then).</summary>
        public bool HasHit(int priority) => _first.Any(h => h != null && h.Rule.Priority >= priority);

        public JobDiagnosis Result(string? jobStatus = null, string? jobId = null)
        {
            var failed = DiagnosisEngine.IsFailedStatus(jobStatus);
            var succeeded = DiagnosisEngine.IsSucceededStatus(jobStatus);
            var evidenceOfFailure = failed || (!succeeded && (_firstStrong != null || (_weak && !_success)));
            var diagnosis = new JobDiagnosis { JobId = jobId, JobStatus = jobStatus, LinesScanned = LinesScanned, BytesRead = CharsScanned };

            if (!evidenceOfFailure)
            {
                diagnosis.Category = DiagnosisCategories.None;
                diagnosis.IsFailure = false;
                diagnosis.Title = succeeded ? "No failure: the job succeeded" : "No failure found in the logs";
                diagnosis.Cause = succeeded
                    ? "Genie reports the job as SUCCEEDED; warnings in its logs did not stop it."
                    : "The logs show no uncaught exception, traceback, failed final status or ERROR line.";
                diagnosis.Confidence = succeeded ? 1.0 : 0.6;
                return diagnosis;
            }

            diagnosis.IsFailure = true;
            var hits = _first.Where(h => h != null).Select(h => h!)
                .OrderByDescending(h => h.Score).ThenBy(h => h.Sequence).ToList();
            if (hits.Count == 0)
            {
                diagnosis.Category = DiagnosisCategories.Unknown;
                diagnosis.Title = "No known failure signature matched";
                diagnosis.Cause = "None of the diagnosis rules matched the logs. The last error-looking lines are shown as evidence.";
                diagnosis.Recommendation = "Read the evidence lines and the full logs (Get-GenieJobOutput -Path stderr); if this failure recurs, add a rule for it with -RulePath or the config's diagnosisRules.";
                diagnosis.Evidence = _lastErrors.ToList();
                diagnosis.Confidence = 0;
                return diagnosis;
            }

            var best = hits[0];
            diagnosis.Category = best.Rule.Category;
            diagnosis.RuleId = best.Rule.Id;
            diagnosis.Title = DiagnosisRule.Render(best.Rule.TitleTemplate, best.Match);
            diagnosis.Cause = DiagnosisRule.Render(best.Rule.Cause, best.Match);
            diagnosis.Recommendation = DiagnosisRule.Render(best.Rule.Recommendation, best.Match);
            var confidence = 0.35 + best.Rule.Priority / 150.0;
            if (best.Soft) confidence *= 0.85;
            if (!failed) confidence *= 0.95;
            if (hits.Count > 1 && hits[1].Score == best.Score) confidence *= 0.9;
            diagnosis.Confidence = Math.Round(Math.Max(0.05, Math.Min(0.97, confidence)), 2);
            var evidence = new List<DiagnosisEvidence>();
            if (best.Header != null) evidence.Add(best.Header);
            evidence.Add(best.Line);
            if (_firstStrong != null && !evidence.Any(e => e.File == _firstStrong.File && e.LineNumber == _firstStrong.LineNumber)
                && (_firstStrong.File != best.Line.File || _firstStrong.LineNumber < best.Line.LineNumber))
                evidence.Insert(0, _firstStrong);
            diagnosis.Evidence = evidence;
            diagnosis.OtherMatches = hits.Skip(1).Take(5).Select(h => h.Rule.Id).ToList();
            return diagnosis;
        }
    }
}
