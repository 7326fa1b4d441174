using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sheriff.GenieLocal.Tests.Infrastructure;

/// <summary>moto_server (S3 mock) on a free loopback port; moto does not check request signatures.</summary>
public sealed class MotoServer : IAsyncDisposable
{
    private readonly Process _process;

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }
    public string Endpoint { get; }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static async Task<MotoServer> StartAsync()
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("moto_server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-H", "127.0.0.1", "-p", port.ToString() })
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var moto = new MotoServer(p, port);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with {p.ExitCode}");
            }

            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return moto;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await moto.DisposeAsync();
        throw new TimeoutException("moto_server did not open its port within 30 s");
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch
        {
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
