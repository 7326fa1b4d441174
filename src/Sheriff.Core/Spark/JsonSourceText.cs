using System;
using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Spark
{
    /// <summary>
    /// Maps Newtonsoft's line info (which points just past a token; for a property, past its colon) back to where the
    /// token starts in the text, so errors name the line and column (both 1-based) of the key or value's first character.
    /// </summary>
    internal sealed class JsonSourceText
    {
        private readonly string _text;
        private readonly List<int> _lineStarts = new List<int> { 0 };

        public JsonSourceText(string text)
        {
            _text = text;
            // Line breaks as Newtonsoft counts them: \r\n, \r and \n.
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\r')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                    _lineStarts.Add(i + 1);
                }
                else if (c == '\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        /// <summary>Where <paramref name="token"/> (a property: its key) starts.</summary>
        public (int Line, int Column) StartOf(JToken token)
        {
            var info = (IJsonLineInfo)token;
            if (!info.HasLineInfo()) return (1, 1);
            var kind = token is JProperty ? Kind.Property
                : token is JContainer ? Kind.Container
                : token.Type == JTokenType.String ? Kind.String
                : Kind.Bare;
            return Locate(info.LineNumber, info.LinePosition, kind);
        }

        /// <summary>Where the property name a reader has just read (at <paramref name="line"/>, <paramref name="position"/>) starts.</summary>
        public (int Line, int Column) StartOfPropertyAt(int line, int position) => Locate(line, position, Kind.Property);

        private enum Kind { Property, Container, String, Bare }

        private (int Line, int Column) Locate(int line, int position, Kind kind)
        {
            if (line < 1 || line > _lineStarts.Count) return (Math.Max(line, 1), Math.Max(position, 1));
            var end = _lineStarts[line - 1] + position; // index just past the token
            if (end <= 0 || end > _text.Length) return (line, Math.Max(position, 1));
            var start = kind switch
            {
                Kind.Property => PropertyStart(end),
                Kind.Container => end - 1,
                Kind.String => StringStart(end),
                _ => BareStart(end),
            };
            return start < 0 ? (line, Math.Max(position, 1)) : PositionOf(start);
        }

        private int PropertyStart(int end)
        {
            var i = end - 1;
            if (i >= 0 && _text[i] == ':') i--;
            while (i >= 0 && char.IsWhiteSpace(_text[i])) i--;
            if (i < 0) return -1;
            if (_text[i] == '"' || _text[i] == '\'') return StringStart(i + 1);
            // An unquoted name (Newtonsoft accepts them).
            var j = i;
            while (j >= 0 && (char.IsLetterOrDigit(_text[j]) || _text[j] == '_' || _text[j] == '$')) j--;
            return j == i ? -1 : j + 1;
        }

        private int StringStart(int end)
        {
            var close = end - 1;
            if (close < 0) return -1;
            var quote = _text[close];
            if (quote != '"' && quote != '\'') return -1;
            for (var i = close - 1; i >= 0; i--)
            {
                if (_text[i] != quote) continue;
                var backslashes = 0;
                for (var k = i - 1; k >= 0 && _text[k] == '\\'; k--) backslashes++;
                if (backslashes % 2 == 0) return i;
            }
            return -1;
        }

        private int BareStart(int end)
        {
            var i = end;
            while (i > 0 && !IsDelimiter(_text[i - 1])) i--;
            return i == end ? -1 : i;
        }

        private static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}';

        private (int Line, int Column) PositionOf(int offset)
        {
            int lo = 0, hi = _lineStarts.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (_lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
            }
            return (lo + 1, offset - _lineStarts[lo] + 1);
        }
    }
}
