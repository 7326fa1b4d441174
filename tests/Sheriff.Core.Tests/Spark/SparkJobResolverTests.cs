using Newtonsoft.Json.Linq;
using Sheriff.Core.Config;
using Sheriff.Core.Spark;
using Xunit;

namespace Sheriff.Core.Tests.Spark;

/// <summary>Precedence: built-in &lt; team sparkDefaults &lt; profile sparkDefaults &lt; spec file &lt; parameters; config validation.</summary>
public class SparkJobResolverTests
{
    private static readonly ValueSource[] Layers = { ValueSource.BuiltIn, ValueSource.TeamConfig, ValueSource.ProfileConfig, ValueSource.SpecFile, ValueSource.Parameter };

    private static string Memory(ValueSource layer) => layer switch
    {
        ValueSource.BuiltIn => "4g",
        ValueSource.TeamConfig => "5g",
        ValueSource.ProfileConfig => "6g",
        ValueSource.SpecFile => "7g",
        _ => "8g",
    };

    private static string[] ClusterTags(ValueSource layer) => new[] { "sched:" + layer.ToString().ToLowerInvariant(), "from:" + (int)layer };

    /// <summary>Each layer in <paramref name="giving"/> gives executorMemory, clusterTags, conf spark.shared and its own conf key.</summary>
    private static ResolvedSparkJob Resolve(params ValueSource[] giving)
    {
        JObject Defaults(ValueSource layer) => giving.Contains(layer)
            ? new JObject
            {
                ["executorMemory"] = Memory(layer),
                ["clusterTags"] = new JArray(ClusterTags(layer)),
                ["conf"] = new JObject { ["spark.shared"] = layer.ToString(), ["spark." + layer] = (int)layer },
            }
            : new JObject();
        SparkJobSpec Spec(ValueSource layer) => giving.Contains(layer)
            ? new SparkJobSpec
            {
                ExecutorMemory = Memory(layer),
                ClusterTags = ClusterTags(layer),
                Conf = new Dictionary<string, string> { ["spark.shared"] = layer.ToString(), ["spark." + layer] = ((int)layer).ToString() },
            }
            : new SparkJobSpec();
        var config = SheriffConfig.Parse(new JObject
        {
            ["sparkDefaults"] = Defaults(ValueSource.TeamConfig),
            ["profiles"] = new JObject { ["prod"] = new JObject { ["uri"] = "https://genie.example.com", ["sparkDefaults"] = Defaults(ValueSource.ProfileConfig) } },
        }.ToString(), "config.json");
        return SparkJobResolver.Resolve(config, "prod", Spec(ValueSource.SpecFile), Spec(ValueSource.Parameter));
    }

