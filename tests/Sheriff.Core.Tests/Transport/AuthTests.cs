using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Auth;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;
using Sheriff.Core.Local;
using Xunit;

namespace Sheriff.Core.Tests.Transport;

/// <summary>Bearer, basic, OAuth2 client credentials and HTTPS against GenieLocal's test modes.</summary>
public class AuthTests
{
    private static SecretSource Secret(string value) => SecretSource.FromSecureString(SecretText.ToSecureString(value));

    private static GenieClient Client(Uri uri, GenieCredential? credential = null, bool skipCertificateCheck = false, string? thumbprint = null)
        => new(uri, new GenieClientOptions
        {
            Retry = new RetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
            Credential = credential,
            SkipCertificateCheck = skipCertificateCheck,
            TrustedCertificateThumbprint = thumbprint,
        });

    private static async Task<JObject> Stats(GenieLocalProcess server, string authorization)
    {
        using var http = new HttpClient { BaseAddress = server.Uri };
        http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return JObject.Parse(await http.GetStringAsync("genielocal/auth"));
    }

    [Fact]
    public async Task OAuth2_FetchesOnce_CachesUntilShortlyBeforeExpiry_AndRefreshesOn401()
    {
        var secret = "client-secret-" + Guid.NewGuid().ToString("n");
        using var server = GenieLocalProcess.Start("--oauth-client", "sheriff-tests", "--oauth-secret-file", GenieLocalProcess.SecretFile(secret), "--oauth-token-ttl", "3");
        var credential = GenieCredential.OAuth2(new Uri(server.Uri, "oauth/token"), "sheriff-tests", Secret(secret), "genie");
        using var client = Client(server.Uri, credential);
        var events = new List<GenieTransportEvent>();
        client.TransportEvent += (_, e) => events.Add(e);

        // cached: five calls, one token
        for (var i = 0; i < 5; i++) await client.GetRootAsync(default);
        Assert.Equal(1, credential.TokensFetched);
        Assert.NotNull(credential.CachedUntil);

        // renewed shortly before expiry (3 s lifetime: at 2.7 s), before Genie ever says 401
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await client.GetRootAsync(default);
        Assert.Equal(2, credential.TokensFetched);
        Assert.Equal(0, client.Statistics.AuthReplays);

        // a restarted server knows none of the tokens it issued: 401, a new token, the request replayed once
        server.Restart();
        await client.GetRootAsync(default);
        Assert.Equal(3, credential.TokensFetched);
        Assert.Equal(1, client.Statistics.AuthReplays);
        Assert.Contains(events, e => e.Kind == GenieTransportEventKind.AuthRefresh);

        using var raw = new HttpClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "sheriff-tests", ["client_secret"] = secret });
        var token = (string)JObject.Parse(await (await raw.PostAsync(new Uri(server.Uri, "oauth/token"), form)).Content.ReadAsStringAsync())["access_token"]!;
        var stats = await Stats(server, "Bearer " + token);
        Assert.Equal(2, (int)stats["tokensIssued"]!); // since the restart: the client's and this one
        Assert.Equal(0, (int)stats["clientRejected"]!);
        Assert.All(events, e => Assert.DoesNotContain(secret, e.Message));
    }

    [Fact]
    public async Task OAuth2_TokenEndpoint_RejectsExpiredTokens_WrongSecrets_AndAcceptsBasicClientAuth()
    {
        var secret = "s-" + Guid.NewGuid().ToString("n");
        using var server = GenieLocalProcess.Start("--oauth-client", "cli", "--oauth-secret-file", GenieLocalProcess.SecretFile(secret), "--oauth-token-ttl", "1");
        using var raw = new HttpClient { BaseAddress = server.Uri };
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cli:" + secret)));
        var answer = JObject.Parse(await (await raw.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal("Bearer", (string?)answer["token_type"]);
        Assert.Equal(1, (int)answer["expires_in"]!);
        var token = (string)answer["access_token"]!;

        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await raw.GetAsync("api/v3")).StatusCode);
        await Task.Delay(1300);
        var expired = await raw.GetAsync("api/v3");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "gl-made-up");
        Assert.Equal(HttpStatusCode.Unauthorized, (await raw.GetAsync("api/v3")).StatusCode);

        var wrong = GenieCredential.OAuth2(new Uri(server.Uri, "oauth/token"), "cli", Secret("not-" + secret));
        using var client = Client(server.Uri, wrong);
        var ex = await Assert.ThrowsAsync<GenieAuthenticationException>(() => client.GetRootAsync(default));
        Assert.Contains("invalid_client", ex.Message);
        Assert.DoesNotContain(secret, ex.Message);

        var basicClientAuth = GenieCredential.OAuth2(new Uri(server.Uri, "oauth/token"), "cli", Secret(secret));
        basicClientAuth.SendCredentialsInBody = false;
        using var client2 = Client(server.Uri, basicClientAuth);
        await client2.GetRootAsync(default);
        Assert.Equal(1, basicClientAuth.TokensFetched);
    }

    [Fact]
    public async Task Basic_AndBearer_AreAccepted_WrongOnesAre401_NotRetried()
    {
        var password = "pw-" + Guid.NewGuid().ToString("n");
        var token = "tok-" + Guid.NewGuid().ToString("n");
        using var server = GenieLocalProcess.Start("--basic-user", "svc", "--basic-password-file", GenieLocalProcess.SecretFile(password),
            "--token-file", GenieLocalProcess.SecretFile(token));
        using (var ok = Client(server.Uri, GenieCredential.Basic("svc", Secret(password)))) await ok.GetRootAsync(default);
        using (var ok = Client(server.Uri, GenieCredential.Bearer(Secret(token)))) await ok.GetRootAsync(default);

        using var wrong = Client(server.Uri, GenieCredential.Basic("svc", Secret("nope")));
        var ex = await Assert.ThrowsAsync<GenieApiException>(() => wrong.GetRootAsync(default));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(1, wrong.Statistics.Attempts);

        using var none = Client(server.Uri);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<GenieApiException>(() => none.GetRootAsync(default))).StatusCode);
    }

    [Fact]
    public async Task Https_IsVerifiedByDefault_AndWorksWithSkipCertificateCheck_OrThePinnedThumbprint()
    {
        using var server = GenieLocalProcess.Start("--https");
        Assert.Equal("https", server.Uri.Scheme);
        using (var verified = Client(server.Uri))
        {
            var ex = await Assert.ThrowsAsync<GenieTlsException>(() => verified.GetRootAsync(default));
            Assert.Contains("-SkipCertificateCheck", ex.Message);
            Assert.Equal(1, verified.Statistics.Attempts); // a TLS failure is never retried
        }
        using (var skipping = Client(server.Uri, skipCertificateCheck: true)) await skipping.GetRootAsync(default);

        var pem = Path.Combine(server.DataDir, "genielocal-cert.pem");
        var thumbprint = GenieLocalServer.ReadPemThumbprint(pem);
        using (var pinned = Client(server.Uri, thumbprint: thumbprint)) await pinned.GetRootAsync(default);
        using (var wrongPin = Client(server.Uri, thumbprint: new string('A', 40)))
            await Assert.ThrowsAsync<GenieTlsException>(() => wrongPin.GetRootAsync(default));

        // the certificate survives a restart (same data directory): the pin still holds
        server.Restart();
        Assert.Equal(thumbprint, GenieLocalServer.ReadPemThumbprint(pem));
        using (var pinned = Client(server.Uri, thumbprint: thumbprint)) await pinned.GetRootAsync(default);
    }

    [Fact]
    public async Task OAuth2_OverHttps_UsesTheSessionsTlsSettings_ForTheTokenEndpointToo()
    {
        var secret = "s-" + Guid.NewGuid().ToString("n");
        using var server = GenieLocalProcess.Start("--https", "--oauth-client", "cli", "--oauth-secret-file", GenieLocalProcess.SecretFile(secret));
        var thumbprint = GenieLocalServer.ReadPemThumbprint(Path.Combine(server.DataDir, "genielocal-cert.pem"));
        var credential = GenieCredential.OAuth2(new Uri(server.Uri, "oauth/token"), "cli", Secret(secret));
        using var client = Client(server.Uri, credential, thumbprint: thumbprint);
        await client.GetRootAsync(default);
        Assert.Equal(1, credential.TokensFetched);
    }
}
