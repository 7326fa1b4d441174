using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Sheriff.Core.Tests.Transport;

/// <summary>
/// A real sheriff-genie-local process for the transport tests: fixed port (so it can be restarted on the same address),
/// its own data directory, extra arguments (auth modes, --https). Restart keeps the data directory and the port.
/// </summary>
public sealed class GenieLocalProcess : IDisposable
{
    private static readonly string Dll = ResolveDll();
    private readonly List<string> _args;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private GenieLocalProcess(int port, string dataDir, List<string> args)
    {
        Port = port;
        DataDir = dataDir;
        _args = args;
    }

    public int Port { get; }
    public string DataDir { get; }
    public Uri Uri { get; private set; } = null!;
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static string NewDataDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sheriff-core-transport", Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes a secret file in a fresh directory (GenieLocal's --*-file options read it).</summary>
    public static string SecretFile(string secret)
    {
        var path = Path.Combine(NewDataDir(), "secret");
        File.WriteAllText(path, secret + "\n");
        return path;
    }

    public static GenieLocalProcess Start(params string[] args) => StartIn(NewDataDir(), args);

    public static GenieLocalProcess StartIn(string dataDir, params string[] args)
    {
        var server = new GenieLocalProcess(RetryTests.FreePort(), dataDir, args.ToList());
        server.Launch();
        return server;
    }

    private void Launch()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in new[] { "--port", Port.ToString(), "--data-dir", DataDir }.Concat(_args)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) { ready.TrySetException(new InvalidOperationException("GenieLocal exited: " + Log)); return; }
            lock (_log) _log.AppendLine(e.Data);
            if (e.Data.StartsWith("LISTENING ")) ready.TrySetResult(e.Data["LISTENING ".Length..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(60))) { process.Kill(true); throw new TimeoutException("GenieLocal did not start: " + Log); }
        Uri = new Uri(ready.Task.Result.TrimEnd('/') + "/");
        _process = process;
    }

    /// <summary>Kills the process (SIGKILL, like a crash) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process == null) return;
        try { _process.Kill(entireProcessTree: false); _process.WaitForExit(10000); } catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills and starts again on the same port and data directory.</summary>
    public void Restart(TimeSpan? downtime = null)
    {
        Kill();
        if (downtime != null) Thread.Sleep(downtime.Value);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try { Launch(); return; }
            catch (Exception) when (DateTime.UtcNow < deadline) { Thread.Sleep(200); }
        }
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string ResolveDll()
    {
        var meta = typeof(GenieLocalProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "GenieLocalDll").Value!;
        var full = Path.GetFullPath(meta.Replace('\\', '/'));
        if (!File.Exists(full)) throw new FileNotFoundException("sheriff-genie-local.dll is not built", full);
        return full;
    }
}

/// <summary>
/// A TCP proxy in front of a server that, for the first connection only, forwards the request but throws the answer
/// away and resets the client: the request reached the server, the client never learns what happened.
/// </summary>
public sealed class LostAnswerProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private int _connections;

    public LostAnswerProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    var first = Interlocked.Increment(ref _connections) == 1;
                    _ = Task.Run(() => Serve(client, first));
                }
            }
            catch (Exception) { }
        });
    }

    public Uri Uri { get; }
    public int Connections => Volatile.Read(ref _connections);

    private async Task Serve(TcpClient client, bool dropAnswer)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
                var toServer = client.GetStream().CopyToAsync(upstream.GetStream());
                if (!dropAnswer)
                {
                    var toClient = upstream.GetStream().CopyToAsync(client.GetStream());
                    await Task.WhenAny(toServer, toClient);
                    return;
                }
                var buffer = new byte[16];
                await upstream.GetStream().ReadExactlyAsync(buffer, 0, 1); // the server has answered: the job exists
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
            }
            catch (Exception) { }
        }
    }

    public void Dispose() => _listener.Stop();
}