    public static IEnumerable<object[]> Pairs()
    {
        for (var low = 0; low < Layers.Length; low++)
            for (var high = low + 1; high < Layers.Length; high++)
                yield return new object[] { Layers[low], Layers[high] };
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void HigherLayerWins_Scalar(ValueSource low, ValueSource high)
    {
        var job = Resolve(low, high);
        Assert.Equal(Memory(high), job.Values.ExecutorMemory);
        Assert.Equal(high, job.Sources["executorMemory"]);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void HigherLayerReplacesArrayWholesale(ValueSource low, ValueSource high)
    {
        var job = Resolve(low, high);
        Assert.Equal(ClusterTags(high), job.Values.ClusterTags);
        Assert.Equal(high, job.Sources["clusterTags"]);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ConfMergesPerKey(ValueSource low, ValueSource high)
    {
        var job = Resolve(low, high);
        var conf = job.Values.Conf!;
        Assert.Equal(high.ToString(), conf["spark.shared"]);
        Assert.Equal(high, job.Sources["conf.spark.shared"]);
        Assert.Equal(((int)high).ToString(), conf["spark." + high]);
        Assert.Equal(high, job.Sources["conf.spark." + high]);
        if (low != ValueSource.BuiltIn)
        {
            Assert.Equal(((int)low).ToString(), conf["spark." + low]);
            Assert.Equal(low, job.Sources["conf.spark." + low]);
        }
    }

    [Fact]
    public void AllLayers_HighestWinsAndSourcesCoverEveryValue()
    {
        var job = Resolve(Layers);
        Assert.Equal("8g", job.Values.ExecutorMemory);
        Assert.Equal(ValueSource.Parameter, job.Sources["executorMemory"]);
        Assert.Equal(5, job.Values.Conf!.Count); // spark.shared + one per non-built-in layer
        foreach (var layer in Layers.Skip(1)) Assert.Equal(layer, job.Sources["conf.spark." + layer]);
        Assert.Equal("4g", job.Values.DriverMemory);
        Assert.Equal(ValueSource.BuiltIn, job.Sources["driverMemory"]);
        Assert.Equal(3, job.Values.ExecutorCores);
        Assert.Equal(ValueSource.BuiltIn, job.Sources["executorCores"]);

        var expectedKeys = SparkField.All.Where(f => f.Name != "conf" && f.Get(job.Values) != null).Select(f => f.Name)
            .Concat(job.Values.Conf!.Keys.Select(k => "conf." + k)).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(expectedKeys, job.Sources.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void NothingGiven_BuiltInsOnly()
    {
        var job = SparkJobResolver.Resolve(SheriffConfig.Parse("{}", "config.json"), null, null, new SparkJobSpec { Script = "/x/main.py" });
        Assert.Equal("4g", job.Values.ExecutorMemory);
        Assert.Equal(3, job.Values.ExecutorCores);
        Assert.Equal("4g", job.Values.DriverMemory);
        Assert.Null(job.Values.NumExecutors);
        Assert.Null(job.Values.ClusterTags);
        Assert.Null(job.Values.Conf);
        Assert.Equal("type:spark-submit", job.SparkCommandTag);
        Assert.Equal("ver:{0}", job.SparkVersionTagFormat);
        Assert.Equal(new[] { "driverMemory", "executorCores", "executorMemory", "script" }, job.Sources.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(ValueSource.Parameter, job.Sources["script"]);
    }

    [Fact]
    public void EmptyArrayClearsLowerLayers()
    {
        var config = SheriffConfig.Parse("{\"sparkDefaults\": {\"clusterTags\": [\"sched:adhoc\"], \"tag\": [\"team:x\"]}}", "config.json");
        var job = SparkJobResolver.Resolve(config, null, new SparkJobSpec { ClusterTags = Array.Empty<string>() }, new SparkJobSpec());
        Assert.Empty(job.Values.ClusterTags!);
        Assert.Equal(ValueSource.SpecFile, job.Sources["clusterTags"]);
        Assert.Equal(new[] { "team:x" }, job.Values.Tag);
        Assert.Equal(ValueSource.TeamConfig, job.Sources["tag"]);
    }

    [Fact]
    public void NullProfile_SkipsProfileDefaults_EvenTheDefaultProfile()
    {
        var config = SheriffConfig.Parse("""
            { "defaultProfile": "prod",
              "profiles": { "prod": { "uri": "https://genie.example.com", "sparkDefaults": { "queue": "prod" } } } }
            """, "config.json");
        Assert.Null(SparkJobResolver.Resolve(config, null, null, new SparkJobSpec()).Values.Queue);
        Assert.Equal("prod", SparkJobResolver.Resolve(config, "PROD", null, new SparkJobSpec()).Values.Queue); // names ignore case
    }

    [Fact]
    public void UnknownProfile_IsAnArgumentError()
    {
        var config = SheriffConfig.Parse("{\"profiles\": {\"prod\": {\"uri\": \"https://genie.example.com\"}}}", "config.json");
        var ex = Assert.Throws<ArgumentException>(() => SparkJobResolver.Resolve(config, "test", null, new SparkJobSpec()));
        Assert.Contains("'test'", ex.Message);
        Assert.Contains("prod", ex.Message);
    }

    [Fact]
    public void CommandTagAndVersionFormat_ProfileOverTeamOverBuiltIn()
    {
        var config = SheriffConfig.Parse("""
            { "sparkDefaults": { "sparkCommandTag": "type:spark", "sparkVersionTagFormat": "spark:{0}" },
              "profiles": {
                "a": { "uri": "https://a.example.com", "sparkDefaults": { "sparkVersionTagFormat": "version:{0}" } },
                "b": { "uri": "https://b.example.com" } } }
            """, "config.json");
        var a = SparkJobResolver.Resolve(config, "a", null, new SparkJobSpec());
        Assert.Equal("type:spark", a.SparkCommandTag);
        Assert.Equal("version:{0}", a.SparkVersionTagFormat);
        var b = SparkJobResolver.Resolve(config, "b", null, new SparkJobSpec());
        Assert.Equal("type:spark", b.SparkCommandTag);
        Assert.Equal("spark:{0}", b.SparkVersionTagFormat);
    }

    [Fact]
    public void ScriptOrJar_ReplacesTheLowerMainResourceAsAUnit()
    {
        var config = SheriffConfig.Parse("{}", "config.json");
        var spec = new SparkJobSpec { Jar = "/x/etl.jar", Class = "com.example.Main" };

        var withScript = SparkJobResolver.Resolve(config, null, spec, new SparkJobSpec { Script = "/x/main.py" });
        Assert.Equal("/x/main.py", withScript.Values.Script);
        Assert.Null(withScript.Values.Jar);
        Assert.Null(withScript.Values.Class);
        Assert.False(withScript.Sources.ContainsKey("jar"));
        Assert.False(withScript.Sources.ContainsKey("class"));

        var withClass = SparkJobResolver.Resolve(config, null, spec, new SparkJobSpec { Class = "com.example.Other" });
        Assert.Equal("/x/etl.jar", withClass.Values.Jar);
        Assert.Equal(ValueSource.SpecFile, withClass.Sources["jar"]);
        Assert.Equal("com.example.Other", withClass.Values.Class);
        Assert.Equal(ValueSource.Parameter, withClass.Sources["class"]);

        var ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, new SparkJobSpec { Script = "/x/main.py" }, new SparkJobSpec { Class = "com.example.Main" }));
        Assert.Equal("class", ex.Field);
        Assert.True(ex.IsConflict);
        ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, null, new SparkJobSpec { Script = "/x/main.py", Jar = "/x/a.jar" }));
        Assert.Equal("jar", ex.Field);
        Assert.True(ex.IsConflict);
        ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, null, new SparkJobSpec { Jar = "/x/a.jar", Class = "com..Main" }));
        Assert.Equal("class", ex.Field);
        Assert.False(ex.IsConflict);
    }

