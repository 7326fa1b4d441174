using System.Net.Http;
using System.Text;
using Sheriff.Core.Diagnosis;
using Sheriff.Core.Genie;
using Sheriff.Core.Local;
using Xunit;

namespace Sheriff.Core.Tests.Diagnosis
{
    /// <summary>
    /// A remote diagnosis over HTTP against GenieLocal: the end of a large stderr is read with Range requests, and the
    /// evidence says where its lines are (a line count from a byte offset, not a line number of the whole file).
    /// </summary>
    public class RemoteDiagnosisTests
    {
        /// <summary>The GenieLocal build: SHERIFF_GENIELOCAL_PATH, else the solution's build output or out/Sheriff.</summary>
        internal static string FindGenieLocal()
        {
            var fromEnv = Environment.GetEnvironmentVariable(GenieLocalServer.PathVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                var candidate = Directory.Exists(fromEnv) ? Path.Combine(fromEnv, GenieLocalServer.ServerFileName) : fromEnv;
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                foreach (var candidate in new[]
                         {
                             Path.Combine(dir.FullName, "src", "Sheriff.GenieLocal", "bin", "Release", "net10.0", GenieLocalServer.ServerFileName),
                             Path.Combine(dir.FullName, "out", "Sheriff", "genielocal", GenieLocalServer.ServerFileName),
                         })
                    if (File.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException("GenieLocal is not built: build the solution (or build.ps1 -Task Build), or set SHERIFF_GENIELOCAL_PATH.");
        }

        private static async Task<string> SubmitShellJobAsync(HttpClient http, string script)
        {
            var id = "diag-" + Guid.NewGuid().ToString("n").Substring(0, 12);
            var args = "'" + script.Replace("'", "'\\''") + "'";
            var body = Newtonsoft.Json.JsonConvert.SerializeObject(new
            {
                id, name = "remote-diagnosis-test", user = "test", version = "NA",
                clusterCriterias = new[] { new { tags = new[] { "sched:adhoc" } } },
                commandCriteria = new[] { "type:shell" },
                commandArgs = args,
            });
            using var response = await http.PostAsync("api/v3/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(202, (int)response.StatusCode);
            return id;
        }

        private static async Task<GenieJob> WaitFinishedAsync(GenieClient client, string id)
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                var job = await client.GetJobAsync(id, CancellationToken.None);
                if (job.IsFinished) return job;
                Assert.True(DateTime.UtcNow < deadline, $"job {id} did not finish (status {job.Status})");
                await Task.Delay(200);
            }
        }

        [Fact]
        public async Task TailRead_EvidenceLineNumbers_CountFromTheByteOffsetRead_AndSaySo()
        {
            var dataDir = Path.Combine(Path.GetTempPath(), "sheriff-remote-diag-" + Guid.NewGuid().ToString("n").Substring(0, 8));
            var options = new GenieLocalOptions { DataDirectory = dataDir };
            options.ExtraArguments.Add("--claim-delay");
            options.ExtraArguments.Add("0");
            using var server = GenieLocalServer.Start(FindGenieLocal(), options, TimeSpan.FromSeconds(60), CancellationToken.None);
            try
            {
                using var http = new HttpClient { BaseAddress = server.Uri };
                using var client = new GenieClient(server.Uri);
                const int noiseLines = 40000;
                var id = await SubmitShellJobAsync(http,
                    $"yes '24/05/01 10:00:00 INFO Noise: nothing to see here, just a long and boring line of log output' | head -n {noiseLines} >&2; " +
                    "echo 'Traceback (most recent call last):' >&2; echo \"ModuleNotFoundError: No module named 'fire'\" >&2; exit 1");
                var job = await WaitFinishedAsync(client, id);
                Assert.Equal("FAILED", job.Status);

                var reader = new JobOutputReader(client);
                var diagnosis = await new RemoteJobDiagnoser(reader, new DiagnosisEngine()).DiagnoseAsync(job, CancellationToken.None);
                Assert.Equal("MissingModule", diagnosis.Category);
                Assert.True(diagnosis.BytesRead <= 2 * 1024 * 1024, $"read {diagnosis.BytesRead} bytes");
                var evidence = diagnosis.Evidence.Single(e => e.Text.StartsWith("ModuleNotFoundError", StringComparison.Ordinal));
                Assert.Equal("stderr", evidence.File);
                Assert.True(evidence.LineNumberIsRelative);
                Assert.NotNull(evidence.FromByte);
                Assert.Equal($"stderr:+{evidence.LineNumber} (from byte {evidence.FromByte})", evidence.Location);
                Assert.StartsWith($"stderr:+{evidence.LineNumber} (from byte {evidence.FromByte}): ModuleNotFoundError", evidence.ToString());
                Assert.Contains($"  stderr:+{evidence.LineNumber} (from byte {evidence.FromByte}): ModuleNotFoundError", diagnosis.ToReport());

                // The claim holds against the whole file: FromByte starts a line, and LineNumber lines on is the evidence.
                using var whole = new MemoryStream();
                await reader.CopyToAsync(id, "stderr", whole, CancellationToken.None);
                var bytes = whole.ToArray();
                var from = (int)evidence.FromByte!.Value;
                Assert.True(from > 0 && from < bytes.Length, $"FromByte {from} is outside the file ({bytes.Length} bytes)");
                Assert.Equal((byte)'\n', bytes[from - 1]);
                var tail = Encoding.UTF8.GetString(bytes, from, bytes.Length - from).Split('\n');
                Assert.Equal(evidence.Text, tail[evidence.LineNumber - 1]);
                var linesBefore = bytes.Take(from).Count(b => b == (byte)'\n');
                var trueLine = Array.FindLastIndex(Encoding.UTF8.GetString(bytes).Split('\n'), l => l == evidence.Text) + 1;
                Assert.True(trueLine > noiseLines, $"the error line is line {trueLine} of stderr");
                Assert.Equal(trueLine, linesBefore + evidence.LineNumber);
                Assert.True(evidence.LineNumber < noiseLines, "the whole file was read, not its end");
            }
            finally
            {
                server.Stop(TimeSpan.FromSeconds(10));
                try { Directory.Delete(dataDir, true); } catch (IOException) { }
            }
        }

        [Fact]
        public void LocalFiles_KeepPlainLineNumbers()
        {
            var d = new DiagnosisEngine().DiagnoseText("Traceback (most recent call last):\nModuleNotFoundError: No module named 'fire'");
            var e = d.Evidence.Single(x => x.Text.StartsWith("ModuleNotFoundError", StringComparison.Ordinal));
            Assert.False(e.LineNumberIsRelative);
            Assert.Null(e.FromByte);
            Assert.Equal("text:2", e.Location);
            Assert.Equal("text:2: ModuleNotFoundError: No module named 'fire'", e.ToString());
        }
    }
}
