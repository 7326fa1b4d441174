using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#endif

namespace Sheriff.Core.Diagnosis
{
    /// <summary>
    /// The scan's cheap first look at a line. Every pattern (the rules' and the engine's own) gets a guard: the literals
    /// one of which each of its matches must contain (<see cref="RequiredLiterals"/>). One pass of an Aho-Corasick
    /// automaton over the line finds every literal it holds; a pattern whose guard has none of them cannot match and
    /// does not run. Patterns without a usable literal run on every line, as before, so the result is the same as
    /// running every pattern on every line, at a fraction of the cost (most log lines hold no literal at all).
    /// </summary>
    internal sealed class ScanPrefilter
    {
        private readonly RequiredLiteral[] _literals;
        private readonly LiteralAutomaton? _automaton;
        /// <summary>Case-sensitive literals with characters beyond ASCII: checked with IndexOf on every line.</summary>
        private readonly int[] _extra;

        private ScanPrefilter(RequiredLiteral[] literals, Guard?[][] rulePatternGuards, Guard?[] engineGuards, int[] alwaysRules)
        {
            _literals = literals;
            RulePatternGuards = rulePatternGuards;
            EngineGuards = engineGuards;
            AlwaysRules = alwaysRules;
            var inAutomaton = new List<int>();
            var extra = new List<int>();
            for (var i = 0; i < literals.Length; i++)
            {
                // RequiredLiterals gives case-insensitive literals only in ASCII.
                if (!literals[i].IgnoreCase && literals[i].Text.Any(c => c >= LiteralAutomaton.AsciiLimit)) extra.Add(i);
                else inAutomaton.Add(i);
            }
            _automaton = inAutomaton.Count == 0 ? null : new LiteralAutomaton(inAutomaton.Select(i => literals[i]).ToList(), inAutomaton);
            _extra = extra.ToArray();
        }

        /// <summary>[rule][pattern]: the guard, or null when the pattern runs on every line.</summary>
        public Guard?[][] RulePatternGuards { get; }
        /// <summary>[engine regex]: the guard, or null.</summary>
        public Guard?[] EngineGuards { get; }
        /// <summary>Rules with an unguarded pattern, in rule order: the only ones to try on a line without literals.</summary>
        public int[] AlwaysRules { get; }
        public int LiteralCount => _literals.Length;
        public int AutomatonStates => _automaton?.States ?? 0;

        public static ScanPrefilter Build(IReadOnlyList<DiagnosisRule> rules, IReadOnlyList<Regex> engineRegexes)
        {
            var ids = new Dictionary<RequiredLiteral, int>();
            var list = new List<RequiredLiteral>();
            Guard? MakeGuard(Regex regex)
            {
                if ((regex.Options & (RegexOptions.IgnorePatternWhitespace | RegexOptions.ECMAScript | RegexOptions.RightToLeft)) != 0) return null;
                var literals = RequiredLiterals.Extract(regex.ToString(), (regex.Options & RegexOptions.IgnoreCase) != 0);
                if (literals == null) return null;
                var guard = new int[literals.Count];
                for (var i = 0; i < literals.Count; i++)
                {
                    if (!ids.TryGetValue(literals[i], out var id))
                    {
                        id = list.Count;
                        ids.Add(literals[i], id);
                        list.Add(literals[i]);
                    }
                    guard[i] = id;
                }
                return new Guard(guard);
            }

            var ruleGuards = new Guard?[rules.Count][];
            var always = new List<int>();
            for (var r = 0; r < rules.Count; r++)
            {
                var patterns = rules[r].Patterns;
                ruleGuards[r] = new Guard?[patterns.Count];
                for (var p = 0; p < patterns.Count; p++) ruleGuards[r][p] = MakeGuard(patterns[p]);
                if (ruleGuards[r].Any(g => g == null)) always.Add(r);
            }
            var engineGuards = engineRegexes.Select(MakeGuard).ToArray();
            return new ScanPrefilter(list.ToArray(), ruleGuards, engineGuards, always.ToArray());
        }