    [Fact]
    public void Parameters_AreValidatedAndNormalized_WithoutChangingTheCallersObject()
    {
        var config = SheriffConfig.Parse("{}", "config.json");
        var parameters = new SparkJobSpec { ExecutorMemory = "8G", DriverMemory = "2gb" };
        var job = SparkJobResolver.Resolve(config, null, null, parameters);
        Assert.Equal("8g", job.Values.ExecutorMemory);
        Assert.Equal("2g", job.Values.DriverMemory);
        Assert.Equal("8G", parameters.ExecutorMemory);

        var ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, null, new SparkJobSpec { ExecutorMemory = "4 GB" }));
        Assert.Equal("executorMemory", ex.Field);
        Assert.Null(ex.Path);
        Assert.Null(ex.Line);
        Assert.Equal("'executorMemory' is '4 GB': use a Spark size such as 512m or 4g.", ex.Message);

        ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, null, new SparkJobSpec { NumExecutors = 0 }));
        Assert.Equal("numExecutors", ex.Field);
        ex = Assert.Throws<SparkJobSpecException>(() => SparkJobResolver.Resolve(config, null, new SparkJobSpec { SparkVersion = "3" }, new SparkJobSpec()));
        Assert.Equal("sparkVersion", ex.Field);
    }

    [Fact]
    public void ResolvedValues_DoNotAliasTheLayers()
    {
        var config = SheriffConfig.Parse("{\"sparkDefaults\": {\"clusterTags\": [\"sched:adhoc\"]}}", "config.json");
        var job = SparkJobResolver.Resolve(config, null, null, new SparkJobSpec());
        job.Values.ClusterTags![0] = "changed";
        Assert.Equal("sched:adhoc", config.TeamSparkDefaults!.Spec.ClusterTags![0]);
    }

    [Fact]
    public void SpecFileLayer_FromAFile()
    {
        using var folder = new SparkTempFolder();
        var spec = SparkJobSpec.Load(folder.Write("job.json", "{\"script\": \"main.py\", \"numExecutors\": 5, \"conf\": {\"spark.a\": true}}"));
        var config = SheriffConfig.Parse("{\"sparkDefaults\": {\"numExecutors\": 2, \"conf\": {\"spark.a\": false, \"spark.b\": 1}}}", "config.json");
        var job = SparkJobResolver.Resolve(config, null, spec, new SparkJobSpec { Name = "n" });
        Assert.Equal(folder.File("main.py"), job.Values.Script);
        Assert.Equal(5, job.Values.NumExecutors);
        Assert.Equal(ValueSource.SpecFile, job.Sources["numExecutors"]);
        Assert.Equal("true", job.Values.Conf!["spark.a"]);
        Assert.Equal("1", job.Values.Conf!["spark.b"]);
        Assert.Equal(ValueSource.TeamConfig, job.Sources["conf.spark.b"]);
        Assert.Equal(ValueSource.Parameter, job.Sources["name"]);
    }
}

