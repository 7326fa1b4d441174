using Sheriff.Core.Diagnosis;
using Xunit;
using Xunit.Abstractions;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// The held-out set (holdout/labels.json): logs written after the rules were tuned, from how Spark, YARN, PySpark,
    /// the JVM, Hadoop S3A and Genie print their errors, without reading the rule patterns. It measures how the rules
    /// generalise: top-1 category accuracy must be at least 95 % and successful logs must get no failure diagnosis.
    /// </summary>
    public class HoldoutTests
    {
        private readonly ITestOutputHelper _output;

        public HoldoutTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Holdout_LabelsMatchFiles()
        {
            var dir = LabelledSet.Find("holdout");
            Assert.True(dir != null && File.Exists(Path.Combine(dir, "labels.json")), "the holdout folder or its labels.json is missing");
            var problems = LabelledSet.Inconsistencies(dir!);
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.True(Directory.GetFiles(dir!, "*.log").Length >= 30, "the held-out set needs at least 30 logs");
        }

        [Fact]
        public void Holdout_TopOneAccuracyAtLeast95Percent_AndNoFalseAlarms()
        {
            var dir = LabelledSet.Find("holdout");
            Assert.True(dir != null && File.Exists(Path.Combine(dir, "labels.json")), "the holdout folder or its labels.json is missing");
            var score = LabelledSet.Run(dir!, new DiagnosisEngine());
            _output.WriteLine(score.Summary("Holdout"));
            foreach (var m in score.Misses) _output.WriteLine("MISS " + m);
            Console.WriteLine(score.Summary("Holdout"));
            foreach (var m in score.Misses) Console.WriteLine("MISS " + m);
            Assert.True(score.Successes >= 1, "the held-out set has no successful logs");
            Assert.Equal(0, score.FalseAlarms);
            Assert.True(score.Accuracy >= 0.95, $"top-1 accuracy {score.Accuracy:P1} < 95%:\n" + string.Join("\n", score.Misses));
        }
    }
}
