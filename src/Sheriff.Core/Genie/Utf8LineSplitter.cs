using System;
using System.Collections.Generic;
using System.Text;

namespace Sheriff.Core.Genie
{
    /// <summary>
    /// Turns a byte stream that arrives in arbitrary chunks into text lines. Decoding is UTF-8 with replacement
    /// characters (invalid bytes become U+FFFD, never an exception), and the decoder keeps its state between chunks,
    /// so a multibyte character split across two reads is decoded whole. Lines end at '\n'; one trailing '\r' is
    /// removed. The text after the last '\n' is held back until its newline arrives or <see cref="Flush"/> is called.
    /// </summary>
    public sealed class Utf8LineSplitter
    {
        /// <summary>UTF-8 without BOM emission and without throwing on invalid input.</summary>
        internal static readonly UTF8Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

        private readonly Decoder _decoder = Encoding.GetDecoder();
        private readonly StringBuilder _pending = new StringBuilder();
        private char[] _chars = new char[4096];
        private long _pendingBytes;

        /// <summary>True when text without a newline is being held back.</summary>
        public bool HasPartialLine => _pending.Length > 0 || _pendingBytes > 0;

        /// <summary>Bytes written since the last '\n' (the held-back partial line, plus any incomplete character).</summary>
        public long PendingByteCount => _pendingBytes;

        /// <summary>Decodes <paramref name="count"/> bytes and appends each line they complete to <paramref name="lines"/>.</summary>
        public void Write(byte[] buffer, int offset, int count, ICollection<string> lines)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (lines == null) throw new ArgumentNullException(nameof(lines));
            if (offset < 0 || count < 0 || offset + count > buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
            if (count == 0) return;

            // In UTF-8 the byte 0x0A only ever encodes '\n', so byte and character newlines coincide.
            var lastNewline = Array.LastIndexOf(buffer, (byte)'\n', offset + count - 1, count);
            _pendingBytes = lastNewline < 0 ? _pendingBytes + count : offset + count - lastNewline - 1;

            var max = Encoding.GetMaxCharCount(count);
            if (_chars.Length < max) _chars = new char[Math.Max(max, _chars.Length * 2)];
            var n = _decoder.GetChars(buffer, offset, count, _chars, 0, flush: false);
            Split(_chars, n, lines);
        }

        /// <summary>
        /// End of the data: decodes any incomplete trailing character (as U+FFFD) and returns the held-back last line,
        /// or null when the data ended with a newline. The splitter is empty afterwards.
        /// </summary>
        public string? Flush()
        {
            var n = _decoder.GetChars(Array.Empty<byte>(), 0, 0, _chars, 0, flush: true);
            var extra = new List<string>(1);
            Split(_chars, n, extra);
            _pendingBytes = 0;
            // Flushing a decoder can only add replacement characters, never a newline: extra stays empty.
            if (_pending.Length == 0) return null;
            var line = TrimCarriageReturn(_pending.ToString());
            _pending.Clear();
            return line;
        }

        private void Split(char[] chars, int count, ICollection<string> lines)
        {
            var start = 0;
            for (var i = 0; i < count; i++)
            {
                if (chars[i] != '\n') continue;
                string line;
                if (_pending.Length > 0)
                {
                    _pending.Append(chars, start, i - start);
                    line = _pending.ToString();
                    _pending.Clear();
                }
                else
                {
                    line = new string(chars, start, i - start);
                }
                lines.Add(TrimCarriageReturn(line));
                start = i + 1;
            }
            if (start < count) _pending.Append(chars, start, count - start);
        }

        internal static string TrimCarriageReturn(string line)
            => line.Length > 0 && line[line.Length - 1] == '\r' ? line.Substring(0, line.Length - 1) : line;

        /// <summary>Splits a complete byte buffer into lines (the unterminated tail, if any, is the last line).</summary>
        public static IReadOnlyList<string> SplitAll(byte[] buffer, int offset, int count)
        {
            var splitter = new Utf8LineSplitter();
            var lines = new List<string>();
            splitter.Write(buffer, offset, count, lines);
            var last = splitter.Flush();
            if (last != null) lines.Add(last);
            return lines;
        }
    }
}