/// <summary>sparkDefaults sections of the config file.</summary>
public class SparkConfigDefaultsTests
{
    private static SheriffConfigException ConfigError(string json)
        => Assert.Throws<SheriffConfigException>(() => SheriffConfig.Parse(json, "/home/me/.config/sheriff/config.json"));

    private static string Lines(params string[] lines) => string.Join("\n", lines);

    [Fact]
    public void Valid_TeamAndProfileDefaultsAreParsed()
    {
        var config = SheriffConfig.Parse(Lines(
            "{",
            "  \"sparkDefaults\": {",
            "    \"executorMemory\": \"8G\", \"executorCores\": 4, \"driverMemory\": \"2g\", \"numExecutors\": 10,",
            "    \"conf\": { \"spark.sql.shuffle.partitions\": 200 }, \"queue\": \"default\", \"sparkVersion\": \"3.5\",",
            "    \"clusterTags\": [\"sched:adhoc\"], \"commandTags\": [], \"tag\": [\"team:finance\"], \"timeout\": 3600,",
            "    \"email\": \"team@example.com\", \"stagingUri\": \"s3://team/staging\",",
            "    \"sparkCommandTag\": \"type:spark-submit\", \"sparkVersionTagFormat\": \"ver:{0}\"",
            "  },",
            "  \"profiles\": { \"prod\": { \"uri\": \"https://genie.example.com\", \"sparkDefaults\": { \"queue\": \"prod\" } },",
            "                \"dev\": { \"uri\": \"https://dev.example.com\" } }",
            "}"), "config.json");
        var team = config.TeamSparkDefaults!;
        Assert.Equal("8g", team.Spec.ExecutorMemory);
        Assert.Equal(4, team.Spec.ExecutorCores);
        Assert.Equal("200", team.Spec.Conf!["spark.sql.shuffle.partitions"]);
        Assert.Equal(new[] { "sched:adhoc" }, team.Spec.ClusterTags);
        Assert.Equal("type:spark-submit", team.SparkCommandTag);
        Assert.Equal("ver:{0}", team.SparkVersionTagFormat);
        Assert.Equal("prod", config.Profiles["prod"].SparkDefaults!.Spec.Queue);
        Assert.Null(config.Profiles["dev"].SparkDefaults);
    }

    [Fact]
    public void Absent_IsNull()
    {
        var config = SheriffConfig.Parse("{\"profiles\": {\"p\": {\"uri\": \"https://genie.example.com\"}}}", "config.json");
        Assert.Null(config.TeamSparkDefaults);
        Assert.Null(config.Profiles["p"].SparkDefaults);
    }

