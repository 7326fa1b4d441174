using Newtonsoft.Json.Linq;
using Sheriff.Core.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Spark;

/// <summary>SparkJobSpec.Load: validation errors with exact positions, conf conversion, conflicts.</summary>
public class SparkJobSpecLoadTests
{
    private static SparkJobSpecException LoadError(string json, out string file)
    {
        using var folder = new SparkTempFolder();
        file = folder.Write("job.json", json);
        var path = file;
        return Assert.Throws<SparkJobSpecException>(() => SparkJobSpec.Load(path));
    }

    private static SparkJobSpec LoadText(string json)
    {
        using var folder = new SparkTempFolder();
        return SparkJobSpec.Load(folder.Write("job.json", json));
    }

    private static string Lines(params string[] lines) => string.Join("\n", lines);

    [Fact]
    public void UnknownKey_PositionAndSuggestion()
    {
        var ex = LoadError(Lines(
            "{",
            "  \"script\": \"main.py\",",
            "  \"executorMemroy\": \"4g\"",
            "}"), out var file);
        Assert.Equal(file, ex.Path);
        Assert.Equal(3, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Equal("executorMemroy", ex.Field);
        Assert.Equal($"{file}: line 3, column 3: unknown key 'executorMemroy': did you mean 'executorMemory'?", ex.Message);
    }

    [Theory]
    [InlineData("ExecutorMemory", "did you mean 'executorMemory'?")]
    [InlineData("executor_memory", "did you mean 'executorMemory'?")]
    [InlineData("executor-cores", "did you mean 'executorCores'?")]
    [InlineData("numExecutor", "did you mean 'numExecutors'?")]
    [InlineData("tags", "did you mean 'tag'?")]
    [InlineData("pyfiles", "did you mean 'pyFiles'?")]
    [InlineData("timout", "did you mean 'timeout'?")]
    [InlineData("spark.executor.memory", "Spark properties go in 'conf'")]
    [InlineData("colour", "known keys: script, jar, class,")]
    public void UnknownKey_Hints(string key, string hint)
    {
        var ex = LoadError("{\"name\": \"x\", \"" + key + "\": 1}", out _);
        Assert.Contains(hint, ex.Message);
        Assert.Equal(1, ex.Line);
        Assert.Equal(15, ex.Column);
        Assert.Equal(key, ex.Field);
    }

    [Fact]
    public void WrongType_PositionOfTheValue()
    {
        var ex = LoadError(Lines(
            "{",
            "  \"name\": \"nightly\",",
            "  \"executorCores\": \"3\"",
            "}"), out var file);
        Assert.Equal(3, ex.Line);
        Assert.Equal(20, ex.Column);
        Assert.Equal("executorCores", ex.Field);
        Assert.Equal($"{file}: line 3, column 20: 'executorCores' must be an integer.", ex.Message);
    }

    /// <summary>Single-line documents; the error is at the first occurrence of <paramref name="at"/>.</summary>
    [Theory]
    [InlineData("{\"timeout\": 1.5}", "1.5", "timeout", "'timeout' must be an integer.")]
    [InlineData("{\"numExecutors\": true}", "true", "numExecutors", "'numExecutors' must be an integer.")]
    [InlineData("{\"executorMemory\": 4}", "4", "executorMemory", "'executorMemory' must be a string such as \"4g\".")]
    [InlineData("{\"sparkVersion\": 3.5}", "3.5", "sparkVersion", "'sparkVersion' must be a string such as \"3.5\".")]
    [InlineData("{\"name\": null}", "null", "name", "'name' must be a string.")]
    [InlineData("{\"name\": [\"a\"]}", "[", "name", "'name' must be a string.")]
    [InlineData("{\"tag\": \"team:x\"}", "\"team:x\"", "tag", "'tag' must be an array of strings.")]
    [InlineData("{\"tag\": [\"a\", 3]}", "3", "tag", "'tag' item 2 must be a string.")]
    [InlineData("{\"argumentList\": [\"--days\", 7]}", "7", "argumentList", "'argumentList' item 2 must be a string.")]
    [InlineData("{\"conf\": [\"spark.a=1\"]}", "[", "conf", "'conf' must be an object of Spark properties")]
    [InlineData("{\"conf\": {\"spark.a\": null}}", "null", "conf.spark.a", "'conf' value of 'spark.a' must be a string, a number or a boolean.")]
    [InlineData("{\"conf\": {\"spark.a\": {\"b\": 1}}}", "{\"b\"", "conf.spark.a", "'conf' value of 'spark.a' must be a string, a number or a boolean.")]
    [InlineData("{\"$schema\": 1}", "1", "$schema", "'$schema' must be a string.")]
    public void WrongType_Table(string json, string at, string field, string message)
    {
        var ex = LoadError(json, out _);
        Assert.Equal(1, ex.Line);
        Assert.Equal(json.IndexOf(at, StringComparison.Ordinal) + 1, ex.Column);
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void BadValue_SizeMessageNamesFieldAndForm()
    {
        var ex = LoadError(Lines(
            "{",
            "\t\"executorMemory\": \"4 GB\"",
            "}"), out var file);
        Assert.Equal(2, ex.Line);
        Assert.Equal(20, ex.Column);
        Assert.Equal("executorMemory", ex.Field);
        Assert.Equal($"{file}: line 2, column 20: 'executorMemory' is '4 GB': use a Spark size such as 512m or 4g.", ex.Message);
    }

    [Theory]
    [InlineData("{\"driverMemory\": \"-3g\"}", "\"-3g\"", "driverMemory", "'driverMemory' is '-3g': use a Spark size such as 512m or 4g.")]
    [InlineData("{\"driverMemory\": \"0g\"}", "\"0g\"", "driverMemory", "'driverMemory' is '0g': use a Spark size")]
    [InlineData("{\"executorMemory\": \"4gig\"}", "\"4gig\"", "executorMemory", "'executorMemory' is '4gig'")]
    [InlineData("{\"executorCores\": 0}", "0", "executorCores", "'executorCores' must be at least 1, not 0.")]
    [InlineData("{\"numExecutors\": -2}", "-2", "numExecutors", "'numExecutors' must be at least 1, not -2.")]
    [InlineData("{\"timeout\": 0}", "0", "timeout", "'timeout' must be at least 1")]
    [InlineData("{\"timeout\": 3000000000}", "3000000000", "timeout", "'timeout' is too large")]
    [InlineData("{\"timeout\": 123456789012345678901234567890}", "1234", "timeout", "'timeout' is too large")]
    [InlineData("{\"email\": \"nobody\"}", "\"nobody\"", "email", "'email' is 'nobody': use an email address")]
    [InlineData("{\"email\": \"a b@example.com\"}", "\"a b", "email", "'email' is 'a b@example.com'")]
    [InlineData("{\"sparkVersion\": \"3\"}", "\"3\"", "sparkVersion", "'sparkVersion' is '3': use a Spark version such as 3.5 or 3.5.1.")]
    [InlineData("{\"sparkVersion\": \"v3.5\"}", "\"v3.5\"", "sparkVersion", "'sparkVersion' is 'v3.5'")]
    [InlineData("{\"sparkVersion\": \"3.5.1.2\"}", "\"3.5", "sparkVersion", "'sparkVersion' is '3.5.1.2'")]
    [InlineData("{\"jar\": \"a.jar\", \"class\": \"com..Main\"}", "\"com..Main\"", "class", "'class' is 'com..Main'")]
    [InlineData("{\"stagingUri\": \"hdfs://nn/x\"}", "\"hdfs", "stagingUri", "use an s3:// URI such as s3://bucket/prefix")]
    [InlineData("{\"packages\": [\"org.a:b:1\", \"spark-avro\"]}", "\"spark-avro\"", "packages", "'packages' item 2 is 'spark-avro': use a Maven coordinate")]
    [InlineData("{\"name\": \"  \"}", "\"  \"", "name", "'name' must not be empty.")]
    [InlineData("{\"pyFiles\": [\"a.py\", \"\"]}", "\"\"", "pyFiles", "'pyFiles' item 2 must not be empty.")]
    [InlineData("{\"conf\": {\"\": 1}}", "\"\"", "conf", "'conf' has an empty key.")]
    public void BadValue_Table(string json, string at, string field, string message)
    {
        var ex = LoadError(json, out _);
        Assert.Equal(1, ex.Line);
        Assert.Equal(json.IndexOf(at, StringComparison.Ordinal) + 1, ex.Column);
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Message);
        Assert.False(ex.IsConflict);
    }

    [Fact]
    public void DuplicateKey_PointsAtTheSecondAndNamesTheFirst()
    {
        var ex = LoadError(Lines(
            "{",
            "  \"executorMemory\": \"4g\",",
            "  \"name\": \"a\",",
            "    \"executorMemory\": \"8g\"",
            "}"), out var file);
        Assert.Equal(4, ex.Line);
        Assert.Equal(5, ex.Column);
        Assert.Equal("executorMemory", ex.Field);
        Assert.Equal($"{file}: line 4, column 5: duplicate key 'executorMemory' (first given at line 2, column 3).", ex.Message);
    }

    [Fact]
    public void DuplicateKey_InsideConf()
    {
        var json = "{\"conf\": {\"spark.a\": 1, \"spark.a\": 2}}";
        var ex = LoadError(json, out _);
        Assert.Equal(1, ex.Line);
        Assert.Equal(json.LastIndexOf("\"spark.a\"", StringComparison.Ordinal) + 1, ex.Column);
        Assert.Equal("conf.spark.a", ex.Field);
        Assert.Contains("duplicate key 'spark.a'", ex.Message);
    }

    [Fact]
    public void MalformedJson_MissingComma()
    {
        var ex = LoadError(Lines(
            "{",
            "  \"script\": \"main.py\"",
            "  \"name\": \"x\"",
            "}"), out var file);
        Assert.Equal(3, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Null(ex.Field);
        Assert.StartsWith($"{file}: line 3, column 3: not valid JSON: ", ex.Message);
        Assert.DoesNotContain("Path '", ex.Message);
    }

    [Fact]
    public void MalformedJson_Unterminated()
    {
        var ex = LoadError(Lines("{", "  \"script\": \"main.py\","), out _);
        Assert.Contains("not valid JSON", ex.Message);
        Assert.Equal(2, ex.Line);
        Assert.Equal(23, ex.Column); // just past the end
    }

    [Fact]
    public void MalformedJson_TextAfterTheObject()
    {
        var ex = LoadError(Lines("{ \"name\": \"a\" }", "x"), out _);
        Assert.Contains("not valid JSON", ex.Message);
        Assert.Equal(2, ex.Line);
        Assert.Equal(1, ex.Column);
    }

    [Theory]
    [InlineData("{\"a\": [1 2]}", 10)]
    [InlineData("{\"a\": 1,, }", 9)]
    [InlineData("{\"a\" 1}", 6)]
    public void MalformedJson_ColumnOfTheOffendingCharacter(string json, int column)
    {
        var ex = LoadError(json, out _);
        Assert.Equal(1, ex.Line);
        Assert.Equal(column, ex.Column);
    }

    [Fact]
    public void EmptyFile_IsAnError()
    {
        var ex = LoadError("  \n", out _);
        Assert.Contains("empty", ex.Message);
        Assert.Null(ex.Line);
    }

    [Fact]
    public void TopLevelNotAnObject()
    {
        var ex = LoadError("\n  [1, 2]", out _);
        Assert.Equal(2, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Contains("must be a JSON object", ex.Message);
    }

    [Fact]
    public void MissingFile()
    {
        using var folder = new SparkTempFolder();
        var path = folder.File("absent.json");
        var ex = Assert.Throws<SparkJobSpecException>(() => SparkJobSpec.Load(path));
        Assert.Equal(path, ex.Path);
        Assert.Null(ex.Line);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void ScriptAndJar_IsAnErrorAtTheLaterKey()
    {
        var json = "{\"jar\": \"a.jar\", \"name\": \"n\", \"script\": \"main.py\"}";
        var ex = LoadError(json, out _);
        Assert.Equal(json.IndexOf("\"script\"", StringComparison.Ordinal) + 1, ex.Column);
        Assert.Equal("script", ex.Field);
        Assert.Contains("'script' and 'jar' are both given", ex.Message);
        Assert.True(ex.IsConflict);
    }

    [Fact]
    public void ClassWithoutJar_IsAnError()
    {
        var json = "{\"script\": \"main.py\", \"class\": \"com.example.Main\"}";
        var ex = LoadError(json, out _);
        Assert.Equal(json.IndexOf("\"class\"", StringComparison.Ordinal) + 1, ex.Column);
        Assert.Equal("class", ex.Field);
        Assert.Contains("'class' is given without 'jar'", ex.Message);
        Assert.True(ex.IsConflict);
    }

    [Fact]
    public void CrLfLineEndings_CountAsOneLine()
    {
        var ex = LoadError("{\r\n  \"name\": \"a\",\r\n  \"timeout\": \"x\"\r\n}", out _);
        Assert.Equal(3, ex.Line);
        Assert.Equal(14, ex.Column);
    }

    [Fact]
    public void EscapedQuotesInValues_DoNotShiftTheColumn()
    {
        var json = "{\"name\": \"a \\\"quoted\\\" \\\\\", \"email\": \"x \\\"y\\\"\"}";
        var ex = LoadError(json, out _);
        Assert.Equal("email", ex.Field);
        Assert.Equal(json.IndexOf("\"x ", StringComparison.Ordinal) + 1, ex.Column);
    }

    [Fact]
    public void Conf_ValuesBecomeInvariantStrings()
    {
        var spec = LoadText("{\"conf\": {\"spark.a\": 400, \"spark.b\": 0.6, \"spark.c\": true, \"spark.d\": false, \"spark.e\": \"x y\", \"spark.f\": 1.0, \"spark.g\": 12345678901234}}");
        var conf = spec.Conf!;
        Assert.Equal("400", conf["spark.a"]);
        Assert.Equal("0.6", conf["spark.b"]);
        Assert.Equal("true", conf["spark.c"]);
        Assert.Equal("false", conf["spark.d"]);
        Assert.Equal("x y", conf["spark.e"]);
        Assert.Equal("1.0", conf["spark.f"]);
        Assert.Equal("12345678901234", conf["spark.g"]);
    }

    [Fact]
    public void ValidSpec_AllKinds()
    {
        var spec = LoadText("""
            {
              "$schema": "whatever.json",
              // comments are tolerated
              "jar": "s3://bucket/etl.jar",
              "class": "com.example.etl.Main",
              "argumentList": ["--date", "", "2024-05-01"],
              "packages": ["org.apache.spark:spark-avro_2.12:3.5.1"],
              "executorMemory": "8G",
              "executorCores": 4,
              "driverMemory": "2048MB",
              "numExecutors": 20,
              "queue": "finance",
              "sparkVersion": "3.5.1",
              "clusterTags": [],
              "commandTags": ["gpu:none"],
              "name": "etl",
              "tag": ["team:finance"],
              "description": "d",
              "timeout": 7200,
              "email": "someone@example.com",
              "grouping": "finance.daily",
              "groupingInstance": "2024-05-01",
              "jobId": "etl-2024-05-01",
              "stagingUri": "s3://team-bucket/staging"
            }
            """);
        Assert.Equal("s3://bucket/etl.jar", spec.Jar);
        Assert.Equal("com.example.etl.Main", spec.Class);
        Assert.Equal(new[] { "--date", "", "2024-05-01" }, spec.ArgumentList);
        Assert.Equal("8g", spec.ExecutorMemory);
        Assert.Equal("2048m", spec.DriverMemory);
        Assert.Equal(4, spec.ExecutorCores);
        Assert.Equal(20, spec.NumExecutors);
        Assert.Empty(spec.ClusterTags!);
        Assert.Equal(7200, spec.Timeout);
        Assert.Equal("s3://team-bucket/staging", spec.StagingUri);
        Assert.Null(spec.Script);
        Assert.Null(spec.Conf);
    }
}
