using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sheriff.Core.Diagnosis
{
    /// <summary>A piece of text that every match of a pattern contains (one of a set): the prefilter's unit.</summary>
    internal readonly struct RequiredLiteral : IEquatable<RequiredLiteral>
    {
        public RequiredLiteral(string text, bool ignoreCase)
        {
            Text = text;
            IgnoreCase = ignoreCase;
        }

        public string Text { get; }
        /// <summary>From a <c>(?i)</c> part of the pattern: compare case-insensitively (the regex's own rules).</summary>
        public bool IgnoreCase { get; }

        public bool Equals(RequiredLiteral other) => IgnoreCase == other.IgnoreCase && string.Equals(Text, other.Text, StringComparison.Ordinal);
        public override bool Equals(object? obj) => obj is RequiredLiteral other && Equals(other);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text) * 2 + (IgnoreCase ? 1 : 0);
        public override string ToString() => IgnoreCase ? "(?i)" + Text : Text;
    }

    /// <summary>
    /// Derives, from a .NET regular expression, a set of literals such that every match of the pattern contains at least
    /// one of them (the "required factors" prefilter of grep, RE2 and Hyperscan). A line that contains none of them
    /// cannot match, so the regex need not run on it. The derivation is conservative: any construct it does not fully
    /// understand (inline options other than i, n, s, m; conditionals; character class subtraction; unknown escapes)
    /// makes it give up, and the pattern then runs on every line. Lookarounds, anchors and <c>\b</c> match no text and
    /// are ignored, which can only make the set weaker, never wrong.
    /// </summary>
    internal static class RequiredLiterals
    {
        /// <summary>Shorter literals filter too little to be worth a check.</summary>
        public const int MinLength = 3;
        private const int MaxProduct = 64;
        private const int MaxAlternatives = 256;

        /// <summary>The literal set, or null when the pattern has none worth using (it then runs on every line).</summary>
        public static IReadOnlyList<RequiredLiteral>? Extract(string pattern, bool ignoreCase = false)
        {
            if (pattern == null) throw new ArgumentNullException(nameof(pattern));
            Info info;
            try
            {
                var parser = new Parser(pattern, ignoreCase);
                info = parser.ParseAll();
            }
            catch (UnsupportedException)
            {
                return null;
            }
            var best = Best(info);
            if (best == null || best.Count == 0 || best.Any(l => l.Text.Length < MinLength)) return null;
            // A case-insensitive literal with characters beyond ASCII could differ from the regex's case folding.
            if (best.Any(l => l.IgnoreCase && l.Text.Any(c => c > 0x7e))) return null;
            return best.Distinct().ToList();
        }

        private sealed class UnsupportedException : Exception
        {
        }

        /// <summary>What one part of a pattern is known to match.</summary>
        private sealed class Info
        {
            /// <summary>Every string the part can match, when that set is small and known; null otherwise.</summary>
            public List<RequiredLiteral>? Exact;
            /// <summary>A set one of which every match contains; null when nothing is required.</summary>
            public List<RequiredLiteral>? Required;

            public static Info Empty() => new Info { Exact = new List<RequiredLiteral> { new RequiredLiteral("", false) } };
            public static Info Unknown() => new Info();
        }

        private static List<RequiredLiteral>? Best(Info info)
        {
            if (info.Exact != null && info.Exact.Count > 0 && info.Exact.All(l => l.Text.Length > 0))
            {
                if (info.Required == null || Score(info.Exact) >= Score(info.Required)) return info.Exact;
            }
            return info.Required;
        }

        /// <summary>Higher is a better filter: the shortest literal's length first, then fewer literals.</summary>
        private static long Score(List<RequiredLiteral>? set)
        {
            if (set == null || set.Count == 0 || set.Any(l => l.Text.Length == 0)) return long.MinValue;
            return set.Min(l => l.Text.Length) * 1000L - set.Count;
        }

        private static List<RequiredLiteral>? Better(List<RequiredLiteral>? a, List<RequiredLiteral>? b)
            => Score(b) > Score(a) ? b : a;

        private sealed class Parser
        {
            private readonly string _p;
            private int _i;

            public Parser(string pattern, bool ignoreCase)
            {
                _p = pattern;
                _ci = ignoreCase;
            }

            private bool _ci;

            public Info ParseAll()
            {
                var info = ParseAlternation();
                if (_i < _p.Length) throw new UnsupportedException(); // an unbalanced ')'
                return info;
            }

            private bool More => _i < _p.Length;
            private char Peek => _p[_i];

            private Info ParseAlternation()
            {
                var saved = _ci;
                var branches = new List<Info> { ParseSequence() };
                while (More && Peek == '|')
                {
                    _i++;
                    branches.Add(ParseSequence());
                }
                _ci = saved;
                if (branches.Count == 1) return branches[0];
                var result = new Info();
                if (branches.All(b => b.Exact != null))
                {
                    var union = branches.SelectMany(b => b.Exact!).Distinct().ToList();
                    if (union.Count <= MaxAlternatives) result.Exact = union;
                }
                var required = new List<RequiredLiteral>();
                foreach (var b in branches)
                {
                    var best = Best(b);
                    if (best == null || best.Count == 0) { required = null; break; }
                    required.AddRange(best);
                }
                result.Required = required?.Distinct().ToList();
                if (result.Required != null && result.Required.Count > MaxAlternatives) result.Required = null;
                return result;
            }

            private Info ParseSequence()
            {
                var acc = new List<RequiredLiteral> { new RequiredLiteral("", false) };
                var exactKnown = true;
                List<RequiredLiteral>? best = null;
                // Runs of plain characters are gathered here and joined to acc at once (one string, not one per character).
                var pending = new StringBuilder();
                var pendingCi = false;
                void Flush()
                {
                    if (pending.Length == 0) return;
                    var run = new List<RequiredLiteral> { new RequiredLiteral(pending.ToString(), pendingCi) };
                    pending.Clear();
                    pendingCi = false;
                    acc = Product(acc, run);
                }
                while (More && Peek != '|' && Peek != ')')
                {
                    if (TryPlainChar(out var plain))
                    {
                        if (_ci) pendingCi = true;
                        pending.Append(_ci ? char.ToLowerInvariant(plain) : plain);
                        continue;
                    }
                    Flush();
                    var atom = ParseQuantified();
                    if (atom == null) continue; // an option switch such as (?i)
                    if (atom.Exact != null && (long)acc.Count * atom.Exact.Count <= MaxProduct)
                    {
                        acc = Product(acc, atom.Exact);
                        continue;
                    }
                    best = Better(best, acc);
                    if (atom.Exact != null)
                    {
                        acc = atom.Exact.ToList();
                    }
                    else
                    {
                        best = Better(best, atom.Required);
                        acc = new List<RequiredLiteral> { new RequiredLiteral("", false) };
                    }
                    exactKnown = false;
                }
                Flush();
                best = Better(best, acc);
                return new Info { Exact = exactKnown ? acc : null, Required = best };
            }

            /// <summary>
            /// A literal character (plain, or a punctuation escape) that no quantifier follows: consumed and returned.
            /// Anything else is left for <see cref="ParseQuantified"/>.
            /// </summary>
            private bool TryPlainChar(out char c)
            {
                c = '\0';
                var i = _i;
                var ch = _p[i];
                if (ch == '\\')
                {
                    if (i + 1 >= _p.Length) return false;
                    var e = _p[i + 1];
                    if (char.IsLetterOrDigit(e) || e == '_') return false; // \d, \b, \x41 ... : the general path
                    ch = e;
                    i += 2;
                }
                else
                {
                    if ("()[]{}.^$|*+?".IndexOf(ch) >= 0) return false;
                    i++;
                }
                if (i < _p.Length)
                {
                    var q = _p[i];
                    if (q == '*' || q == '+' || q == '?') return false;
                    if (q == '{')
                    {
                        var saved = _i;
                        _i = i;
                        var quantifier = TryBraces(out _, out _);
                        _i = saved;
                        if (quantifier) return false;
                    }
                }
                _i = i;
                c = ch;
                return true;
            }

            private static List<RequiredLiteral> Product(List<RequiredLiteral> left, List<RequiredLiteral> right)
            {
                var result = new List<RequiredLiteral>(left.Count * right.Count);
                foreach (var a in left)
                {
                    foreach (var b in right)
                    {
                        var ci = a.IgnoreCase || b.IgnoreCase;
                        var text = ci ? (a.Text + b.Text).ToLowerInvariant() : a.Text + b.Text;
                        result.Add(new RequiredLiteral(text, ci));
                    }
                }
                return result.Distinct().ToList();
            }

            /// <summary>An atom with its quantifier; null for an inline option switch that matches nothing.</summary>
            private Info? ParseQuantified()
            {
                var atom = ParseAtom();
                if (atom == null) return null;
                if (!More) return atom;
                int min, max;
                var c = Peek;
                if (c == '*') { min = 0; max = int.MaxValue; _i++; }
                else if (c == '+') { min = 1; max = int.MaxValue; _i++; }
                else if (c == '?') { min = 0; max = 1; _i++; }
                else if (c == '{' && TryBraces(out min, out max)) { }
                else return atom;
                if (More && Peek == '?') _i++; // lazy
                if (More && (Peek == '*' || Peek == '+' || Peek == '?' || Peek == '{')) throw new UnsupportedException(); // nested quantifier: invalid in .NET
                if (min == 0)
                {
                    if (max == 1 && atom.Exact != null)
                    {
                        var exact = atom.Exact.ToList();
                        exact.Add(new RequiredLiteral("", false));
                        return new Info { Exact = exact.Distinct().ToList() };
                    }
                    return Info.Unknown();
                }
                if (min == 1 && max == 1) return atom;
                return new Info { Required = Best(atom) };
            }

            private bool TryBraces(out int min, out int max)
            {
                min = max = 0;
                var j = _i + 1;
                var start = j;
                while (j < _p.Length && char.IsDigit(_p[j])) j++;
                if (j == start) return false;
                min = int.Parse(_p.Substring(start, j - start), CultureInfo.InvariantCulture);
                if (j < _p.Length && _p[j] == '}')
                {
                    max = min;
                    _i = j + 1;
                    return true;
                }
                if (j >= _p.Length || _p[j] != ',') return false;
                j++;
                var start2 = j;
                while (j < _p.Length && char.IsDigit(_p[j])) j++;
                if (j >= _p.Length || _p[j] != '}') return false;
                max = j == start2 ? int.MaxValue : int.Parse(_p.Substring(start2, j - start2), CultureInfo.InvariantCulture);
                _i = j + 1;
                return true;
            }

            private Info Literal(char c)
                => new Info { Exact = new List<RequiredLiteral> { _ci ? new RequiredLiteral(char.ToLowerInvariant(c).ToString(), true) : new RequiredLiteral(c.ToString(), false) } };

            private Info? ParseAtom()
            {
                var c = _p[_i];
                switch (c)
                {
                    case '(':
                        return ParseGroup();
                    case '[':
                        return ParseClass();
                    case '.':
                        _i++;
                        return Info.Unknown();
                    case '^':
                    case '$':
                        _i++;
                        return Info.Empty();
                    case '\\':
                        return ParseEscape();
                    case '*':
                    case '+':
                    case '?':
                        throw new UnsupportedException(); // nothing to repeat
                    case '{':
                        {
                            var saved = _i;
                            if (TryBraces(out _, out _)) throw new UnsupportedException();
                            _i = saved + 1;
                            return Literal('{');
                        }
                    default:
                        _i++;
                        return Literal(c);
                }
            }

            private Info? ParseGroup()
            {
                _i++; // (
                var savedCi = _ci;
                var zeroWidth = false;
                if (More && Peek == '?')
                {
                    _i++;
                    if (!More) throw new UnsupportedException();
                    var k = Peek;
                    if (k == ':' || k == '>') _i++;
                    else if (k == '=' || k == '!') { _i++; zeroWidth = true; }
                    else if (k == '<' && _i + 1 < _p.Length && (_p[_i + 1] == '=' || _p[_i + 1] == '!')) { _i += 2; zeroWidth = true; }
                    else if (k == '<' || k == '\'')
                    {
                        var close = k == '<' ? '>' : '\'';
                        var end = _p.IndexOf(close, _i + 1);
                        if (end < 0) throw new UnsupportedException();
                        _i = end + 1;
                    }
                    else if (k == '#')
                    {
                        var end = _p.IndexOf(')', _i);
                        if (end < 0) throw new UnsupportedException();
                        _i = end + 1;
                        return Info.Empty();
                    }
                    else if (k == '(') throw new UnsupportedException(); // conditional
                    else
                    {
                        // Inline options: (?imnsx-imnsx) for the rest of the group, or (?imnsx-imnsx:...) for a group.
                        var on = true;
                        var ci = _ci;
                        while (More && Peek != ':' && Peek != ')')
                        {
                            switch (Peek)
                            {
                                case '-': on = false; break;
                                case 'i': ci = on; break;
                                case 'm':
                                case 's':
                                case 'n': break;
                                default: throw new UnsupportedException(); // x (whitespace), or invalid
                            }
                            _i++;
                        }
                        if (!More) throw new UnsupportedException();
                        if (Peek == ')')
                        {
                            _i++;
                            _ci = ci; // until the end of the enclosing group (restored by ParseAlternation)
                            return null;
                        }
                        _i++; // ':'
                        _ci = ci;
                    }
                }
                var inner = ParseAlternation();
                if (!More || Peek != ')') throw new UnsupportedException();
                _i++;
                _ci = savedCi;
                return zeroWidth ? Info.Empty() : inner;
            }

            private Info ParseClass()
            {
                _i++; // [
                var negated = false;
                if (More && Peek == '^') { negated = true; _i++; }
                var chars = new List<char>();
                var broad = false;
                var first = true;
                while (true)
                {
                    if (!More) throw new UnsupportedException();
                    var c = Peek;
                    if (c == ']' && !first) { _i++; break; }
                    if (c == '-' && !first && _i + 1 < _p.Length && _p[_i + 1] == '[') throw new UnsupportedException(); // subtraction
                    first = false;
                    char lo;
                    if (c == '\\')
                    {
                        _i++;
                        if (!More) throw new UnsupportedException();
                        var e = Peek;
                        if ("dDwWsS".IndexOf(e) >= 0) { broad = true; _i++; continue; }
                        if (e == 'p' || e == 'P') { SkipBraces(); broad = true; continue; }
                        lo = EscapedChar();
                    }
                    else if (c == '[' && (_i + 1 < _p.Length && _p[_i + 1] == ':')) { throw new UnsupportedException(); }
                    else
                    {
                        lo = c;
                        _i++;
                    }
                    if (More && Peek == '-' && _i + 1 < _p.Length && _p[_i + 1] != ']')
                    {
                        if (_p[_i + 1] == '[') throw new UnsupportedException(); // subtraction
                        _i++;
                        char hi;
                        if (Peek == '\\')
                        {
                            _i++;
                            if (!More || "dDwWsSpP".IndexOf(Peek) >= 0) throw new UnsupportedException();
                            hi = EscapedChar();
                        }
                        else
                        {
                            hi = Peek;
                            _i++;
                        }
                        if (hi < lo) throw new UnsupportedException();
                        if (hi - lo > 4) { broad = true; continue; }
                        for (var x = lo; x <= hi; x++) chars.Add(x);
                        continue;
                    }
                    chars.Add(lo);
                }
                if (negated || broad) return Info.Unknown();
                var set = chars.Distinct().ToList();
                if (set.Count == 0 || set.Count > 4) return Info.Unknown();
                var exact = set.Select(ch => _ci ? new RequiredLiteral(char.ToLowerInvariant(ch).ToString(), true) : new RequiredLiteral(ch.ToString(), false)).Distinct().ToList();
                return new Info { Exact = exact };
            }

            private void SkipBraces()
            {
                _i++; // p or P
                if (!More || Peek != '{') throw new UnsupportedException();
                var end = _p.IndexOf('}', _i);
                if (end < 0) throw new UnsupportedException();
                _i = end + 1;
            }

            private Info ParseEscape()
            {
                _i++; // backslash
                if (!More) throw new UnsupportedException();
                var e = Peek;
                switch (e)
                {
                    case 'b':
                    case 'B':
                    case 'A':
                    case 'z':
                    case 'Z':
                    case 'G':
                        _i++;
                        return Info.Empty();
                    case 'd':
                    case 'D':
                    case 'w':
                    case 'W':
                    case 's':
                    case 'S':
                        _i++;
                        return Info.Unknown();
                    case 'p':
                    case 'P':
                        SkipBraces();
                        return Info.Unknown();
                    case 'k':
                        throw new UnsupportedException();
                }
                if (e >= '1' && e <= '9') throw new UnsupportedException(); // backreference
                return Literal(EscapedChar());
            }

            /// <summary>The character an escape stands for (after the backslash); unknown escapes give up.</summary>
            private char EscapedChar()
            {
                var e = _p[_i];
                _i++;
                switch (e)
                {
                    case 't': return '\t';
                    case 'n': return '\n';
                    case 'r': return '\r';
                    case 'f': return '\f';
                    case 'v': return '\v';
                    case 'a': return '\a';
                    case 'e': return '\u001b';
                    case 'x': return Hex(2);
                    case 'u': return Hex(4);
                }
                if (char.IsLetterOrDigit(e) || e == '_') throw new UnsupportedException(); // \c, octal, anything unusual
                return e;
            }

            private char Hex(int digits)
            {
                if (_i + digits > _p.Length) throw new UnsupportedException();
                var s = _p.Substring(_i, digits);
                if (!int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)) throw new UnsupportedException();
                _i += digits;
                return (char)v;
            }
        }

        /// <summary>For diagnostics and tests: the literals as one readable line.</summary>
        public static string Describe(IReadOnlyList<RequiredLiteral>? literals)
        {
            if (literals == null) return "<none: runs on every line>";
            var sb = new StringBuilder();
            foreach (var l in literals)
            {
                if (sb.Length > 0) sb.Append(" | ");
                sb.Append('"').Append(l.ToString()).Append('"');
            }
            return sb.ToString();
        }
    }
}
