using Sheriff.Core.Diagnosis;
using Xunit;
using Xunit.Abstractions;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// The labelled corpus (corpus/labels.json): top-1 category accuracy must be at least 95 % and successful logs must
    /// get no failure diagnosis. The engine sees the text only (no job status), the harder case. The rules were tuned on
    /// this corpus, so it measures training accuracy; HoldoutTests measures how the rules generalise.
    /// </summary>
    public class CorpusTests
    {
        private readonly ITestOutputHelper _output;

        public CorpusTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Corpus_LabelsMatchFiles()
        {
            var dir = LabelledSet.Find("corpus");
            Assert.True(dir != null && File.Exists(Path.Combine(dir, "labels.json")), "the corpus folder or its labels.json is missing");
            var problems = LabelledSet.Inconsistencies(dir!);
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Corpus_TopOneAccuracyAtLeast95Percent_AndNoFalseAlarms()
        {
            var dir = LabelledSet.Find("corpus");
            Assert.True(dir != null && File.Exists(Path.Combine(dir, "labels.json")), "the corpus folder or its labels.json is missing");
            var score = LabelledSet.Run(dir!, new DiagnosisEngine());
            _output.WriteLine(score.Summary("Corpus"));
            foreach (var m in score.Misses) _output.WriteLine("MISS " + m);
            Console.WriteLine(score.Summary("Corpus"));
            foreach (var m in score.Misses) Console.WriteLine("MISS " + m);
            Assert.True(score.Total >= 40, "the corpus needs at least 40 logs");
            Assert.Equal(0, score.FalseAlarms);
            Assert.True(score.Accuracy >= 0.95, $"top-1 accuracy {score.Accuracy:P1} < 95%:\n" + string.Join("\n", score.Misses));
        }
    }
}