        /// <summary>For tests and diagnostics: the literals of a guard.</summary>
        public string Describe(Guard? guard)
            => RequiredLiterals.Describe(guard?.Ids.Select(i => _literals[i]).ToList());

        /// <summary>The literals (ids) one of which a pattern's every match contains.</summary>
        internal sealed class Guard
        {
            public Guard(int[] ids) => Ids = ids;

            public int[] Ids { get; }
        }

        /// <summary>The per-line state: one automaton pass, then set lookups.</summary>
        internal sealed class LineState
        {
            private readonly ScanPrefilter _filter;
            private readonly int[] _presentAt;
            private int _stamp;

            public LineState(ScanPrefilter filter)
            {
                _filter = filter;
                _presentAt = new int[filter._literals.Length];
            }

            /// <summary>True when the line holds at least one literal.</summary>
            public bool Any { get; private set; }

            public void Reset(string line)
            {
                unchecked { _stamp++; }
                if (_stamp == 0)
                {
                    Array.Clear(_presentAt, 0, _presentAt.Length);
                    _stamp = 1;
                }
                var any = _filter._automaton != null && _filter._automaton.Scan(line, _presentAt, _stamp);
                foreach (var id in _filter._extra)
                {
                    if (line.IndexOf(_filter._literals[id].Text, StringComparison.Ordinal) >= 0)
                    {
                        _presentAt[id] = _stamp;
                        any = true;
                    }
                }
                Any = any;
            }

            /// <summary>
            /// Whether an ASCII line (as bytes) holds any literal. Only the answer is kept: a line that holds one is decoded
            /// and looked at again through <see cref="Reset"/>.
            /// </summary>
            public bool AnyInAscii(byte[] buffer, int offset, int count)
            {
                unchecked { _stamp++; }
                if (_stamp == 0)
                {
                    Array.Clear(_presentAt, 0, _presentAt.Length);
                    _stamp = 1;
                }
                // Literals beyond ASCII (the extra ones) cannot be in an ASCII line.
                Any = _filter._automaton != null && _filter._automaton.ScanAscii(buffer, offset, count, _presentAt, _stamp);
                return Any;
            }

            /// <summary>Whether a pattern with this guard can match the line.</summary>
            public bool Passes(Guard? guard)
            {
                if (guard == null) return true;
                if (!Any) return false;
                foreach (var id in guard.Ids)
                    if (_presentAt[id] == _stamp) return true;
                return false;
            }
        }
    }

    /// <summary>
    /// Aho-Corasick over a set of ASCII literals, with a dense transition table over the characters that occur in them
    /// (every other character, beyond ASCII included, is one class). One pass over a line reports every literal it
    /// contains, overlapping ones included. The table holds each target state pre-multiplied by the class count, negated
    /// when the state ends a literal, so the inner loop is two array reads per character.
    /// Case-insensitive literals enter with every case variant of a short prefix and are then compared whole, folding
    /// ASCII case; a line with any character beyond ASCII counts as holding all of them, because the regex's case folding
    /// pairs a few such characters with ASCII letters (the Kelvin sign and 'k', the long s and 's').
    /// </summary>
    internal sealed class LiteralAutomaton
    {
        public const char AsciiLimit = (char)0x80;
        /// <summary>Literals longer than this enter the automaton by their prefix; a hit is then checked in full.</summary>
        private const int MaxDepth = 16;
        /// <summary>At most this many case variants of a case-insensitive literal's prefix.</summary>
        private const int MaxVariants = 64;

        private readonly byte[] _class = new byte[AsciiLimit];
        private readonly int _classes;
        private readonly int[] _delta;
        /// <summary>Per state: the literals ending here, fail chain included (null for most states).</summary>
        private readonly Output[]?[] _outputs;
        private readonly int[] _ignoreCaseIds;

        private sealed class Output
        {
            public Output(int id, string text, int depth, bool ignoreCase)
            {
                Id = id;
                Text = text;
                Depth = depth;
                IgnoreCase = ignoreCase;
            }

