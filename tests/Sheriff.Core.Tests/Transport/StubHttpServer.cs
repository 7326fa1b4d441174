using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sheriff.Core.Tests.Transport;

/// <summary>One request as the stub server received it.</summary>
public sealed class StubRequest
{
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public byte[] Body { get; init; } = Array.Empty<byte>();
    public string BodyText => Encoding.UTF8.GetString(Body);
    public DateTime Received { get; init; }
}

/// <summary>What the stub does with a request: answer, or misbehave on the socket.</summary>
public sealed class StubReply
{
    public int Status { get; init; } = 200;
    public string Body { get; init; } = "{}";
    public string ContentType { get; init; } = "application/json";
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Accept the request and never answer (the connection stays open until the test ends).</summary>
    public bool Hang { get; init; }
    /// <summary>Close the connection with a TCP reset instead of answering.</summary>
    public bool Reset { get; init; }
    /// <summary>Send the headers and only half of the body, then reset.</summary>
    public bool Truncate { get; init; }

    public static StubReply Json(int status, string body = "{}") => new() { Status = status, Body = body };
    public static StubReply Hangs() => new() { Hang = true };
    public static StubReply Resets() => new() { Reset = true };
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (raw TcpListener, one request per connection, Connection: close) whose answers a
/// test scripts: statuses, Retry-After, hangs, resets and truncated bodies. Real HTTP on the wire, no mocked handler.
/// </summary>
public sealed class StubHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<StubRequest, int, StubReply> _reply;
    private readonly ConcurrentQueue<Socket> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private int _count;

    public StubHttpServer(Func<StubRequest, int, StubReply> reply)
    {
        _reply = reply;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>A server that answers the n-th request (1-based) with <paramref name="replies"/>[n-1], repeating the last.</summary>
    public static StubHttpServer Sequence(params StubReply[] replies)
        => new((_, n) => replies[Math.Min(n, replies.Length) - 1]);

    public int Port { get; }
    public Uri Uri => new($"http://127.0.0.1:{Port}/");
    public ConcurrentQueue<StubRequest> Requests { get; } = new();
    public int Count => Volatile.Read(ref _count);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            _open.Enqueue(socket);
            _ = Task.Run(() => Serve(socket));
        }
    }

    private async Task Serve(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var request = await ReadRequest(stream);
            if (request == null) return;
            Requests.Enqueue(request);
            var n = Interlocked.Increment(ref _count);
            var reply = _reply(request, n);
            if (reply.Hang) return; // keep the socket open, say nothing
            if (reply.Reset)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return;
            }
            var body = Encoding.UTF8.GetBytes(reply.Body);
            var head = new StringBuilder();
            head.Append($"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n");
            head.Append($"Content-Type: {reply.ContentType}\r\n");
            head.Append($"Content-Length: {body.Length}\r\n");
            head.Append("Connection: close\r\n");
            foreach (var h in reply.Headers) head.Append($"{h.Key}: {h.Value}\r\n");
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            if (reply.Truncate)
            {
                await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
                await stream.FlushAsync();
                await Task.Delay(50);
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return;
            }
            await stream.WriteAsync(body);
            await stream.FlushAsync();
            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }
        catch (Exception)
        {
            try { socket.Close(); } catch (Exception) { }
        }
    }

    private static async Task<StubRequest?> ReadRequest(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one);
            if (n == 0) return null;
            buffer.Add(one[0]);
            var c = buffer.Count;
            if (c >= 4 && buffer[c - 4] == '\r' && buffer[c - 3] == '\n' && buffer[c - 2] == '\r' && buffer[c - 1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, out var length))
        {
            var chunk = new byte[64 * 1024];
            while (body.Length < length)
            {
                var n = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, length - body.Length)));
                if (n == 0) break;
                body.Write(chunk, 0, n);
            }
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var sizeLine = await ReadLine(stream);
                var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0) { await ReadLine(stream); break; }
                var chunk = new byte[size];
                var read = 0;
                while (read < size) read += await stream.ReadAsync(chunk.AsMemory(read, size - read));
                body.Write(chunk, 0, size);
                await ReadLine(stream);
            }
        }
        return new StubRequest { Method = first[0], Path = first[1], Headers = headers, Body = body.ToArray(), Received = DateTime.UtcNow };
    }

    private static async Task<string> ReadLine(NetworkStream stream)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) > 0)
        {
            if (one[0] == '\n') break;
            if (one[0] != '\r') sb.Append((char)one[0]);
        }
        return sb.ToString();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 202 => "Accepted", 400 => "Bad Request", 401 => "Unauthorized", 404 => "Not Found", 409 => "Conflict",
        412 => "Precondition Failed", 429 => "Too Many Requests", 500 => "Internal Server Error", 502 => "Bad Gateway",
        503 => "Service Unavailable", 504 => "Gateway Timeout", _ => "Status",
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        while (_open.TryDequeue(out var s)) { try { s.Dispose(); } catch (Exception) { } }
    }
}
