using Newtonsoft.Json.Linq;
using Sheriff.Core.Diagnosis;
using Xunit;
using Xunit.Abstractions;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// The labelled corpus (corpus/labels.json): top-1 category accuracy must be at least 95 % and successful logs must
    /// get no failure diagnosis. The engine sees the text only (no job status), the harder case.
    /// </summary>
    public class CorpusTests
    {
        private readonly ITestOutputHelper _output;

        public CorpusTests(ITestOutputHelper output) => _output = output;

        internal static string? CorpusDirectory()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Sheriff.Core.Tests", "Diagnosis", "corpus");
                if (Directory.Exists(candidate)) return candidate;
                candidate = Path.Combine(dir.FullName, "Diagnosis", "corpus");
                if (File.Exists(Path.Combine(candidate, "labels.json"))) return candidate;
            }
            return null;
        }

        [Fact]
        public void Corpus_TopOneAccuracyAtLeast95Percent_AndNoFalseAlarms()
        {
            var dir = CorpusDirectory();
            if (dir == null || !File.Exists(Path.Combine(dir, "labels.json")))
            {
                _output.WriteLine("The corpus folder does not exist yet: nothing to measure.");
                return;
            }
            var labels = JArray.Parse(File.ReadAllText(Path.Combine(dir, "labels.json")));
            var engine = new DiagnosisEngine();
            int total = 0, correct = 0, successes = 0, falseAlarms = 0;
            var misses = new List<string>();
            foreach (var label in labels.Cast<JObject>())
            {
                var file = (string)label["file"]!;
                var expected = (string)label["category"]!;
                var d = engine.Diagnose(LogSource.FromFile(Path.Combine(dir, file), file));
                total++;
                var success = expected == DiagnosisCategories.None;
                if (success)
                {
                    successes++;
                    if (d.IsFailure) falseAlarms++;
                }
                var got = d.IsFailure ? d.Category : DiagnosisCategories.None;
                if (got == expected) correct++;
                else misses.Add($"{file}: expected {expected}, got {got} ({d.RuleId}: {d.Title}); others: {string.Join(", ", d.OtherMatches)}");
            }
            var accuracy = total == 0 ? 1.0 : (double)correct / total;
            _output.WriteLine($"Corpus: {correct}/{total} correct, top-1 accuracy {accuracy:P1}; false alarms {falseAlarms}/{successes} successful logs.");
            foreach (var m in misses) _output.WriteLine("MISS " + m);
            Console.WriteLine($"Corpus: {correct}/{total} correct, top-1 accuracy {accuracy:P1}; false alarms {falseAlarms}/{successes} successful logs.");
            foreach (var m in misses) Console.WriteLine("MISS " + m);
            Assert.True(total >= 1, "labels.json is empty");
            Assert.Equal(0, falseAlarms);
            Assert.True(accuracy >= 0.95, $"top-1 accuracy {accuracy:P1} < 95%:\n" + string.Join("\n", misses));
        }
    }
}