            public int Id { get; }
            public string Text { get; }
            /// <summary>How many characters of <see cref="Text"/> the automaton matched (less than its length: check the rest).</summary>
            public int Depth { get; }
            public bool IgnoreCase { get; }
        }

        /// <param name="literals">ASCII literals (case-insensitive ones in lower case).</param>
        /// <param name="ids">The id reported for each literal.</param>
        public LiteralAutomaton(IReadOnlyList<RequiredLiteral> literals, IReadOnlyList<int> ids)
        {
            // What enters the trie: (id, full text, the key inserted, ignore case).
            var keys = new List<(int Id, string Text, string Key, bool IgnoreCase)>();
            var ignoreCaseIds = new List<int>();
            for (var n = 0; n < literals.Count; n++)
            {
                var literal = literals[n];
                var text = literal.Text;
                if (text.Any(c => c >= AsciiLimit)) throw new ArgumentException("literals must be ASCII", nameof(literals));
                if (!literal.IgnoreCase)
                {
                    keys.Add((ids[n], text, text.Length > MaxDepth ? text.Substring(0, MaxDepth) : text, false));
                    continue;
                }
                ignoreCaseIds.Add(ids[n]);
                // The longest prefix whose case variants stay few.
                var length = 0;
                var variants = 1;
                while (length < text.Length && length < MaxDepth)
                {
                    var c = text[length];
                    var factor = char.ToUpperInvariant(c) != c || char.ToLowerInvariant(c) != c ? 2 : 1;
                    if (variants * factor > MaxVariants) break;
                    variants *= factor;
                    length++;
                }
                foreach (var key in CaseVariants(text.Substring(0, length))) keys.Add((ids[n], text, key, true));
            }
            _ignoreCaseIds = ignoreCaseIds.Distinct().ToArray();

            // Character classes: 0 for characters no key uses.
            var next = 1;
            foreach (var k in keys)
            {
                foreach (var c in k.Key)
                {
                    if (_class[c] == 0) _class[c] = (byte)next++;
                    if (next > 255) throw new ArgumentException("too many distinct characters", nameof(literals));
                }
            }
            _classes = next;

            // The number of states: in key order, each key adds the characters it does not share with the one before.
            keys.Sort((x, y) => string.CompareOrdinal(x.Key, y.Key));
            var stateCount = 1;
            for (var k = 0; k < keys.Count; k++)
            {
                var common = 0;
                if (k > 0)
                {
                    var before = keys[k - 1].Key;
                    var key = keys[k].Key;
                    while (common < before.Length && common < key.Length && before[common] == key[common]) common++;
                }
                stateCount += keys[k].Key.Length - common;
            }

            // The trie, straight into the dense table (0 = no child yet; the root is never a child).
            var delta = new int[stateCount * _classes];
            var ends = new List<Output>?[stateCount];
            var states = 1;
            foreach (var k in keys)
            {
                var state = 0;
                foreach (var c in k.Key)
                {
                    var slot = state * _classes + _class[c];
                    if (delta[slot] == 0) delta[slot] = states++;
                    state = delta[slot];
                }
                (ends[state] ??= new List<Output>()).Add(new Output(k.Id, k.Text, k.Key.Length, k.IgnoreCase));
            }
            States = states;

            // Breadth first: fail links, missing transitions through them, outputs merged along the fail chain.
            _outputs = new Output[]?[states];
            var fail = new int[states];
            var queue = new Queue<int>();
            for (var cls = 0; cls < _classes; cls++)
                if (delta[cls] != 0) queue.Enqueue(delta[cls]);
            while (queue.Count > 0)
            {
                var s = queue.Dequeue();
                var own = ends[s];
                var inherited = _outputs[fail[s]];
                if (own != null || inherited != null)
                {
                    var merged = new List<Output>();
                    if (own != null) merged.AddRange(own);
                    if (inherited != null) merged.AddRange(inherited);
                    _outputs[s] = merged.ToArray();
                }
                for (var cls = 0; cls < _classes; cls++)
                {
                    var slot = s * _classes + cls;
                    var child = delta[slot];
                    var viaFail = delta[fail[s] * _classes + cls];
                    if (child != 0)
                    {
                        fail[child] = viaFail;
                        queue.Enqueue(child);
                    }
                    else
                    {
                        delta[slot] = viaFail;
                    }
                }
            }
            // Pre-multiply in place, and flag the states that end a literal.
            for (var i = 0; i < delta.Length; i++)
            {
                var target = delta[i];
                var offset = target * _classes;
                delta[i] = _outputs[target] != null ? -offset - 1 : offset;
            }
            _delta = delta;
        }

