using Sheriff.Core.Diagnosis;
using Xunit;

namespace Sheriff.Core.Tests.Diagnosis
{
    public class DiagnosisEngineTests
    {
        private static readonly DiagnosisEngine Engine = new DiagnosisEngine();

        private static JobDiagnosis Diagnose(string text, string? status = null) => Engine.DiagnoseText(text.Replace("\r\n", "\n"), status);

        [Fact]
        public void BuiltInRules_AreManyAndCoverEveryCategory()
        {
            var rules = RuleSet.BuiltIn.Rules;
            Assert.True(rules.Count >= 60, $"only {rules.Count} rules");
            foreach (var category in DiagnosisCategories.Known)
            {
                if (category == DiagnosisCategories.Unknown) continue;
                Assert.Contains(rules, r => r.Category == category);
            }
            Assert.All(rules, r => Assert.All(r.Patterns, p => Assert.Equal(DiagnosisRule.MatchTimeout, p.MatchTimeout)));
        }

        [Fact]
        public void PythonMissingModule_TitleNamesTheModule()
        {
            var d = Diagnose(@"Traceback (most recent call last):
  File ""/tmp/genie/jobs/j1/job.py"", line 1, in <module>
    import fire
ModuleNotFoundError: No module named 'fire'");
            Assert.True(d.IsFailure);
            Assert.Equal("MissingModule", d.Category);
            Assert.Equal("python-no-module", d.RuleId);
            Assert.Equal("Script error - import error (bad name or module not installed): No module named fire", d.Title);
            Assert.Contains(d.Evidence, e => e.LineNumber == 4 && e.Text.StartsWith("ModuleNotFoundError"));
            Assert.StartsWith("========= Report ==========\nScript error - import error", d.ToReport());
        }

        [Fact]
        public void PythonAttributeError_IsUserCodeWithTheMessage()
        {
            var d = Diagnose(@"24/05/01 10:00:01 INFO SparkContext: Running Spark version 3.5.1
Traceback (most recent call last):
  File ""job.py"", line 9, in <module>
    df = a.union(b)
AttributeError: 'DataFrame' object has no attribute 'union'
24/05/01 10:00:02 INFO SparkContext: Successfully stopped SparkContext");
            Assert.Equal("UserCode", d.Category);
            Assert.Equal("Script error - AttributeError: 'DataFrame' object has no attribute 'union'", d.Title);
        }

        [Fact]
        public void CausedByChain_RootCauseBeatsTheWrapper()
        {
            var d = Diagnose(@"Exception in thread ""main"" org.apache.spark.SparkException: Job aborted.
	at org.apache.spark.sql.execution.datasources.FileFormatWriter$.write(FileFormatWriter.scala:231)
	at com.acme.Main.main(Main.scala:12)
Caused by: java.lang.RuntimeException: wrapped
	at com.acme.Udf.apply(Udf.scala:3)
Caused by: java.lang.ClassNotFoundException: com.acme.geo.Geohash
	at java.net.URLClassLoader.findClass(URLClassLoader.java:387)
	... 20 more");
            Assert.Equal("MissingClass", d.Category);
            Assert.Equal("Missing class: com.acme.geo.Geohash", d.Title);
            Assert.Contains("spark.jars", d.Recommendation);
        }

        [Fact]
        public void Py4JWrapper_JavaExceptionInsideIsTheCause()
        {
            var d = Diagnose(@"Traceback (most recent call last):
  File ""/job/etl.py"", line 20, in <module>
    df = spark.read.parquet(""s3://bucket/events/dt=20240501"")
  File ""/usr/lib/spark/python/lib/py4j-0.10.9.7-src.zip/py4j/protocol.py"", line 326, in get_return_value
py4j.protocol.Py4JJavaError: An error occurred while calling o57.parquet.
: org.apache.spark.sql.AnalysisException: [PATH_NOT_FOUND] Path does not exist: s3://bucket/events/dt=20240501.
	at org.apache.spark.sql.errors.QueryCompilationErrors$.dataPathNotExistError(QueryCompilationErrors.scala:1500)");
            Assert.Equal("S3PathNotFound", d.Category);
            Assert.Equal("Path not found: s3://bucket/events/dt=20240501", d.Title);
        }

        [Fact]
        public void StageFailureWrapper_FirstTaskFailureInsideDecides()
        {
            var d = Diagnose(@"24/05/01 10:05:00 ERROR TaskSetManager: Task 3 in stage 4.0 failed 4 times; aborting job
Exception in thread ""main"" org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 4.0 failed 4 times, most recent failure: Lost task 3.3 in stage 4.0 (TID 91) (ip-10-0-0-7.ec2.internal executor 12): ExecutorLostFailure (executor 12 exited caused by one of the running tasks) Reason: Container killed by YARN for exceeding memory limits. 11.1 GB of 11 GB physical memory used. Consider boosting spark.executor.memoryOverhead.
Driver stacktrace:
	at org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2672)");
            Assert.Equal("ContainerKilledMemory", d.Category);
            Assert.Equal("Container killed by YARN for exceeding memory limits: 11.1 GB of 11 GB used", d.Title);
            Assert.Contains("spark.executor.memoryOverhead", d.Recommendation);
        }

        [Fact]
        public void ExecutorOom_NeedsTheExecutorContext_OtherwiseDriver()
        {
            var executor = Diagnose(@"24/05/01 10:05:00 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)
java.lang.OutOfMemoryError: Java heap space
	at java.util.Arrays.copyOf(Arrays.java:3236)", "FAILED");
            Assert.Equal("ExecutorOOM", executor.Category);
            var driver = Diagnose(@"Exception in thread ""main"" java.lang.OutOfMemoryError: Java heap space
	at java.util.Arrays.copyOf(Arrays.java:3236)");
            Assert.Equal("DriverOOM", driver.Category);
        }

        [Fact]
        public void FirstRealFailure_WinsOverItsEchoes()
        {
            var d = Diagnose(@"Traceback (most recent call last):
  File ""a.py"", line 1, in <module>
KeyError: 'first'
Traceback (most recent call last):
  File ""a.py"", line 1, in <module>
KeyError: 'second'");
            Assert.Equal("Script error - KeyError: 'first'", d.Title);
            Assert.Equal(3, d.Evidence[d.Evidence.Count - 1].LineNumber);
        }

        [Fact]
        public void SuccessfulJobWithScaryWarnings_GetsNoFailureDiagnosis()
        {
            const string log = @"24/05/01 10:00:00 INFO SparkContext: Running Spark version 3.5.1
24/05/01 10:00:03 WARN NativeCodeLoader: Unable to load native-hadoop library for your platform... using builtin-java classes where applicable
24/05/01 10:02:11 WARN TaskSetManager: Lost task 7.0 in stage 2.0 (TID 40) (host executor 3): java.lang.OutOfMemoryError: Java heap space
	at java.util.Arrays.copyOf(Arrays.java:3236)
24/05/01 10:02:12 WARN YarnAllocator: Container killed by YARN for exceeding memory limits. 5.6 GB of 5.5 GB physical memory used. Consider boosting spark.executor.memoryOverhead.
24/05/01 10:02:40 WARN S3AFileSystem: Got exception: com.amazonaws.services.s3.model.AmazonS3Exception: Slow Down (Service: Amazon S3; Status Code: 503; Error Code: SlowDown)
24/05/01 10:03:00 INFO DAGScheduler: Job 2 finished: save at NativeMethodAccessorImpl.java:0, took 170.2 s
24/05/01 10:03:01 INFO SparkContext: Successfully stopped SparkContext";
            var textOnly = Diagnose(log);
            Assert.False(textOnly.IsFailure);
            Assert.Equal(DiagnosisCategories.None, textOnly.Category);
            Assert.Null(textOnly.RuleId);
            var succeeded = Diagnose(log + "\nTraceback (most recent call last):\nValueError: ignored", "SUCCEEDED");
            Assert.False(succeeded.IsFailure);
            // The same warnings in a job that FAILED do count.
            var failed = Diagnose(log, "FAILED");
            Assert.True(failed.IsFailure);
            Assert.Equal("ContainerKilledMemory", failed.Category);
        }

        [Fact]
        public void NothingMatches_SaysSoAndShowsTheLastErrorLines()
        {
            var d = Diagnose(@"starting
ERROR something odd happened: flux capacitor misaligned
more noise
FATAL giving up", "FAILED");
            Assert.True(d.IsFailure);
            Assert.Equal(DiagnosisCategories.Unknown, d.Category);
            Assert.Null(d.RuleId);
            Assert.Equal("No known failure signature matched", d.Title);
            Assert.Contains(d.Evidence, e => e.Text.Contains("flux capacitor"));
            Assert.Contains(d.Evidence, e => e.Text == "FATAL giving up");
        }

        [Fact]
        public void GenieStatusMessage_IsDiagnosed()
        {
            var d = Engine.Diagnose(new[] { new LogSource("status", new[] { "Job exceeded timeout." }) }, "KILLED", "j1");
            Assert.Equal("GenieTimeout", d.Category);
            Assert.Equal("j1", d.JobId);
            Assert.Equal("status", d.Evidence[0].File);
        }

        [Fact]
        public void MaxResultSize_NamesTheSetting()
        {
            var d = Diagnose("Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized results of 412 tasks (4.0 GiB) is bigger than spark.driver.maxResultSize (4.0 GiB)");
            Assert.Equal("DriverOOM", d.Category);
            Assert.Contains("spark.driver.maxResultSize", d.Recommendation);
        }

        [Fact]
        public void LocalFile_IsStreamedWithLineNumbers()
        {
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, Enumerable.Range(1, 5000).Select(i => $"24/05/01 10:00:00 INFO Noise: line {i}")
                    .Concat(new[] { "Traceback (most recent call last):", "ModuleNotFoundError: No module named 'fire'" }));
                var d = Engine.Diagnose(LogSource.FromFile(path, "stderr"));
                Assert.Equal("MissingModule", d.Category);
                Assert.Contains(d.Evidence, e => e.File == "stderr" && e.LineNumber == 5002);
                Assert.Equal(5002, d.LinesScanned);
            }
            finally { File.Delete(path); }
        }
    }
}
