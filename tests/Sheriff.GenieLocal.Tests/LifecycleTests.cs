using System.Diagnostics;
using System.Net;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>§13.6 — asynchronous G4 lifecycle (§8.2), timestamps and messages, kill and timeout.</summary>
public class LifecycleTests(DefaultServerFixture fx) : IClassFixture<DefaultServerFixture>
{
    private static readonly string[] AcceptedOrLater = ["ACCEPTED", "CLAIMED", "INIT", "RUNNING", "SUCCEEDED"];
    private readonly GenieServer _s = fx.Server;

    [Fact]
    public async Task Submit_StatusRightAfter202_IsAcceptedOrLater_NeverReservedOrResolved()
    {
        var id = await _s.SubmitScript("echo quick");
        var status = await _s.Status(id);
        Assert.Contains(status, AcceptedOrLater);
    }

    [Fact]
    public async Task Job_ExitZero_Succeeded_WithMessage_StartedFinishedRuntime()
    {
        var id = await _s.SubmitScript("sleep 0.3; echo done");
        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("Job finished successfully.", job.Str("statusMsg"));
        var started = job.Time("started");
        var finished = job.Time("finished");
        Assert.True(finished >= started, $"finished {finished:O} < started {started:O}");
        Assert.True(started >= job.Time("created"), "started before created");
        var runtime = Json.Duration(job.Str("runtime")!);
        Assert.Equal(finished - started, runtime);
        Assert.True(runtime >= TimeSpan.FromMilliseconds(250), $"runtime {runtime} shorter than the job's sleep");
    }

    [Fact]
    public async Task Job_NonZeroExit_Failed_JobFailedMessage_StderrCaptured()
    {
        var id = await _s.SubmitScript("echo boom >&2; exit 3");
        var job = await _s.WaitFinished(id);
        Assert.Equal("FAILED", job.Str("status"));
        Assert.Equal("Job failed.", job.Str("statusMsg"));
        Assert.NotNull(job.Str("finished"));
        Assert.Equal("boom\n", await _s.GetText($"/api/v3/jobs/{id}/output/stderr"));
    }

    [Fact]
    public async Task Job_WhileRunning_StatusMsgRunning_StartedSet_FinishedNull_RuntimeGrows()
    {
        var id = await _s.SubmitScript("sleep 30");
        try
        {
            var job = await _s.WaitStatus(id, "RUNNING");
            Assert.Equal("Job is Running.", job.Str("statusMsg"));
            Assert.NotNull(job.Str("started"));
            Assert.True(job.Has("finished") && job["finished"] is null, "finished must be an explicit null while running");
            var first = Json.Duration(job.Str("runtime")!);
            await Task.Delay(600);
            var again = await _s.GetObject("/api/v3/jobs/" + id);
            var second = Json.Duration(again.Str("runtime")!);
            Assert.True(second > first, $"runtime did not grow while running: {first} -> {second}");
            Assert.True(second > TimeSpan.Zero);
        }
        finally
        {
            using var _ = await _s.Delete("/api/v3/jobs/" + id);
        }
    }

    [Fact]
    public async Task Job_ObservedStatuses_FollowG4Order()
    {
        var order = new[] { "ACCEPTED", "CLAIMED", "INIT", "RUNNING", "SUCCEEDED" };
        var id = await _s.SubmitScript("sleep 1.5");
        var seen = new List<string>();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            var st = await _s.Status(id);
            if (seen.Count == 0 || seen[^1] != st)
            {
                seen.Add(st);
            }

            if (GenieServer.FinishedStatuses.Contains(st))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("SUCCEEDED", seen[^1]);
        Assert.Contains("RUNNING", seen);
        var idx = seen.Select(s => Array.IndexOf(order, s)).ToList();
        Assert.DoesNotContain(-1, idx);
        Assert.Equal(idx.OrderBy(i => i).ToList(), idx);
    }

    [Fact]
    public async Task Kill_RunningJob_BecomesKilled_ByUser_AndProcessStops()
    {
        var id = await _s.SubmitScript("for i in $(seq 1 300); do echo tick$i; sleep 0.1; done");
        await _s.WaitStatus(id, "RUNNING");
        await _s.WaitForText($"/api/v3/jobs/{id}/output/stdout", t => t.Contains("tick2"));
        using (var r = await _s.Delete("/api/v3/jobs/" + id))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        var job = await _s.WaitFinished(id);
        Assert.Equal("KILLED", job.Str("status"));
        Assert.Equal("Job was killed by user.", job.Str("statusMsg"));
        Assert.NotNull(job.Str("finished"));
        var size1 = (await _s.GetText($"/api/v3/jobs/{id}/output/stdout")).Length;
        await Task.Delay(700);
        var size2 = (await _s.GetText($"/api/v3/jobs/{id}/output/stdout")).Length;
        Assert.True(size1 == size2, $"stdout still growing after KILLED ({size1} -> {size2}): the process was not stopped");
    }