        public int States { get; }

        private static IEnumerable<string> CaseVariants(string lower)
        {
            var results = new List<string> { "" };
            foreach (var c in lower)
            {
                var upper = char.ToUpperInvariant(c);
                var next = new List<string>(results.Count * 2);
                foreach (var r in results)
                {
                    next.Add(r + c);
                    if (upper != c) next.Add(r + upper);
                }
                results = next;
            }
            return results;
        }

        /// <summary>Marks every literal the line contains (<c>presentAt[id] = stamp</c>); true when there is one.</summary>
        public bool Scan(string line, int[] presentAt, int stamp)
        {
            var any = false;
            var nonAscii = false;
            var state = 0; // pre-multiplied
#if NET8_0_OR_GREATER
            ref var delta = ref MemoryMarshal.GetArrayDataReference(_delta);
            ref var classOf = ref MemoryMarshal.GetArrayDataReference(_class);
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                int next;
                if (c < AsciiLimit)
                {
                    next = Unsafe.Add(ref delta, state + Unsafe.Add(ref classOf, c));
                }
                else
                {
                    nonAscii = true;
                    next = Unsafe.Add(ref delta, state);
                }
#else
            var delta = _delta;
            var classOf = _class;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                int next;
                if (c < AsciiLimit)
                {
                    next = delta[state + classOf[c]];
                }
                else
                {
                    nonAscii = true;
                    next = delta[state];
                }
#endif
                if (next >= 0)
                {
                    state = next;
                    continue;
                }
                state = -next - 1;
                if (Report(line, i, _outputs[state / _classes]!, presentAt, stamp)) any = true;
            }
            if (nonAscii && _ignoreCaseIds.Length > 0)
            {
                foreach (var id in _ignoreCaseIds) presentAt[id] = stamp;
                any = true;
            }
            return any;
        }

