using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Tests.Infrastructure;
using Xunit;

namespace Sheriff.GenieLocal.Tests;

/// <summary>
/// GenieLocal's client-authentication test modes: --token-file, --basic-user/--basic-password-file, the OAuth2 token
/// endpoint (--oauth-client/--oauth-secret-file/--oauth-token-ttl) and --https; their option checks.
/// </summary>
public class AuthModesTests
{
    private static string SecretFile(string secret)
    {
        var path = Path.Combine(GenieServer.NewTempDir("secret"), "secret.txt");
        File.WriteAllText(path, secret + "\n");
        return path;
    }

    private static async Task<(int Code, string Stderr)> RunToExit(params string[] args)
    {
        var dir = GenieServer.NewTempDir("authcli");
        using var p = Process.Start(GenieServer.StartInfo(["--port", "0", "--data-dir", dir, .. args]))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the server started instead of refusing its options");
        }

        Assert.DoesNotContain("LISTENING", await stdout);
        return (p.ExitCode, await stderr);
    }

    [Theory]
    [InlineData("--basic-user", "u")]
    [InlineData("--oauth-client", "c")]
    [InlineData("--basic-user", "a:b", "--basic-password-file", "PASSWORD")]
    [InlineData("--token-file", "/no/such/file")]
    public async Task IncompleteOrBadAuthOptions_ExitWithCode2(params string[] args)
    {
        var file = SecretFile("pw");
        var (code, stderr) = await RunToExit(args.Select(a => a == "PASSWORD" ? file : a).ToArray());
        Assert.Equal(2, code);
        Assert.StartsWith("sheriff-genie-local: ", stderr);
    }

    [Fact]
    public async Task NonLoopbackBind_IsAllowed_WithBasicAuth()
    {
        await using var s = await GenieServer.StartAsync(["--bind", "0.0.0.0", "--basic-user", "svc", "--basic-password-file", SecretFile("pw-1")]);
        using var anon = s.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/api/v3")).StatusCode);
        anon.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("svc:pw-1")));
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/api/v3")).StatusCode);
    }

    [Fact]
    public async Task TokenFile_IsTheBearerToken_WithoutItsLineEnd()
    {
        await using var s = await GenieServer.StartAsync(["--token-file", SecretFile("file-token")]);
        using var ok = s.NewClient("file-token");
        Assert.Equal(HttpStatusCode.OK, (await ok.GetAsync("/api/v3")).StatusCode);
        using var wrong = s.NewClient("file-token-");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v3")).StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_IssuesBearerTokens_OnlyForItsClient_AndOnlyClientCredentials()
    {
        await using var s = await GenieServer.StartAsync(["--oauth-client", "cli", "--oauth-secret-file", SecretFile("sec"), "--oauth-token-ttl", "120"]);
        using var http = s.NewClient();
        async Task<HttpResponseMessage> Token(Dictionary<string, string> form) => await http.PostAsync("/oauth/token", new FormUrlEncodedContent(form));

        using var good = await Token(new() { ["grant_type"] = "client_credentials", ["client_id"] = "cli", ["client_secret"] = "sec", ["scope"] = "genie" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("no-store", good.Headers.CacheControl?.ToString());
        var body = JsonNode.Parse(await good.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal(120, (int)body["expires_in"]!);
        Assert.Equal("genie", (string?)body["scope"]);
        var token = (string)body["access_token"]!;

        using var wrongSecret = await Token(new() { ["grant_type"] = "client_credentials", ["client_id"] = "cli", ["client_secret"] = "nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal("invalid_client", (string?)JsonNode.Parse(await wrongSecret.Content.ReadAsStringAsync())!["error"]);
        using var password = await Token(new() { ["grant_type"] = "password", ["client_id"] = "cli", ["client_secret"] = "sec" });
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        Assert.Equal("unsupported_grant_type", (string?)JsonNode.Parse(await password.Content.ReadAsStringAsync())!["error"]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v3/jobs")).StatusCode);
        using var authed = s.NewClient(token);
        Assert.Equal(HttpStatusCode.OK, (await authed.GetAsync("/api/v3/jobs")).StatusCode);
        var stats = JsonNode.Parse(await authed.GetStringAsync("/genielocal/auth"))!;
        Assert.Equal(1, (int)stats["tokensIssued"]!);
        Assert.Equal(1, (int)stats["clientRejected"]!);
    }

    [Fact]
    public async Task Https_ServesTheGeneratedCertificate_ForLocalhostAnd127001_AndReusesItAfterARestart()
    {
        var dir = GenieServer.NewTempDir("https");
        var psi = GenieServer.StartInfo(["--port", "0", "--data-dir", dir, "--https"]);
        using var p = Process.Start(psi)!;
        var stderr = new StringBuilder();
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        try
        {
            var line = await p.StandardOutput.ReadLineAsync();
            Assert.Matches(@"^LISTENING https://127\.0\.0\.1:\d+$", line!.TrimEnd('/'));
            var uri = new Uri(line!["LISTENING ".Length..]);
            System.Security.Cryptography.X509Certificates.X509Certificate2? seen = null;
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => { seen = new(cert!); return true; };
            using var http = new HttpClient(handler);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(uri, "/api/v3"))).StatusCode);
            Assert.NotNull(seen);
            Assert.Equal("CN=localhost", seen!.Subject);
            Assert.True(seen.MatchesHostname("127.0.0.1"));
            Assert.True(seen.MatchesHostname("localhost"));
            var pem = Path.Combine(dir, "genielocal-cert.pem");
            Assert.True(File.Exists(pem));
            lock (stderr) Assert.Contains($"CERTIFICATE {pem} SHA1 {seen.Thumbprint}", stderr.ToString());
            var key = Path.Combine(dir, "genielocal-key.pem");
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            var before = File.ReadAllText(pem);
            p.Kill(true);
            p.WaitForExit();
            using var again = Process.Start(GenieServer.StartInfo(["--port", "0", "--data-dir", dir, "--https"]))!;
            try
            {
                Assert.StartsWith("LISTENING https://", await again.StandardOutput.ReadLineAsync());
                Assert.Equal(before, File.ReadAllText(pem));
            }
            finally
            {
                again.Kill(true);
            }
        }
        finally
        {
            if (!p.HasExited) p.Kill(true);
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
