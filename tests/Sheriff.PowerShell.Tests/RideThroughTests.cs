using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sheriff.Core.Genie;
using Xunit;

namespace Sheriff.PowerShell.Tests;

/// <summary>A GenieLocal process on a fixed port that can be killed (SIGKILL) and started again on the same port and data.</summary>
public sealed class RestartableGenieLocal : IDisposable
{
    private readonly string[] _args;
    private readonly StringBuilder _log = new();
    private Process? _process;

    public RestartableGenieLocal(params string[] args)
    {
        _args = args;
        DataDir = HostedModule.NewTempDirectory();
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        Start();
    }

    public int Port { get; }
    public string DataDir { get; }
    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public void Start()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.GetFullPath(HostedModule.GenieLocalDll), "--port", Port.ToString(), "--data-dir", DataDir }.Concat(_args)) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { ready.TrySetResult(false); return; }
                lock (_log) _log.AppendLine(e.Data);
                if (e.Data.StartsWith("LISTENING ")) ready.TrySetResult(true);
            };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (ready.Task.Wait(TimeSpan.FromSeconds(60)) && ready.Task.Result) { _process = p; return; }
            try { p.Kill(true); } catch (InvalidOperationException) { }
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("GenieLocal did not start: " + _log);
            Thread.Sleep(300); // the port may still be held by the process that was killed
        }
    }

    /// <summary>SIGKILL to the server only, like a crash: its job processes are orphaned (the next start fails them).</summary>
    public void Kill(bool tree = false)
    {
        if (_process == null) return;
        try { _process.Kill(entireProcessTree: tree); _process.WaitForExit(10000); } catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    public async Task<string> SubmitShell(string id, string script)
    {
        using var http = new HttpClient { BaseAddress = Uri };
        var body = $"{{\"id\":\"{id}\",\"name\":\"ride-{id}\",\"user\":\"u\",\"version\":\"NA\",\"clusterCriterias\":[{{\"tags\":[\"sched:adhoc\"]}}],\"commandCriteria\":[\"type:shell\"],\"commandArgs\":\"'{script}'\"}}";
        using var r = await http.PostAsync("api/v3/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        return id;
    }

    public async Task WaitForStatus(string id, string status)
    {
        using var http = new HttpClient { BaseAddress = Uri };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var text = await http.GetStringAsync($"api/v3/jobs/{id}/status");
            if (text.Contains($"\"{status}\"")) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {id} never reached {status}");
    }

    public void Dispose()
    {
        Kill(tree: true);
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Wait-GenieJob and Get-GenieJobOutput -Follow ride through a GenieLocal crash and restart (same data directory, same
/// port, a few seconds of refused connections) and complete; with too many failed polls in a row they give up with a
/// message that says what happened.
/// </summary>
public class RideThroughTests
{
    private static List<string> Verbose(System.Management.Automation.PowerShell ps)
        => Enumerable.Range(0, ps.Streams.Verbose.Count).Select(i => ps.Streams.Verbose[i].Message).ToList();

    private static List<ErrorRecord> Errors(System.Management.Automation.PowerShell ps)
        => Enumerable.Range(0, ps.Streams.Error.Count).Select(i => ps.Streams.Error[i]).ToList();

    [Fact]
    public async Task WaitAndFollow_SurviveAServerRestart_AndComplete()
    {
        using var server = new RestartableGenieLocal("--max-running", "1");
        var blocker = await server.SubmitShell("blocker-" + Guid.NewGuid().ToString("n")[..8], "sleep 60");
        await server.WaitForStatus(blocker, "RUNNING");
        // queued behind the blocker: it runs only after the restart (which fails the orphaned blocker)
        var target = await server.SubmitShell("target-" + Guid.NewGuid().ToString("n")[..8], "for i in 1 2 3; do echo line-$i; sleep 0.2; done");

        using var rsWait = HostedModule.OpenRunspace();
        using var rsFollow = HostedModule.OpenRunspace();
        foreach (var rs in new[] { rsWait, rsFollow })
        {
            // no retries inside a request: every poll during the outage fails, and the wait must ride through it
            HostedModule.Run(rs, $"Connect-Genie -Uri {server.Uri} -MaxAttempts 1 -MaxConsecutiveFailures 100 | Out-Null", out var errors);
            Assert.Empty(errors);
        }
        using var wait = System.Management.Automation.PowerShell.Create(rsWait);
        wait.AddScript($"Wait-GenieJob -Id {target} -PollInterval 0.5 -Verbose");
        using var follow = System.Management.Automation.PowerShell.Create(rsFollow);
        follow.AddScript($"Get-GenieJobOutput -Id {target} -Follow -Verbose");
        var waitResult = wait.BeginInvoke();
        var followResult = follow.BeginInvoke();

        await Task.Delay(1500);
        Assert.False(waitResult.IsCompleted);
        Assert.False(followResult.IsCompleted);
        server.Kill();
        await Task.Delay(3000); // connection refused meanwhile
        server.Start();

        Assert.True(waitResult.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(90)), "Wait-GenieJob did not complete after the restart");
        Assert.True(followResult.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(90)), "Get-GenieJobOutput -Follow did not complete after the restart");
        var jobs = wait.EndInvoke(waitResult);
        var lines = follow.EndInvoke(followResult);

        Assert.Empty(Errors(wait));
        var job = Assert.IsType<GenieJob>(Assert.Single(jobs).BaseObject);
        Assert.Equal("SUCCEEDED", job.Status);
        Assert.Contains(Verbose(wait), m => m.StartsWith("Polling Genie failed (Cannot reach Genie") && m.Contains("trying again"));

        Assert.Empty(Errors(follow));
        Assert.Equal(new[] { "line-1", "line-2", "line-3" }, lines.Select(l => l.BaseObject.ToString()).ToArray());
        Assert.Contains(Verbose(follow), m => m.Contains("Cannot reach Genie") && m.Contains("trying again"));
    }

    [Fact]
    public async Task TooManyFailedPollsInARow_EndTheWait_WithALostContactError()
    {
        using var server = new RestartableGenieLocal();
        var job = await server.SubmitShell("lost-" + Guid.NewGuid().ToString("n")[..8], "sleep 60");
        await server.WaitForStatus(job, "RUNNING");
        using var rs = HostedModule.OpenRunspace();
        HostedModule.Run(rs, $"Connect-Genie -Uri {server.Uri} -MaxAttempts 1 -MaxConsecutiveFailures 3 | Out-Null", out var errors);
        Assert.Empty(errors);

        using var wait = System.Management.Automation.PowerShell.Create(rs);
        wait.AddScript($"Wait-GenieJob -Id {job} -PollInterval 0.3");
        var waitResult = wait.BeginInvoke();
        await Task.Delay(1000);
        server.Kill();
        Assert.True(waitResult.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "Wait-GenieJob never gave up");
        wait.EndInvoke(waitResult); // a terminating error of a cmdlet in a script ends that statement: it is in the error stream
        var error = Assert.Single(Errors(wait));
        Assert.Equal("GenieConnectionFailed,Sheriff.PowerShell.Commands.WaitGenieJobCommand", error.FullyQualifiedErrorId);
        Assert.Matches(@"^Lost contact with Genie at http://127\.0\.0\.1:\d+/ after 3 consecutive failures over \d+(\.\d)? s: Cannot reach Genie at .*connection refused", error.Exception.Message);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.NotNull(error.ErrorDetails?.RecommendedAction);
        Assert.Equal(new[] { job }, (string[])error.TargetObject);
    }
}