        /// <summary>
        /// The same over an ASCII line given as bytes (the caller has checked it is ASCII): marks every literal it
        /// contains; true when there is one. Each step waits for the table read of the one before, so a line of 64 bytes
        /// or more is scanned as two halves in one loop: two independent chains the processor overlaps (about twice as
        /// fast; four chains measured slower, from register pressure and overlap). The second half starts
        /// <c>MaxDepth - 1</c> bytes early, so every key occurrence ends inside one half's scan.
        /// </summary>
        public bool ScanAscii(byte[] buffer, int offset, int count, int[] presentAt, int stamp)
        {
            var any = false;
            var end = offset + count;
            var from = offset;
            var state = 0;
            if (count >= 4 * MaxDepth)
            {
                var half = count / 2;
                int a = offset, b = offset + half - (MaxDepth - 1);
                int sa = 0, sb = 0;
#if NET8_0_OR_GREATER
                ref var delta = ref MemoryMarshal.GetArrayDataReference(_delta);
                ref var classOf = ref MemoryMarshal.GetArrayDataReference(_class);
                ref var bytes = ref MemoryMarshal.GetArrayDataReference(buffer);
                for (var k = 0; k < half; k++)
                {
                    var na = Unsafe.Add(ref delta, sa + Unsafe.Add(ref classOf, Unsafe.Add(ref bytes, a + k) & 0x7f));
                    var nb = Unsafe.Add(ref delta, sb + Unsafe.Add(ref classOf, Unsafe.Add(ref bytes, b + k) & 0x7f));
#else
                var delta = _delta;
                var classOf = _class;
                for (var k = 0; k < half; k++)
                {
                    var na = delta[sa + classOf[buffer[a + k] & 0x7f]];
                    var nb = delta[sb + classOf[buffer[b + k] & 0x7f]];
#endif
                    if ((na | nb) >= 0)
                    {
                        sa = na;
                        sb = nb;
                        continue;
                    }
                    sa = Arrive(buffer, offset, count, na, a + k, presentAt, stamp, ref any);
                    sb = Arrive(buffer, offset, count, nb, b + k, presentAt, stamp, ref any);
                }
                state = sb;
                from = b + half;
            }
            if (Continue(buffer, offset, count, state, from, end, presentAt, stamp)) any = true;
            return any;
        }

        /// <summary>A table value reached: the state it names, reporting the literals that end there when it is flagged.</summary>
        private int Arrive(byte[] buffer, int offset, int count, int next, int i, int[] presentAt, int stamp, ref bool any)
        {
            if (next >= 0) return next;
            var state = -next - 1;
            if (ReportAscii(buffer, offset, count, i, _outputs[state / _classes]!, presentAt, stamp)) any = true;
            return state;
        }

        /// <summary>Steps from <paramref name="state"/> over buffer[from..to).</summary>
        private bool Continue(byte[] buffer, int offset, int count, int state, int from, int to, int[] presentAt, int stamp)
        {
            var any = false;
#if NET8_0_OR_GREATER
            ref var delta = ref MemoryMarshal.GetArrayDataReference(_delta);
            ref var classOf = ref MemoryMarshal.GetArrayDataReference(_class);
            ref var bytes = ref MemoryMarshal.GetArrayDataReference(buffer);
            for (var i = from; i < to; i++)
            {
                var next = Unsafe.Add(ref delta, state + Unsafe.Add(ref classOf, Unsafe.Add(ref bytes, i) & 0x7f));
#else
            var delta = _delta;
            var classOf = _class;
            for (var i = from; i < to; i++)
            {
                var next = delta[state + classOf[buffer[i] & 0x7f]];
#endif
                if (next >= 0)
                {
                    state = next;
                    continue;
                }
                state = -next - 1;
                if (ReportAscii(buffer, offset, count, i, _outputs[state / _classes]!, presentAt, stamp)) any = true;
            }
            return any;
        }

        private static bool ReportAscii(byte[] buffer, int offset, int count, int end, Output[] outputs, int[] presentAt, int stamp)
        {
            var any = false;
            foreach (var o in outputs)
            {
                if (presentAt[o.Id] == stamp) continue;
                if (o.Depth < o.Text.Length || o.IgnoreCase)
                {
                    var start = end + 1 - o.Depth;
                    if (start + o.Text.Length > offset + count) continue;
                    var equal = true;
                    for (var k = 0; k < o.Text.Length && equal; k++)
                    {
                        var c = (char)buffer[start + k];
                        if (o.IgnoreCase && c >= 'A' && c <= 'Z') c = (char)(c + 32);
                        equal = c == o.Text[k];
                    }
                    if (!equal) continue;
                }
                presentAt[o.Id] = stamp;
                any = true;
            }
            return any;
        }

        private static bool Report(string line, int end, Output[] outputs, int[] presentAt, int stamp)
        {
            var any = false;
            foreach (var o in outputs)
            {
                if (presentAt[o.Id] == stamp) continue;
                if (o.Depth < o.Text.Length || o.IgnoreCase)
                {
                    var start = end + 1 - o.Depth;
                    if (start + o.Text.Length > line.Length) continue;
                    if (o.IgnoreCase ? !EqualsFolded(line, start, o.Text) : string.CompareOrdinal(line, start, o.Text, 0, o.Text.Length) != 0) continue;
                }
                presentAt[o.Id] = stamp;
                any = true;
            }
            return any;
        }

        /// <summary>ASCII case folding; a character beyond ASCII in the window counts as equal (see the class remarks).</summary>
        private static bool EqualsFolded(string line, int start, string lower)
        {
            for (var k = 0; k < lower.Length; k++)
            {
                var c = line[start + k];
                if (c >= AsciiLimit) return true;
                if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
                if (c != lower[k]) return false;
            }
            return true;
        }
    }
}
