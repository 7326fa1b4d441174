using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Sheriff.Core.Local;
using Sheriff.PowerShell.Infrastructure;
using Xunit;

namespace Sheriff.PowerShell.Tests;

public class CmdletTests
{
    private static IEnumerable<Type> CmdletTypes() => typeof(ErrorIds).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() != null);

    [Fact]
    public void EveryCmdlet_DeclaresOutputType_AndDerivesFromSheriffCmdlet()
    {
        foreach (var type in CmdletTypes())
        {
            Assert.True(typeof(SheriffCmdlet).IsAssignableFrom(type), $"{type.Name} must derive from SheriffCmdlet");
            Assert.NotEmpty(type.GetCustomAttributes<OutputTypeAttribute>()); // one per parameter set is allowed
            Assert.EndsWith("Command", type.Name);
        }
    }

    [Fact]
    public void ErrorIds_AreUnique_AndEqualTheirNames()
    {
        var fields = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        Assert.NotEmpty(fields);
        foreach (var f in fields) Assert.Equal(f.Name, (string)f.GetRawConstantValue()!);
    }

    [Fact]
    public void Manifest_ListsExactlyTheCmdletsTheAssemblyDefines()
    {
        var names = CmdletTypes().Select(t => { var a = t.GetCustomAttribute<CmdletAttribute>()!; return a.VerbName + "-" + a.NounName; }).OrderBy(n => n).ToList();
        var manifest = File.ReadAllText(Path.Combine(RepoRoot(), "module", "Sheriff.psd1"));
        var block = System.Text.RegularExpressions.Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var listed = System.Text.RegularExpressions.Regex.Matches(block, @"'([A-Z][a-z]+-[A-Za-z]+)'").Select(m => m.Groups[1].Value).OrderBy(n => n).ToList();
        Assert.Equal(names, listed);
    }

    [Fact]
    public void DefaultConnection_IsPerRunspace_NotPerProcess()
    {
        using var a = HostedModule.OpenRunspace();
        using var b = HostedModule.OpenRunspace();
        var saved = Environment.GetEnvironmentVariable(GenieCmdletBase.UriVariable);
        Environment.SetEnvironmentVariable(GenieCmdletBase.UriVariable, null);
        try
        {
            HostedModule.Run(a, "Connect-Genie -Uri http://127.0.0.1:9 -NoValidation", out var errorsA);
            Assert.Empty(errorsA);
            // runspace b never connected: it must not see a's connection
            using var ps = System.Management.Automation.PowerShell.Create(b);
            ps.AddCommand("Get-GenieJob").AddParameter("Id", "x");
            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());
            Assert.Equal("GenieNotConnected,Sheriff.PowerShell.Commands.GetGenieJobCommand", ex.ErrorRecord.FullyQualifiedErrorId);
            // runspace a uses its own connection (nothing listens on port 9: a connection error, not "not connected")
            HostedModule.Run(a, "Get-GenieJob -Id x", out var errorsA2);
            Assert.Equal("GenieConnectionFailed,Sheriff.PowerShell.Commands.GetGenieJobCommand", Assert.Single(errorsA2).FullyQualifiedErrorId);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GenieCmdletBase.UriVariable, saved);
        }
    }

    [Fact]
    public void EnvironmentVariable_ProvidesTheConnection_WhenNothingElseDoes()
    {
        using var rs = HostedModule.OpenRunspace();
        var saved = Environment.GetEnvironmentVariable(GenieCmdletBase.UriVariable);
        Environment.SetEnvironmentVariable(GenieCmdletBase.UriVariable, "not a uri");
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create(rs);
            ps.AddCommand("Get-GenieJob").AddParameter("Id", "x");
            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());
            Assert.Equal("InvalidGenieUri,Sheriff.PowerShell.Commands.GetGenieJobCommand", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal("not a uri", ex.ErrorRecord.TargetObject);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GenieCmdletBase.UriVariable, saved);
        }
    }

    [Fact]
    public void Stop_InterruptsARequestToAServerThatNeverAnswers_WithinASecond()
    {
        // A listener that accepts connections and never answers: the request would hang for the full timeout.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () => { try { while (true) accepted.Add(await listener.AcceptSocketAsync()); } catch (Exception) { } });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            using var rs = HostedModule.OpenRunspace();
            using var ps = System.Management.Automation.PowerShell.Create(rs);
            ps.AddScript($"Connect-Genie -Uri http://127.0.0.1:{port} -NoValidation | Out-Null; Get-GenieJob -Id slow");
            var async = ps.BeginInvoke();
            Thread.Sleep(500);
            Assert.False(async.IsCompleted, "the request should still be waiting for the silent server");
            var sw = Stopwatch.StartNew();
            ps.Stop();
            sw.Stop();
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"Stop took {sw.Elapsed}");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }
        finally
        {
            listener.Stop();
            foreach (var s in accepted) s.Dispose();
        }
    }

    [Fact]
    public async Task StartGenieLocal_ThenGetGenieJob_InAHostedRunspace()
    {
        var dir = HostedModule.NewTempDirectory();
        using var rs = HostedModule.OpenRunspace();
        try
        {
            var server = HostedModule.Run(rs, $"Start-GenieLocal -DataDirectory '{dir}'", out var errors);
            Assert.Empty(errors);
            var local = Assert.IsType<GenieLocalServer>(Assert.Single(server).BaseObject);
            Assert.Equal("127.0.0.1", local.Uri.Host);

            // a job that does not exist yet is a not-found error; after submitting it, Get-GenieJob finds it
            HostedModule.Run(rs, "Get-GenieJob -Id hosted-1", out var notFound);
            Assert.Equal("GenieJobNotFound,Sheriff.PowerShell.Commands.GetGenieJobCommand", Assert.Single(notFound).FullyQualifiedErrorId);

            using var http = new HttpClient { BaseAddress = local.Uri };
            var body = "{\"id\":\"hosted-1\",\"name\":\"hosted\",\"user\":\"u\",\"version\":\"NA\",\"clusterCriterias\":[{\"tags\":[\"sched:adhoc\"]}],\"commandCriteria\":[\"type:shell\"],\"commandArgs\":\"'echo hi'\"}";
            var response = await http.PostAsync("api/v3/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            var jobs = HostedModule.Run(rs, "Get-GenieJob -Id hosted-1", out var errors2);
            Assert.Empty(errors2);
            var job = Assert.IsType<Sheriff.Core.Genie.GenieJob>(Assert.Single(jobs).BaseObject);
            Assert.Equal("hosted", job.Name);
            Assert.Equal("u", job.User);

            HostedModule.Run(rs, "Stop-GenieLocal", out var stopErrors);
            Assert.Empty(stopErrors);
            Assert.True(local.HasExited);
        }
        finally
        {
            HostedModule.Run(rs, "Stop-GenieLocal -ErrorAction SilentlyContinue", out _);
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Sheriff.PowerShell.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
