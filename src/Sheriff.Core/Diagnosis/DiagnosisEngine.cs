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
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Lines = lines ?? throw new ArgumentNullException(nameof(lines));
            FirstLineNumber = firstLineNumber;
        }

        public string Name { get; }
        public IEnumerable<string> Lines { get; }
        public long FirstLineNumber { get; }

        /// <summary>A local file, streamed line by line (UTF-8, invalid bytes as U+FFFD).</summary>
        public static LogSource FromFile(string path, string? name = null) => new LogSource(name ?? path, ReadLines(path));

        /// <summary>Text split into lines.</summary>
        public static LogSource FromText(string text, string name = "text") => new LogSource(name, SplitText(text ?? ""));

        private static IEnumerable<string> ReadLines(string path)
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
                foreach (var line in source.Lines) scan.Feed(source.Name, n++, line);
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

    /// <summary>One pass over a job's logs. Not thread-safe.</summary>
    public sealed class DiagnosisScan
    {
        private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;
        private static readonly TimeSpan Timeout = DiagnosisRule.MatchTimeout;

        // "24/05/01 10:00:03 WARN Foo:", "2024-05-01 10:00:03,123 ERROR [main] Foo", "2024-05-01T10:00:03.120Z  INFO 12 --- [x]", "WARNING:root:".
        private static readonly Regex LogPrefix = new Regex(
            @"^\s*(?:(?:\[?\d{2,4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?|\[[^\]]{4,40}\])\s+(?:\[[^\]]{0,60}\]\s+)?(?<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL)\b|(?<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL):[\w.]+:|(?<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)(?::|\s))",
            Options, Timeout);
        private static readonly Regex Frame = new Regex(@"^\s+(?:at [\w$.<>/]+[(.]|\.\.\. \d+ (?:more|common frames omitted)|File "".*"", line \d+)", Options, Timeout);
        private static readonly Regex UncaughtStart = new Regex(@"^(?:Traceback \(most recent call last\):|Exception in thread |py4j\.protocol\.Py4JJavaError|Exception: |Error: )", Options, Timeout);
        private static readonly Regex Strong = new Regex(
            @"^Traceback \(most recent call last\)|^Exception in thread |Py4JJavaError|Job aborted|final status: FAILED|(?:exit|Exit)(?:ed)? ?(?:with )?(?:code|status|Code|Status)[: ]+(?:is )?(?!143\b)[1-9]",
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

        private readonly DiagnosisEngine _engine;
        private readonly Hit?[] _first;
        private readonly Queue<DiagnosisEvidence> _lastErrors = new Queue<DiagnosisEvidence>();
        private readonly Queue<string> _previous = new Queue<string>();
        private string? _level;          // level of the current log record; null = plain output (uncaught)
        private DiagnosisEvidence? _header;
        private DiagnosisEvidence? _firstStrong;
        private bool _weak;
        private bool _previousWasHeader;
        private bool _success;
        private long _sequence;

        internal DiagnosisScan(DiagnosisEngine engine)
        {
            _engine = engine;
            _first = new Hit?[engine.Rules.Rules.Count];
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
            _header = null;
            _previous.Clear();
        }

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

            DiagnosisEvidence? here = null;
            DiagnosisEvidence Here() => here ??= new DiagnosisEvidence(file, lineNumber, line.Trim());

            var prefix = LogPrefix.Match(line);
            if (prefix.Success)
            {
                _level = prefix.Groups["level"].Value.ToUpperInvariant();
                _header = Here();
            }
            else if (UncaughtStart.IsMatch(line))
            {
                // A traceback right under a Python "WARNING" record is that record's exc_info (logging), not a crash.
                if (!(_level == "WARNING" && _previousWasHeader))
                {
                    _level = null;
                    _header = Here();
                }
            }
            else if (Frame.IsMatch(line))
            {
                return;
            }

            _previousWasHeader = prefix.Success;
            var soft = _level != null && _level != "ERROR" && _level != "FATAL" && _level != "SEVERE" && _level != "CRITICAL";
            if (!soft)
            {
                if (_level != null) _weak = true;
                if (_firstStrong == null && (Strong.IsMatch(line) || (_level == null && UncaughtException.IsMatch(line)))) _firstStrong = Here();
            }
            if (!_success && Success.IsMatch(line)) _success = true;
            if (_firstStrong == null && Terminal.IsMatch(line)) _firstStrong = Here();
            if (ErrorLooking.IsMatch(line))
            {
                _lastErrors.Enqueue(Here());
                while (_lastErrors.Count > 5) _lastErrors.Dequeue();
            }

            var rules = _engine.Rules.Rules;
            for (var i = 0; i < rules.Count; i++)
            {
                if (_first[i] != null) continue;
                var rule = rules[i];
                foreach (var pattern in rule.Patterns)
                {
                    Match m;
                    try { m = pattern.Match(line); }
                    catch (RegexMatchTimeoutException) { continue; }
                    if (!m.Success) continue;
                    if (rule.Context.Count > 0 && !ContextMatches(rule, line)) continue;
                    _first[i] = new Hit(rule, m, Here(), _header != null && !ReferenceEquals(_header, here) ? _header : null, soft, _sequence++);
                    break;
                }
            }

            Remember(line);
        }

        private void Remember(string line)
        {
            _previous.Enqueue(line);
            while (_previous.Count > 4) _previous.Dequeue();
        }

        private bool ContextMatches(DiagnosisRule rule, string line)
        {
            foreach (var c in rule.Context)
            {
                try
                {
                    if (c.IsMatch(line)) return true;
                    if (_header != null && c.IsMatch(_header.Text)) return true;
                }
                catch (RegexMatchTimeoutException) { }
            }
            return false;
        }

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