    [Fact]
    public async Task Kill_FinishedJob_Returns202_AndChangesNothing_Idempotent()
    {
        var id = await _s.SubmitScript("echo fine");
        var before = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", before.Str("status"));
        for (var i = 0; i < 2; i++)
        {
            using var r = await _s.Delete("/api/v3/jobs/" + id);
            await r.AssertStatus(HttpStatusCode.Accepted);
            await r.AssertEmptyBody();
        }

        await Task.Delay(300);
        var after = await _s.GetObject("/api/v3/jobs/" + id);
        Assert.Equal("SUCCEEDED", after.Str("status"));
        Assert.Equal("Job finished successfully.", after.Str("statusMsg"));
        Assert.Equal(before.Str("finished"), after.Str("finished"));
    }

    [Fact]
    public async Task Kill_AlreadyKilledJob_Returns202_StaysKilled()
    {
        var id = await _s.SubmitScript("sleep 30");
        await _s.WaitStatus(id, "RUNNING");
        using (var r = await _s.Delete("/api/v3/jobs/" + id))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        await _s.WaitFinished(id);
        using (var r = await _s.Delete("/api/v3/jobs/" + id))
        {
            await r.AssertStatus(HttpStatusCode.Accepted);
        }

        Assert.Equal("KILLED", await _s.Status(id));
    }

    [Fact]
    public async Task Timeout_Exceeded_Killed_JobExceededTimeout()
    {
        var id = await _s.SubmitScript("sleep 30", mutate: b => b["timeout"] = 1);
        var job = await _s.WaitFinished(id, 20_000);
        Assert.Equal("KILLED", job.Str("status"));
        Assert.Equal("Job exceeded timeout.", job.Str("statusMsg"));
        var elapsed = job.Time("finished") - job.Time("started");
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9) && elapsed < TimeSpan.FromSeconds(15), $"killed after {elapsed}");
    }

    [Fact]
    public async Task Status_Body_IsExactlyStatusObject_PlainJson()
    {
        var id = await _s.SubmitScript("echo s");
        await _s.WaitFinished(id);
        using var r = await _s.Get($"/api/v3/jobs/{id}/status");
        await r.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", r.MediaType());
        var body = Assert.IsType<System.Text.Json.Nodes.JsonObject>(await r.ReadJson());
        var only = Assert.Single(body);
        Assert.Equal("status", only.Key);
        Assert.Equal("SUCCEEDED", only.Value!.GetValue<string>());
    }

    [Fact]
    public async Task Execution_G4_NullProcessIdCheckDelayExitCode_ArchiveStatusPendingThenArchived()
    {
        var id = await _s.SubmitScript("sleep 30");
        try
        {
            await _s.WaitStatus(id, "RUNNING");
            var running = await _s.GetObject($"/api/v3/jobs/{id}/execution");
            Assert.Equal("PENDING", running.Str("archiveStatus"));
            Assert.False(string.IsNullOrWhiteSpace(running.Str("hostName")));
            Assert.NotNull(running.Str("timeout"));
        }
        finally
        {
            using var _ = await _s.Delete("/api/v3/jobs/" + id);
        }

        await _s.WaitFinished(id);
        var ok = await _s.SubmitScript("echo ok");
        await _s.WaitFinished(ok);
        var exec = await _s.GetObject($"/api/v3/jobs/{ok}/execution");
        foreach (var f in new[] { "processId", "checkDelay", "exitCode" })
        {
            Assert.True(exec.Has(f), $"{f} must be present");
            Assert.True(exec[f] is null, $"{f} must be null in G4, was {exec[f]?.ToJsonString()}");
        }

        Assert.Equal("ARCHIVED", exec.Str("archiveStatus"));
    }

    [Fact]
    public async Task ArchiveLocation_G4_IsDirectoryPrefixEndingWithJobId_EvenWhenArchivalDisabled()
    {
        var id = await _s.SubmitScript("echo a", mutate: b => b["disableLogArchival"] = true);
        var job = await _s.WaitFinished(id);
        var loc = job.Str("archiveLocation");
        Assert.False(string.IsNullOrEmpty(loc), "G4 always archives");
        Assert.EndsWith("/" + id, loc!.TrimEnd('/'));
        Assert.DoesNotContain(".tar.gz", loc);
        Assert.False((await _s.GetObject($"/api/v3/jobs/{id}/request"))["disableLogArchival"]!.GetValue<bool>());
    }
}

