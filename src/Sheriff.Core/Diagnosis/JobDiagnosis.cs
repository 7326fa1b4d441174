using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Sheriff.Core.Diagnosis
{
    /// <summary>One line of a log that supports a diagnosis.</summary>
    public sealed class DiagnosisEvidence
    {
        public DiagnosisEvidence(string file, long lineNumber, string text) : this(file, lineNumber, text, null)
        {
        }

        public DiagnosisEvidence(string file, long lineNumber, string text, long? fromByte)
        {
            File = file;
            LineNumber = lineNumber;
            Text = text;
            FromByte = fromByte;
        }

        /// <summary>The log the line comes from: a local path, or a job output path (stderr, spark.log, status ...).</summary>
        public string File { get; }
        /// <summary>
        /// 1-based. When <see cref="FromByte"/> is set only the file's end was read, and the number counts lines from that
        /// byte, not from the start of the file (<see cref="LineNumberIsRelative"/>).
        /// </summary>
        public long LineNumber { get; }
        public string Text { get; }
        /// <summary>Null when the file was read from its start. Otherwise the byte offset the part read starts at.</summary>
        public long? FromByte { get; }
        /// <summary>True when <see cref="LineNumber"/> counts from <see cref="FromByte"/> rather than from the file's first line.</summary>
        public bool LineNumberIsRelative => FromByte.HasValue;

        /// <summary>"stderr:12", or for a tail read "stderr:+12 (from byte 524288000)": the line is the 12th after that byte.</summary>
        public string Location => FromByte.HasValue
            ? string.Format(CultureInfo.InvariantCulture, "{0}:+{1} (from byte {2})", File, LineNumber, FromByte.Value)
            : string.Format(CultureInfo.InvariantCulture, "{0}:{1}", File, LineNumber);

        public override string ToString() => $"{Location}: {Text}";
    }

    /// <summary>What went wrong with a job (or that nothing did), and what to change.</summary>
    public sealed class JobDiagnosis
    {
        public string? JobId { get; set; }
        /// <summary>The job's status when it was known (SUCCEEDED, FAILED, KILLED ...).</summary>
        public string? JobStatus { get; set; }
        /// <summary>One of <see cref="DiagnosisCategories.Known"/>, "None" when no failure was found, or a team category.</summary>
        public string Category { get; set; } = DiagnosisCategories.Unknown;
        public string Title { get; set; } = "";
        public string Cause { get; set; } = "";
        public string Recommendation { get; set; } = "";
        /// <summary>The rule that matched; null when none did.</summary>
        public string? RuleId { get; set; }
        /// <summary>0 to 1: how sure the diagnosis is.</summary>
        public double Confidence { get; set; }
        /// <summary>True when the logs show a failure (whether or not a rule explained it).</summary>
        public bool IsFailure { get; set; }
        public IReadOnlyList<DiagnosisEvidence> Evidence { get; set; } = Array.Empty<DiagnosisEvidence>();
        /// <summary>Other rules that matched, best first (ids), for the curious.</summary>
        public IReadOnlyList<string> OtherMatches { get; set; } = Array.Empty<string>();
        /// <summary>Bytes of log read (remote: downloaded) to reach the diagnosis.</summary>
        public long BytesRead { get; set; }
        /// <summary>Lines scanned.</summary>
        public long LinesScanned { get; set; }

        public override string ToString() => JobId == null ? $"{Category}: {Title}" : $"{JobId} {Category}: {Title}";

        /// <summary>The plain-text report: a banner, the title, the cause, the recommendation, then the evidence.</summary>
        public string ToReport()
        {
            var sb = new StringBuilder();
            sb.Append("========= Report ==========").Append('\n');
            sb.Append(Title).Append('\n');
            if (JobId != null) sb.Append('\n').Append("Job:            ").Append(JobId).Append(JobStatus != null ? " (" + JobStatus + ")" : "").Append('\n');
            sb.Append(JobId != null ? "" : "\n").Append("Category:       ").Append(Category)
              .Append(RuleId != null ? $" (rule {RuleId}, confidence {Confidence:0.00})" : "").Append('\n');
            if (Cause.Length > 0) sb.Append('\n').Append("Cause: ").Append(Cause).Append('\n');
            if (Recommendation.Length > 0) sb.Append('\n').Append("Recommendation: ").Append(Recommendation).Append('\n');
            if (Evidence.Count > 0)
            {
                sb.Append('\n').Append("Evidence:").Append('\n');
                foreach (var e in Evidence) sb.Append("  ").Append(e.Location).Append(": ").Append(e.Text).Append('\n');
            }
            return sb.ToString();
        }
    }
}
