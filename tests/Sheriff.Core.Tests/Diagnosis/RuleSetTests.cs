using Sheriff.Core.Diagnosis;
using Xunit;

namespace Sheriff.Core.Tests.Diagnosis
{
    public class RuleSetTests
    {
        private static string WriteTemp(string json)
        {
            var path = Path.Combine(Path.GetTempPath(), "sheriff-rules-" + Guid.NewGuid().ToString("n") + ".json");
            File.WriteAllText(path, json);
            return path;
        }

        [Fact]
        public void TeamFile_AddsARule()
        {
            var file = WriteTemp(@"{ ""rules"": [ { ""id"": ""team-flux"", ""category"": ""UserCode"", ""patterns"": [""flux capacitor (?<state>\\w+)""],
                ""titleTemplate"": ""Flux capacitor {state}"", ""recommendation"": ""Call Doc."", ""priority"": 99 } ] }");
            try
            {
                var set = RuleSet.Load(new[] { file });
                Assert.Equal(RuleSet.BuiltIn.Rules.Count + 1, set.Rules.Count);
                var d = new DiagnosisEngine(set).DiagnoseText("ERROR flux capacitor misaligned", "FAILED");
                Assert.Equal("team-flux", d.RuleId);
                Assert.Equal("Flux capacitor misaligned", d.Title);
                Assert.Equal(file, set.Rules.Single(r => r.Id == "team-flux").Source);
            }
            finally { File.Delete(file); }
        }

        [Fact]
        public void TeamFile_OverridesFieldsById_AndDisables()
        {
            var file = WriteTemp(@"[ { ""id"": ""python-no-module"", ""recommendation"": ""Use the team image ds:2024 that has {module}."" },
                                   { ""id"": ""python-attribute-error"", ""disabled"": true } ]");
            try
            {
                var set = RuleSet.Load(new[] { file });
                Assert.Equal(RuleSet.BuiltIn.Rules.Count - 1, set.Rules.Count);
                var rule = set.Rules.Single(r => r.Id == "python-no-module");
                Assert.Equal("MissingModule", rule.Category); // kept from the built-in rule
                var d = new DiagnosisEngine(set).DiagnoseText("Traceback (most recent call last):\nModuleNotFoundError: No module named 'fire'");
                Assert.Equal("Use the team image ds:2024 that has fire.", d.Recommendation);
                Assert.DoesNotContain(set.Rules, r => r.Id == "python-attribute-error");
            }
            finally { File.Delete(file); }
        }

        [Theory]
        [InlineData(@"[ { ""id"": ""r1"", ""category"": ""UserCode"", ""patterns"": [""(unclosed""], ""titleTemplate"": ""t"" } ]", "r1", "patterns[0]")]
        [InlineData(@"[ { ""id"": ""r2"", ""category"": ""UserCode"", ""titleTemplate"": ""t"" } ]", "r2", "patterns")]
        [InlineData(@"[ { ""id"": ""r3"", ""patterns"": [""x""], ""titleTemplate"": ""t"" } ]", "r3", "category")]
        [InlineData(@"[ { ""id"": ""r4"", ""category"": ""UserCode"", ""patterns"": [""x""], ""titleTemplate"": ""{nope}"" } ]", "r4", "titleTemplate")]
        [InlineData(@"[ { ""id"": ""r5"", ""category"": ""UserCode"", ""patterns"": [""x""], ""titleTemplate"": ""t"", ""priority"": ""high"" } ]", "r5", "priority")]
        [InlineData(@"[ { ""id"": ""r6"", ""category"": ""UserCode"", ""patterns"": [""x""], ""titleTemplate"": ""t"", ""colour"": ""red"" } ]", "r6", "colour")]
        [InlineData(@"[ { ""category"": ""UserCode"" } ]", "#1", "id")]
        public void MalformedFile_NamesFileRuleAndField(string json, string rule, string field)
        {
            var file = WriteTemp(json);
            try
            {
                var ex = Assert.Throws<RuleFileException>(() => RuleSet.Load(new[] { file }));
                Assert.Equal(file, ex.File);
                Assert.Equal(rule, ex.RuleId);
                Assert.Equal(field, ex.Field);
                Assert.Contains(file, ex.Message);
                Assert.Contains($"'{rule}'", ex.Message);
                Assert.Contains($"'{field}'", ex.Message);
            }
            finally { File.Delete(file); }
        }

        [Fact]
        public void InvalidJson_NamesFileAndLine()
        {
            var file = WriteTemp("[\n { \"id\": \"x\",\n oops }\n]");
            try
            {
                var ex = Assert.Throws<RuleFileException>(() => RuleSet.Load(new[] { file }));
                Assert.Equal(file, ex.File);
                Assert.NotNull(ex.Line);
            }
            finally { File.Delete(file); }
        }

        [Fact]
        public void MissingFile_IsARuleFileError()
        {
            var ex = Assert.Throws<RuleFileException>(() => RuleSet.Load(new[] { "/nonexistent/rules.json" }));
            Assert.Equal("/nonexistent/rules.json", ex.File);
        }
    }
}

namespace Sheriff.Core.Tests.Diagnosis
{
    public class BuiltInRuleTests
    {
        [Fact]
        public void EveryBuiltInRule_HasACauseAndARecommendation_AndUniqueId()
        {
            var rules = RuleSet.BuiltIn.Rules;
            Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
            Assert.All(rules, r =>
            {
                Assert.False(string.IsNullOrWhiteSpace(r.Cause), r.Id);
                Assert.False(string.IsNullOrWhiteSpace(r.Recommendation), r.Id);
                Assert.Null(r.Source);
            });
        }

        [Theory]
        [InlineData("ContainerKilledMemory", "spark.executor.memoryOverhead")]
        [InlineData("BroadcastTooLarge", "spark.sql.autoBroadcastJoinThreshold")]
        [InlineData("DriverOOM", "spark.driver.maxResultSize")]
        [InlineData("DataSkew", "spark.sql.shuffle.partitions")]
        [InlineData("Timeout", "spark.network.timeout")]
        [InlineData("MissingModule", "dependencies")]
        [InlineData("SparkVersionMismatch", "Spark version tag")]
        public void Recommendations_NameTheSetting(string category, string setting)
            => Assert.Contains(RuleSet.BuiltIn.Rules, r => r.Category == category && r.Recommendation.Contains(setting));
    }
}
