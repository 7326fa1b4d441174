using Newtonsoft.Json.Linq;
using Sheriff.Core.Diagnosis;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// Scores the diagnosis engine on a labelled folder (a labels.json plus one .log per entry): top-1 category
    /// accuracy and false alarms (a failure diagnosis on a log labelled "None"). Used by the training corpus and the
    /// held-out set alike, so both are measured the same way.
    /// </summary>
    internal static class LabelledSet
    {
        internal sealed class Score
        {
            public int Total;
            public int Correct;
            public int Successes;
            public int FalseAlarms;
            public readonly List<string> Misses = new List<string>();
            public double Accuracy => Total == 0 ? 1.0 : (double)Correct / Total;
            public string Summary(string name) =>
                $"{name}: {Correct}/{Total} correct, top-1 accuracy {Accuracy:P1}; false alarms {FalseAlarms}/{Successes} successful logs.";
        }

        /// <summary>Finds tests/Sheriff.Core.Tests/Diagnosis/{folder} from the test's output directory upwards.</summary>
        internal static string? Find(string folder)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Sheriff.Core.Tests", "Diagnosis", folder);
                if (Directory.Exists(candidate)) return candidate;
                candidate = Path.Combine(dir.FullName, "Diagnosis", folder);
                if (File.Exists(Path.Combine(candidate, "labels.json"))) return candidate;
            }
            return null;
        }

        internal static Score Run(string dir, DiagnosisEngine engine)
        {
            var labels = JArray.Parse(File.ReadAllText(Path.Combine(dir, "labels.json")));
            var score = new Score();
            foreach (var label in labels.Cast<JObject>())
            {
                var file = (string)label["file"]!;
                var expected = (string)label["category"]!;
                var d = engine.Diagnose(LogSource.FromFile(Path.Combine(dir, file), file));
                score.Total++;
                if (expected == DiagnosisCategories.None)
                {
                    score.Successes++;
                    if (d.IsFailure) score.FalseAlarms++;
                }
                var got = d.IsFailure ? d.Category : DiagnosisCategories.None;
                if (got == expected) score.Correct++;
                else score.Misses.Add($"{file}: expected {expected}, got {got} ({d.RuleId}: {d.Title}); others: {string.Join(", ", d.OtherMatches)}");
            }
            return score;
        }

        /// <summary>Every .log in the folder has exactly one label and every label names an existing .log.</summary>
        internal static IReadOnlyList<string> Inconsistencies(string dir)
        {
            var labels = JArray.Parse(File.ReadAllText(Path.Combine(dir, "labels.json")))
                .Cast<JObject>().Select(l => (string)l["file"]!).ToList();
            var files = Directory.GetFiles(dir, "*.log").Select(Path.GetFileName).Select(f => f!).ToList();
            var problems = new List<string>();
            foreach (var dup in labels.GroupBy(l => l).Where(g => g.Count() > 1)) problems.Add("labelled twice: " + dup.Key);
            foreach (var f in files.Except(labels)) problems.Add("no label: " + f);
            foreach (var l in labels.Except(files)) problems.Add("label without a file: " + l);
            return problems;
        }
    }
}
