using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Sheriff.PowerShell.Tests;

/// <summary>
/// A server that accepts connections and never answers: every cmdlet that talks to Genie must stop within a second of
/// PowerShell's Stop() (Ctrl+C), whatever the request timeout.
/// </summary>
public sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = new();

    public SilentServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var s = await _listener.AcceptSocketAsync();
                    lock (_accepted) _accepted.Add(s);
                }
            }
            catch (Exception) { }
        });
    }

    public int Port { get; }
    public int Accepted { get { lock (_accepted) return _accepted.Count; } }

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted) foreach (var s in _accepted) s.Dispose();
    }
}

public class StopTests
{
    public static TheoryData<string, string> Commands()
    {
        var script = Path.Combine(Path.GetTempPath(), "sheriff-stop-test.py");
        File.WriteAllText(script, "print('hi')\n");
        return new TheoryData<string, string>
        {
            { "Get-GenieJob", "Get-GenieJob -Id slow" },
            { "Wait-GenieJob", "Wait-GenieJob -Id slow -PollInterval 1" },
            { "Get-GenieJobOutput -Follow", "Get-GenieJobOutput -Id slow -Follow" },
            { "Submit-SparkJob", $"Submit-SparkJob -Script '{script}' -ClusterTags sched:adhoc -Confirm:$false" },
            { "Stop-GenieJob", "Stop-GenieJob -Id slow -Confirm:$false" },
            { "Connect-Genie", "Connect-Genie -Uri http://127.0.0.1:{port}" },
        };
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Stop_EndsTheCommandWithinASecond_WhenGenieNeverAnswers(string name, string command)
    {
        using var server = new SilentServer();
        using var rs = HostedModule.OpenRunspace();
        HostedModule.Run(rs, $"Connect-Genie -Uri http://127.0.0.1:{server.Port} -NoValidation | Out-Null", out var errors);
        Assert.Empty(errors);
        using var ps = System.Management.Automation.PowerShell.Create(rs);
        ps.AddScript(command.Replace("{port}", server.Port.ToString()));
        var async = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (server.Accepted == 0 && DateTime.UtcNow < deadline && !async.IsCompleted) Thread.Sleep(20);
        Thread.Sleep(200);
        // (PSDataCollection enumerators block until the pipeline ends: read by index only)
        if (server.Accepted == 0)
            Assert.Fail($"{name} never reached the server: {string.Join("; ", Enumerable.Range(0, ps.Streams.Error.Count).Select(i => ps.Streams.Error[i].ToString()))}");
        Assert.False(async.IsCompleted, $"{name} should still be waiting for the silent server");
        var sw = Stopwatch.StartNew();
        ps.Stop();
        sw.Stop();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"{name}: Stop took {sw.Elapsed}");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }
}
