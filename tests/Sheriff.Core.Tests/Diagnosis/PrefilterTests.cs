using System.Text;
using System.Text.RegularExpressions;
using Sheriff.Core.Diagnosis;
using Xunit;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// The scan's literal prefilter must never hide a match: every pattern that matches a line must pass its guard on that
    /// line, and a whole diagnosis with the prefilter must equal one where every pattern runs on every line.
    /// </summary>
    public class PrefilterTests
    {
        private static readonly DiagnosisEngine Engine = new DiagnosisEngine();

        [Theory]
        [InlineData("No space left on device", "\"No space left on device\"")]
        [InlineData("Container killed by YARN for exceeding (?:physical )?memory limits",
            "\"Container killed by YARN for exceeding physical memory limits\" | \"Container killed by YARN for exceeding memory limits\"")]
        [InlineData("^(?:ModuleNotFoundError|ImportError): No module named '?(?<module>[\\w.]+)'?",
            "\"ModuleNotFoundError: No module named '\" | \"ModuleNotFoundError: No module named \" | \"ImportError: No module named '\" | \"ImportError: No module named \"")]
        [InlineData("[Ff]inal status", "\"Final status\" | \"final status\"")]
        [InlineData("(?i:exit code)", "\"(?i)exit code\"")]
        [InlineData("(?i)Kill(?-i:ED)", "\"(?i)killed\"")]
        [InlineData("\\d+ bytes of memory", "\" bytes of memory\"")]
        [InlineData("\\bERROR\\b", "\"ERROR\"")]
        [InlineData("[^a]bcd", "\"bcd\"")]
        [InlineData("(ab|cd)efg", "\"abefg\" | \"cdefg\"")]
        [InlineData("abc(?=def)", "\"abc\"")]
        [InlineData("(?<!x)foo\\b", "\"foo\"")]
        [InlineData("foo\\\\bar\\.baz", "\"foo\\bar.baz\"")]
        [InlineData("Job (?:aborted|failed)|Exit", "\"Job aborted\" | \"Job failed\" | \"Exit\"")]
        [InlineData("Size exceeds Integer\\.MAX_VALUE", "\"Size exceeds Integer.MAX_VALUE\"")]
        public void Extract_FindsTheRequiredLiterals(string pattern, string expected)
            => Assert.Equal(expected, RequiredLiterals.Describe(RequiredLiterals.Extract(pattern)));

        [Theory]
        [InlineData("a.b")]                       // nothing of 3 characters is required
        [InlineData("x*")]
        [InlineData("(?x) foo bar")]              // whitespace mode: not understood, so not filtered
        [InlineData("[a-z-[aeiou]]xyz")]          // class subtraction
        [InlineData("(?(foo)bar|baz)")]           // conditional
        [InlineData("(abc)\\1")]                  // backreference (not understood: the whole pattern runs everywhere)
        [InlineData("abc|\\w+")]                  // one branch requires nothing
        [InlineData("\\p{Lu}{3}")]
        [InlineData("x{2,}yz")]                   // "xxyz" is required, but only "yz" is known to the extraction
        public void Extract_GivesUp_WhenNothingUsableIsRequired(string pattern)
            => Assert.Null(RequiredLiterals.Extract(pattern));

        [Fact]
        public void Extract_GlobalIgnoreCase_MakesEveryLiteralCaseInsensitive()
            => Assert.Equal("\"(?i)no space left\"", RequiredLiterals.Describe(RequiredLiterals.Extract("No Space Left", ignoreCase: true)));

        /// <summary>Every log line of both labelled sets plus lines built to stress the filter (case, non-ASCII, overlaps).</summary>
        private static IEnumerable<string> AllLines()
        {
            foreach (var folder in new[] { "corpus", "holdout" })
            {
                var dir = LabelledSet.Find(folder);
                Assert.True(dir != null, $"the {folder} folder was not found");
                foreach (var file in Directory.GetFiles(dir!, "*.log"))
                    foreach (var line in File.ReadLines(file)) yield return line;
            }
            foreach (var extra in StressLines()) yield return extra;
        }

        private static IEnumerable<string> StressLines()
        {
            yield return "EXIT CODE: 0";
            yield return "Exit Status 0";
            yield return "process exit\u212Aode 3";                      // Kelvin sign beyond ASCII
            yield return "\u017Ftatus exit status: 0";                    // long s
            yield return "final status: FAILED and Final app status: SUCCEEDED";
            yield return "SparkExceptionSparkException: Job aborted due to stage failure: x";
            yield return "ééé No space left on device ééé";
            yield return "Total size of serialized results of 3 tasks (1 GiB) is bigger than spark.driver.maxResultSize (1 GiB)";
            yield return "java.lang.OutOfMemoryErrorjava.lang.OutOfMemoryError: Java heap space";
            yield return new string('x', 30000) + "No space left on device";   // beyond the 20,000-character cut
        }

        [Fact]
        public void Guards_NeverHideAMatch_OfAnyBuiltInOrEnginePattern()
        {
            var prefilter = RuleSet.BuiltIn.Prefilter;
            var state = new ScanPrefilter.LineState(prefilter);
            var rules = RuleSet.BuiltIn.Rules;
            var checkedMatches = 0;
            var misses = new List<string>();
            foreach (var raw in AllLines())
            {
                var line = raw.Length > 20000 ? raw.Substring(0, 20000) : raw;
                state.Reset(line);
                for (var r = 0; r < rules.Count; r++)
                {
                    for (var p = 0; p < rules[r].Patterns.Count; p++)
                    {
                        if (!rules[r].Patterns[p].IsMatch(line)) continue;
                        checkedMatches++;
                        if (!state.Passes(prefilter.RulePatternGuards[r][p])) misses.Add($"{rules[r].Id}[{p}] on: {line}");
                    }
                }
                for (var e = 0; e < DiagnosisScan.EngineRegexes.Count; e++)
                {
                    if (!DiagnosisScan.EngineRegexes[e].IsMatch(line)) continue;
                    checkedMatches++;
                    if (!state.Passes(prefilter.EngineGuards[e])) misses.Add($"engine[{e}] on: {line}");
                }
            }
            Assert.True(misses.Count == 0, string.Join("\n", misses.Take(20)));
            Assert.True(checkedMatches > 300, $"only {checkedMatches} matches were checked");
        }

        [Fact]
        public void EveryBuiltInPattern_HasAGuard_AndAlwaysRulesIsEmpty()
        {
            var prefilter = RuleSet.BuiltIn.Prefilter;
            var rules = RuleSet.BuiltIn.Rules;
            var unguarded = new List<string>();
            for (var r = 0; r < rules.Count; r++)
                for (var p = 0; p < rules[r].Patterns.Count; p++)
                    if (prefilter.RulePatternGuards[r][p] == null) unguarded.Add($"{rules[r].Id}[{p}]: {rules[r].Patterns[p]}");
            // Not a correctness matter (unguarded patterns just run on every line), but each one costs throughput.
            Assert.True(unguarded.Count == 0, "patterns without a required literal:\n" + string.Join("\n", unguarded));
            Assert.Empty(prefilter.AlwaysRules);
            Assert.All(prefilter.EngineGuards, g => Assert.NotNull(g));
        }

        [Fact]
        public void Automaton_FindsExactlyWhatIndexOfFinds_OnRandomText()
        {
            var random = new Random(12345);
            var alphabet = "abcAB :.-_x\u00e9\u212A";
            var literals = new List<RequiredLiteral>();
            for (var i = 0; i < 60; i++)
            {
                var length = random.Next(3, 30);
                var sb = new StringBuilder();
                for (var k = 0; k < length; k++) sb.Append(alphabet[random.Next(alphabet.Length - 2)]); // ASCII only
                literals.Add(new RequiredLiteral(sb.ToString(), false));
            }
            literals.Add(new RequiredLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", false)); // longer than the automaton's depth
            literals = literals.Distinct().ToList();
            var automaton = new LiteralAutomaton(literals, Enumerable.Range(0, literals.Count).ToList());
            var present = new int[literals.Count];
            for (var round = 1; round <= 3000; round++)
            {
                var sb = new StringBuilder();
                var length = random.Next(0, 400);
                for (var k = 0; k < length; k++) sb.Append(alphabet[random.Next(alphabet.Length)]);
                if (round % 3 == 0) sb.Insert(random.Next(sb.Length + 1), literals[random.Next(literals.Count)].Text);
                var line = sb.ToString();
                var any = automaton.Scan(line, present, 2 * round);
                for (var i = 0; i < literals.Count; i++)
                {
                    var expected = line.IndexOf(literals[i].Text, StringComparison.Ordinal) >= 0;
                    Assert.True(expected == (present[i] == 2 * round), $"literal '{literals[i].Text}' in '{line}': expected {expected}");
                }
                Assert.Equal(literals.Any(l => line.IndexOf(l.Text, StringComparison.Ordinal) >= 0), any);
                if (line.All(c => c < 0x80))
                {
                    // The byte scan (two interleaved halves on long lines) must find the same, wherever the line sits in the buffer.
                    var bytes = Encoding.ASCII.GetBytes("\n\n" + line + "\n");
                    var anyBytes = automaton.ScanAscii(bytes, 2, line.Length, present, 2 * round + 1);
                    for (var i = 0; i < literals.Count; i++)
                    {
                        var expected = line.IndexOf(literals[i].Text, StringComparison.Ordinal) >= 0;
                        Assert.True(expected == (present[i] == 2 * round + 1), $"bytes: literal '{literals[i].Text}' in '{line}': expected {expected}");
                    }
                    Assert.Equal(any, anyBytes);
                }
            }
        }

        [Fact]
        public void Automaton_IgnoreCaseLiterals_FoldAsciiCase_AndCountAsPresentBeyondAscii()
        {
            var literals = new List<RequiredLiteral> { new RequiredLiteral("exit status", true), new RequiredLiteral("killed", true), new RequiredLiteral("Job", false) };
            var automaton = new LiteralAutomaton(literals, new[] { 0, 1, 2 });
            var present = new int[3];
            var stamp = 0;
            bool[] Scan(string line)
            {
                stamp++;
                automaton.Scan(line, present, stamp);
                return present.Select(p => p == stamp).ToArray();
            }
            Assert.Equal(new[] { true, false, false }, Scan("EXIT Status: 0"));
            Assert.Equal(new[] { false, true, true }, Scan("Job was KiLLeD"));
            Assert.Equal(new[] { false, false, false }, Scan("job exited"));
            // Beyond ASCII the regex may fold (the Kelvin sign is a 'k'): case-insensitive literals count as present.
            Assert.Equal(new[] { true, true, false }, Scan("\u212Ailled"));
        }

        [Fact]
        public void FastLevel_AgreesWithTheLogPrefixRegex_WheneverItAnswers()
        {
            var lines = AllLines().Concat(new[]
            {
                "24/05/01 10:00:00 INFO x", "24/05/01 10:00:00  WARNING x", "24/05/01 10:00:00 WARNINGS x", "24/05/01 10:00:00 INFOx",
                "24/05/01 10:00:00 INFO_x", "24/05/01 10:00:00 INFO", "2024-05-01 10:00:03,123 ERROR [main] Foo",
                "2024-05-01 10:00:03.1234567891 ERROR x", "2024-05-01 10:00:03,12 [main] ERROR x", "24/05/01 10:00:00 INFO\u00e9",
                "24/05/01 10:00:00\tINFO x", "24/05/01 10:00:00 DEBUG: x", "2024-05-01T10:00:03.120Z  INFO 12 --- [x]",
                "  WARNING: x", "\tINFO x", " [main] x", "  Sx", "/usr/lib/x.py:3: FutureWarning: foo", "  warn(msg)", "x = 1", "p", "usage: x",
            });
            var answered = 0;
            foreach (var line in lines)
            {
                if (line.Length == 0) continue;
                var fast = DiagnosisScan.FastLevel(line);
                if (line.All(c => c < 0x80))
                {
                    var bytes = Encoding.ASCII.GetBytes("xx" + line + "yy");
                    Assert.Equal(fast, DiagnosisScan.FastLevel(bytes, 2, bytes.Length - 4));
                    if (DiagnosisScan.CannotStartRecord(bytes, 2, bytes.Length - 4))
                    {
                        Assert.Null(DiagnosisScan.RegexLevel(line));
                        Assert.DoesNotMatch(@"^(?:Traceback \(most recent call last\):|Exception in thread |py4j\.protocol\.Py4JJavaError|Exception: |Error: |usage: \S)", line);
                        Assert.False(line.StartsWith("==> ", StringComparison.Ordinal));
                    }
                }
                if (fast == null) continue;
                answered++;
                Assert.Equal(DiagnosisScan.RegexLevel(line), fast);
            }
            Assert.True(answered > 1000, $"FastLevel answered only {answered} times");
        }

        /// <summary>A diagnosis with every pattern on every line (the reference) must equal the prefiltered one.</summary>
        private static void AssertSameAsReference(DiagnosisEngine engine, IReadOnlyList<LogSource> sources, string name)
        {
            var fast = engine.Diagnose(sources);
            var reference = new DiagnosisScan(engine, usePrefilter: false);
            foreach (var source in sources)
            {
                var n = source.FirstLineNumber;
                reference.StartSourceAt(source.FromByte);
                foreach (var line in source.Lines) reference.Feed(source.Name, n++, line);
                reference.EndSource();
            }
            var slow = reference.Result();
            Assert.True(Describe(slow) == Describe(fast), $"{name}:\nreference: {Describe(slow)}\nprefilter: {Describe(fast)}");
        }

        private static string Describe(JobDiagnosis d)
            => string.Join(" | ", d.IsFailure, d.Category, d.RuleId, d.Title, d.Cause, d.Recommendation, d.Confidence, d.LinesScanned, d.BytesRead,
                string.Join(" ; ", d.Evidence), string.Join(",", d.OtherMatches));

        [Fact]
        public void Diagnoses_AreIdentical_WithAndWithoutThePrefilter_OnBothLabelledSets()
        {
            var count = 0;
            foreach (var folder in new[] { "corpus", "holdout" })
            {
                var dir = LabelledSet.Find(folder)!;
                foreach (var file in Directory.GetFiles(dir, "*.log"))
                {
                    AssertSameAsReference(Engine, new[] { new LogSource(Path.GetFileName(file), File.ReadAllLines(file)) }, file);
                    count++;
                }
            }
            Assert.True(count >= 120, $"only {count} logs compared");
        }

        [Fact]
        public void Diagnoses_AreIdentical_WithTeamRules_ThatTheFilterCannotGuard_OrThatIgnoreCase()
        {
            var rules = RuleSet.FromJson(@"[
              {""id"":""team-ci"",""category"":""UserCode"",""patterns"":[""(?i)flux capacitor (?<state>\\w+)""],""titleTemplate"":""Flux {state}"",""priority"":99},
              {""id"":""team-any"",""category"":""UserCode"",""patterns"":[""^\\w{2}\\d$""],""titleTemplate"":""Short code"",""priority"":98},
              {""id"":""team-kelvin"",""category"":""UserCode"",""patterns"":[""(?i)kelvin""],""titleTemplate"":""Kelvin"",""priority"":97}]");
            var engine = new DiagnosisEngine(rules);
            Assert.Equal(new[] { 1 }, rules.Prefilter.AlwaysRules); // FromJson holds only the team rules; ^\w{2}\d$ has no literal
            var lines = StressLines().Concat(new[] { "ERROR FLUX Capacitor misaligned", "ab7", "ERROR temperature 3 \u212Aelvin", "Traceback (most recent call last):" }).ToList();
            AssertSameAsReference(engine, new[] { new LogSource("team", lines) }, "team rules");
        }

        [Fact]
        public void Diagnoses_AreIdentical_OnAGeneratedNoisyLog_WithAFailureNearTheEnd()
        {
            var random = new Random(7);
            var lines = new List<string>();
            for (var i = 0; i < 20000; i++)
            {
                lines.Add(random.Next(10) switch
                {
                    0 => $"24/05/14 09:12:{i % 60:00} WARN TaskSetManager: Lost task {i % 200}.0 in stage 3.0 (TID {i}) (host executor 2): FetchFailed(BlockManagerId(1, h, 7337, None), shuffleId=1, mapIndex=2, mapId=3, reduceId=4, message=",
                    1 => "\tat org.apache.spark.scheduler.Task.run(Task.scala:141)",
                    2 => $"24/05/14 09:12:{i % 60:00} INFO DAGScheduler: Job {i} finished: count at x.py:1, took 0.1 s",
                    _ => $"24/05/14 09:12:{i % 60:00} INFO TaskSetManager: Finished task {i % 200}.0 in stage 3.0 (TID {i}) in {i % 999} ms on host (executor 4) ({i % 200}/200)",
                });
            }
            lines.Add("24/05/14 09:20:00 ERROR YarnScheduler: Lost executor 7 on host: Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB physical memory used. Consider boosting spark.executor.memoryOverhead.");
            lines.Add("Traceback (most recent call last):");
            lines.Add("py4j.protocol.Py4JJavaError: An error occurred while calling o77.count.");
            AssertSameAsReference(Engine, new[] { new LogSource("stderr", lines) }, "generated");
            Assert.Equal("ContainerKilledMemory", Engine.Diagnose(new LogSource("stderr", lines)).Category);
        }
            [Fact]
        public void FrameCheckOnBytes_NeverClaimsAFrameTheRegexRejects_AndFindsTheUsualOnes()
        {
            var frame = new Regex(@"^\s+(?:at [\w$.<>/]+[(.]|\.\.\. \d+ (?:more|common frames omitted)|File "".*"", line \d+)", RegexOptions.CultureInvariant);
            var lines = AllLines().Concat(new[]
            {
                "\tat org.apache.spark.scheduler.Task.run(Task.scala:141)", "  at foo.bar baz", "\tat foo bar", "\tat .x", "\tat x.",
                "\tat (x)", "\t... 12 more", "\t... 3 common frames omitted", "\t... x more", "  File \"job.py\", line 9, in <module>",
                "  File \"a\", line x", "\v\fat a(b", "\u001cat a(b", " ", "\t", "\tat <init>(X.java:1)", "\tat a$b.c$d(e)",
            });
            var found = 0;
            foreach (var line in lines)
            {
                if (line.Length == 0 || line[0] > ' ' || line.Any(c => c >= 0x80)) continue;
                var bytes = Encoding.ASCII.GetBytes("zz" + line + "zz");
                var fast = DiagnosisScan.IsFrameAscii(bytes, 2, bytes.Length - 4);
                var regex = char.IsWhiteSpace(line[0]) && frame.IsMatch(line);
                Assert.True(fast == regex, $"frame check {fast}, regex {regex}: '{line}'");
                if (fast) found++;
            }
            Assert.True(found > 100, $"only {found} frames recognised");
        }

        [Fact]
        public void LocalFiles_ReadAsBytes_GiveTheSameDiagnosis_AsStreamReaderLines()
        {
            var dir = Path.Combine(Path.GetTempPath(), "sheriff-bytepath-" + Guid.NewGuid().ToString("n").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                var noise = "24/05/14 09:12:03 INFO TaskSetManager: Finished task 1.0 in stage 3.0 (TID 4) in 12 ms on host (executor 4) (2/200)";
                var failure = "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\nModuleNotFoundError: No module named 'fire'";
                var cases = new Dictionary<string, byte[]>
                {
                    ["lf"] = Encoding.UTF8.GetBytes(noise + "\n" + failure + "\n"),
                    ["crlf"] = Encoding.UTF8.GetBytes((noise + "\n" + failure).Replace("\n", "\r\n") + "\r\n"),
                    ["lone-cr"] = Encoding.UTF8.GetBytes(noise + "\r" + failure.Replace("\n", "\r") + "\r"),
                    ["mixed-and-empty"] = Encoding.UTF8.GetBytes(noise + "\r\r\n\n\r" + failure + "\n\n"),
                    ["no-final-newline"] = Encoding.UTF8.GetBytes(noise + "\n" + failure),
                    ["bom"] = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(noise + "\n" + failure + "\n")).ToArray(),
                    ["utf16-bom"] = new byte[] { 0xFF, 0xFE }.Concat(Encoding.Unicode.GetBytes(noise + "\n" + failure + "\n")).ToArray(),
                    ["invalid-utf8"] = Encoding.UTF8.GetBytes(noise + "\n").Concat(new byte[] { 0xC3, 0x28, 0xE2, 0x82, (byte)'\n', 0xF0, 0x9F, 0x98 })
                        .Concat(Encoding.UTF8.GetBytes("ERROR caf\u00e9 \u212Aelvin No space left on device\n" + failure)).ToArray(),
                    ["long-line"] = Encoding.UTF8.GetBytes(noise + "\n" + new string('x', 3 * 1024 * 1024) + " No space left on device\n" + failure + "\n"),
                    ["frames"] = Encoding.UTF8.GetBytes("24/05/14 09:12:03 WARN TaskSetManager: Lost task 1.0: java.io.IOException: boom\n\tat a.b.c(D.java:1)\n\t... 3 more\n" + failure + "\n"),
                    ["empty"] = Array.Empty<byte>(),
                    ["plain-output"] = Encoding.UTF8.GetBytes("24/05/14 09:12:03 ERROR Foo: bar\n/usr/lib/x.py:3: FutureWarning: foo\n  warn(msg)\n    x = 1\n"
                        + "[Stage 1:>   (0 + 1) / 1]\n \n\t\nplain text\nusage: x.py [-h]\nx.py: error: the following arguments are required: --date\n"
                        + "==> other <==\n" + noise + "\n" + failure + "\n"),
                };
                foreach (var pair in cases)
                {
                    var path = Path.Combine(dir, pair.Key + ".log");
                    File.WriteAllBytes(path, pair.Value);
                    var viaBytes = Engine.Diagnose(LogSource.FromFile(path, "f"));
                    var viaLines = Engine.Diagnose(new LogSource("f", LogSource.ReadLines(path)));
                    Assert.True(Describe(viaLines) == Describe(viaBytes), $"{pair.Key}:\nlines: {Describe(viaLines)}\nbytes: {Describe(viaBytes)}");
                    AssertSameAsReference(Engine, new[] { new LogSource("f", LogSource.ReadLines(path)) }, pair.Key);
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