    [Fact]
    public void UnknownKey_NamesFileLineColumnAndSuggests()
    {
        var ex = ConfigError(Lines(
            "{",
            "  \"sparkDefaults\": {",
            "    \"executorMemmory\": \"8g\"",
            "  }",
            "}"));
        Assert.Equal("/home/me/.config/sheriff/config.json", ex.Path);
        Assert.Equal("/home/me/.config/sheriff/config.json: line 3, column 5: 'sparkDefaults': unknown key 'executorMemmory': did you mean 'executorMemory'?", ex.Message);
        var inner = Assert.IsType<SparkJobSpecException>(ex.InnerException);
        Assert.Equal("executorMemmory", inner.Field);
        Assert.Equal(3, inner.Line);
        Assert.Equal(5, inner.Column);
    }

    [Fact]
    public void WrongType_InAProfile()
    {
        var ex = ConfigError(Lines(
            "{ \"profiles\": {",
            "    \"prod\": { \"uri\": \"https://genie.example.com\",",
            "              \"sparkDefaults\": { \"executorCores\": \"4\" } } } }"));
        Assert.Equal("/home/me/.config/sheriff/config.json: line 3, column 51: profile 'prod' 'sparkDefaults': 'executorCores' must be an integer.", ex.Message);
        Assert.Equal("executorCores", ((SparkJobSpecException)ex.InnerException!).Field);
    }

    [Fact]
    public void BadValue_Size()
    {
        var ex = ConfigError("{\"sparkDefaults\": {\"driverMemory\": \"4 GB\"}}");
        Assert.Contains("line 1, column 36: 'sparkDefaults': 'driverMemory' is '4 GB': use a Spark size such as 512m or 4g.", ex.Message);
    }

    [Theory]
    [InlineData("{\"sparkDefaults\": {\"script\": \"main.py\"}}", "\"script\"", "'script' cannot be a default")]
    [InlineData("{\"sparkDefaults\": {\"name\": \"n\"}}", "\"name\"", "'name' cannot be a default")]
    [InlineData("{\"sparkDefaults\": {\"$schema\": \"x\"}}", "\"$schema\"", "unknown key '$schema'")]
    [InlineData("{\"sparkDefaults\": {\"sparkVersionTagFormat\": \"ver:\"}}", "\"ver:\"", "it must contain {0}")]
    [InlineData("{\"sparkDefaults\": {\"sparkVersionTagFormat\": \"{1}:{0}\"}}", "\"{1}", "only {0} may be a placeholder")]
    [InlineData("{\"sparkDefaults\": {\"sparkCommandTag\": 1}}", "1}", "'sparkCommandTag' must be a string.")]
    [InlineData("{\"sparkDefaults\": {\"sparkCommandTag\": \"\"}}", "\"\"", "'sparkCommandTag' must not be empty.")]
    [InlineData("{\"sparkDefaults\": {\"timeout\": 0}}", "0", "'timeout' must be at least 1")]
    [InlineData("{\"sparkDefaults\": {\"email\": \"team\"}}", "\"team\"", "'email' is 'team'")]
    [InlineData("{\"sparkDefaults\": {\"stagingUri\": \"/tmp/x\"}}", "\"/tmp", "use an s3:// URI")]
    [InlineData("{\"sparkDefaults\": {\"conf\": {\"spark.a\": [1]}}}", "[1]", "'conf' value of 'spark.a'")]
    [InlineData("{\"sparkDefaults\": {\"tag\": \"team:x\"}}", "\"team:x\"", "'tag' must be an array of strings.")]
    [InlineData("{\"sparkDefaults\": [\"executorMemory\"]}", "[", "'sparkDefaults' must be an object")]
    [InlineData("{\"sparkDefaults\": {\"spark.executor.memory\": \"4g\"}}", "\"spark.", "Spark properties go in 'conf'")]
    public void Invalid_Table(string json, string at, string message)
    {
        var ex = ConfigError(json);
        Assert.Contains($"line 1, column {json.IndexOf(at, StringComparison.Ordinal) + 1}: 'sparkDefaults': ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void OtherProfileKeys_StillRejected()
    {
        var ex = ConfigError("{\"profiles\": {\"p\": {\"uri\": \"https://genie.example.com\", \"sparkDefault\": {}}}}");
        Assert.Contains("unknown key 'sparkDefault'", ex.Message);
    }
}