/// <summary>§13.6 pre-claim behaviour on a --max-running 1 server: a sleeper holds the slot, the next job stays ACCEPTED.</summary>
public class QueuedJobTests(SingleSlotServerFixture fx) : IClassFixture<SingleSlotServerFixture>
{
    private readonly GenieServer _s = fx.Server;

    private async Task<string> OccupySlot()
    {
        var sleeper = await _s.SubmitScript("sleep 60");
        await _s.WaitStatus(sleeper, "RUNNING", 25_000);
        return sleeper;
    }

    private async Task Release(string sleeper)
    {
        using var r = await _s.Delete("/api/v3/jobs/" + sleeper);
        await _s.WaitFinished(sleeper);
    }

    [Fact]
    public async Task QueuedJob_StaysAccepted_WithAcceptedMessage_NullStartedFinished_RuntimePT0S()
    {
        var sleeper = await OccupySlot();
        try
        {
            var id = await _s.SubmitScript("echo queued");
            await Task.Delay(500);
            var job = await _s.GetObject("/api/v3/jobs/" + id);
            Assert.Equal("ACCEPTED", job.Str("status"));
            Assert.Equal("The job has been accepted by the system for execution", job.Str("statusMsg"));
            Assert.True(job.Has("started") && job["started"] is null);
            Assert.True(job.Has("finished") && job["finished"] is null);
            Assert.Equal("PT0S", job.Str("runtime"));
            Assert.NotNull(job.Str("clusterName"));
            var exec = await _s.GetObject($"/api/v3/jobs/{id}/execution");
            Assert.True(Guid.TryParse(exec.Str("hostName"), out _), $"G4 hostName is a random UUID before claim, was {exec.Str("hostName")}");
            Assert.True(exec.Has("timeout") && exec["timeout"] is null, "execution.timeout is null until started");
        }
        finally
        {
            await Release(sleeper);
        }
    }

    [Fact]
    public async Task QueuedJob_RunsAfterSlotFrees()
    {
        var sleeper = await OccupySlot();
        string id;
        try
        {
            id = await _s.SubmitScript("echo later");
            await Task.Delay(300);
            Assert.Equal("ACCEPTED", await _s.Status(id));
        }
        finally
        {
            await Release(sleeper);
        }

        var job = await _s.WaitFinished(id);
        Assert.Equal("SUCCEEDED", job.Str("status"));
        Assert.Equal("later\n", await _s.GetText($"/api/v3/jobs/{id}/output/stdout"));
    }

    [Fact]
    public async Task Kill_PreClaim_AcceptedJob_IsKilledImmediately_AndNeverRuns()
    {
        var sleeper = await OccupySlot();
        string id;
        try
        {
            id = await _s.SubmitScript("echo should-not-run > ran.txt");
            Assert.Equal("ACCEPTED", await _s.Status(id));
            using (var r = await _s.Delete("/api/v3/jobs/" + id))
            {
                await r.AssertStatus(HttpStatusCode.Accepted);
                await r.AssertEmptyBody();
            }

            Assert.Equal("KILLED", await _s.Status(id));
            Assert.NotNull((await _s.GetObject("/api/v3/jobs/" + id)).Str("finished"));
        }
        finally
        {
            await Release(sleeper);
        }

        await Task.Delay(1500);
        Assert.Equal("KILLED", await _s.Status(id));
        Assert.False(File.Exists(Path.Combine(_s.JobDir(id), "ran.txt")), "a job killed before claim must never run");
        var job = await _s.GetObject("/api/v3/jobs/" + id);
        Assert.True(job["started"] is null, "a job killed before claim never started");
    }

    [Fact]
    public async Task Output_BeforeAgentClaims_Returns500()
    {
        var sleeper = await OccupySlot();
        try
        {
            var id = await _s.SubmitScript("echo queued");
            Assert.Equal("ACCEPTED", await _s.Status(id));
            using var r = await _s.Get($"/api/v3/jobs/{id}/output");
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        }
        finally
        {
            await Release(sleeper);
        }
    }

    [Fact]
    public async Task Search_ByStatusAccepted_FindsQueuedJob()
    {
        var sleeper = await OccupySlot();
        try
        {
            var id = await _s.SubmitScript("echo q");
            var page = await _s.GetObject($"/api/v3/jobs?id={id}&status=ACCEPTED");
            Assert.Equal(id, page["_embedded"]!["jobSearchResultList"]![0].Str("id"));
            var running = await _s.GetObject($"/api/v3/jobs?id={id}&status=RUNNING");
            Assert.False(running.Has("_embedded"));
        }
        finally
        {
            await Release(sleeper);
        }
    }
}
