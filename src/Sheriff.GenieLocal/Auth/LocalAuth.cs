using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;

namespace Sheriff.GenieLocal.Auth;

/// <summary>
/// GenieLocal's test modes for client authentication (docs/genielocal.md, docs/reliability.md): a static bearer token
/// (<c>--token</c>/<c>--token-file</c>), HTTP basic (<c>--basic-user</c> with <c>--basic-password-file</c>), and an
/// OAuth2 client-credentials token endpoint (<c>--oauth-client</c> with <c>--oauth-secret-file</c>,
/// <c>--oauth-token-ttl</c>) at <c>POST /oauth/token</c> that accepts only the tokens it issued; an expired one gets 401.
/// When several modes are on, any of them authenticates. Issued tokens live in memory: a restart invalidates them.
/// </summary>
internal sealed class LocalAuth
{
    public const string TokenPath = "/oauth/token";
    public const string StatsPath = "/genielocal/auth";

    private readonly ServerOptions _options;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private long _tokensIssued;
    private long _clientRejected;
    private long _expiredRejected;
    private long _unauthorized;

    private LocalAuth(ServerOptions options) => _options = options;

    public static bool IsEnabled(ServerOptions o) => o.Token != null || o.BasicUser != null || o.OAuthClient != null;

    /// <summary>Installs the token endpoint and the authentication middleware (one call in Program.cs).</summary>
    public static void Use(WebApplication app, ServerOptions options)
    {
        if (!IsEnabled(options))
        {
            return;
        }

        var auth = new LocalAuth(options);
        app.Use(auth.InvokeAsync);
    }

    private async Task InvokeAsync(HttpContext ctx, Func<Task> next)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (_options.OAuthClient != null && string.Equals(path, TokenPath, StringComparison.Ordinal))
        {
            await TokenEndpointAsync(ctx).ConfigureAwait(false);
            return;
        }

        var failure = Check(ctx.Request.Headers.Authorization.ToString());
        if (failure != null)
        {
            Interlocked.Increment(ref _unauthorized);
            ctx.Response.Headers.WWWAuthenticate = _options.BasicUser != null && _options.Token == null && _options.OAuthClient == null
                ? "Basic realm=\"genielocal\""
                : "Bearer";
            await Http.WriteJsonAsync(ctx, 401, new JsonObject { ["message"] = failure }).ConfigureAwait(false);
            return;
        }

        if (string.Equals(path, StatsPath, StringComparison.Ordinal) && HttpMethods.IsGet(ctx.Request.Method))
        {
            await Http.WriteJsonAsync(ctx, 200, new JsonObject
            {
                ["tokensIssued"] = Interlocked.Read(ref _tokensIssued),
                ["tokensLive"] = _issued.Count(p => p.Value > DateTimeOffset.UtcNow),
                ["clientRejected"] = Interlocked.Read(ref _clientRejected),
                ["expiredRejected"] = Interlocked.Read(ref _expiredRejected),
                ["unauthorized"] = Interlocked.Read(ref _unauthorized),
            }).ConfigureAwait(false);
            return;
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>Null when the Authorization header is accepted, else the 401 message (never echoing what was sent).</summary>
    private string? Check(string header)
    {
        if (header.Length == 0)
        {
            return "Full authentication is required to access this resource";
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header[7..].Trim();
            if (_options.Token != null && FixedEquals(token, _options.Token))
            {
                return null;
            }

            if (_options.OAuthClient != null && _issued.TryGetValue(token, out var expires))
            {
                if (expires > DateTimeOffset.UtcNow)
                {
                    return null;
                }

                _issued.TryRemove(token, out _);
                Interlocked.Increment(ref _expiredRejected);
                return "The access token has expired";
            }

            return "Invalid bearer token";
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && _options.BasicUser != null)
        {
            var pair = DecodeBasic(header[6..].Trim());
            if (pair != null && FixedEquals(pair.Value.User, _options.BasicUser) && FixedEquals(pair.Value.Password, _options.BasicPassword!))
            {
                return null;
            }

            return "Bad credentials";
        }

        return "Unsupported authorization scheme";
    }

    private async Task TokenEndpointAsync(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsPost(ctx.Request.Method))
        {
            await OAuthErrorAsync(ctx, 405, "invalid_request", "Use POST").ConfigureAwait(false);
            return;
        }

        if (!ctx.Request.HasFormContentType)
        {
            await OAuthErrorAsync(ctx, 400, "invalid_request", "The body must be application/x-www-form-urlencoded").ConfigureAwait(false);
            return;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        string? clientId = form["client_id"];
        string? clientSecret = form["client_secret"];
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6749 §2.3.1: both parts are form-urlencoded before the Basic encoding
            var pair = DecodeBasic(header[6..].Trim());
            if (pair != null)
            {
                clientId = Uri.UnescapeDataString(pair.Value.User.Replace('+', ' '));
                clientSecret = Uri.UnescapeDataString(pair.Value.Password.Replace('+', ' '));
            }
        }

        if (!string.Equals(form["grant_type"], "client_credentials", StringComparison.Ordinal))
        {
            await OAuthErrorAsync(ctx, 400, "unsupported_grant_type", "Only grant_type=client_credentials is supported").ConfigureAwait(false);
            return;
        }

        if (clientId == null || clientSecret == null || !FixedEquals(clientId, _options.OAuthClient!) || !FixedEquals(clientSecret, _options.OAuthSecret!))
        {
            Interlocked.Increment(ref _clientRejected);
            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"genielocal-oauth\"";
            await OAuthErrorAsync(ctx, 401, "invalid_client", "Client authentication failed").ConfigureAwait(false);
            return;
        }

        var token = "gl-" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var ttl = _options.OAuthTokenTtlSeconds;
        _issued[token] = DateTimeOffset.UtcNow.AddSeconds(ttl);
        Interlocked.Increment(ref _tokensIssued);
        foreach (var stale in _issued.Where(p => p.Value < DateTimeOffset.UtcNow.AddMinutes(-5)).Select(p => p.Key).ToList())
        {
            _issued.TryRemove(stale, out _);
        }

        var body = new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = ttl,
        };
        string? scope = form["scope"];
        if (!string.IsNullOrEmpty(scope))
        {
            body["scope"] = scope;
        }

        await Http.WriteJsonAsync(ctx, 200, body).ConfigureAwait(false);
    }

    private static Task OAuthErrorAsync(HttpContext ctx, int status, string error, string description) =>
        Http.WriteJsonAsync(ctx, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static (string User, string Password)? DecodeBasic(string encoded)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The certificate of <c>--https</c>: self-signed for CN=localhost with the SANs localhost, 127.0.0.1, ::1 and the
/// bind address, kept in the data directory (genielocal-cert.pem, genielocal-key.pem) and reused across restarts so a
/// client that trusts it keeps trusting it.
/// </summary>
internal static class LocalCertificate
{
    public const string CertFile = "genielocal-cert.pem";
    public const string KeyFile = "genielocal-key.pem";

    public static X509Certificate2 LoadOrCreate(string dataDir, IPAddress bind, out string certPath)
    {
        Directory.CreateDirectory(dataDir);
        certPath = Path.Combine(dataDir, CertFile);
        var keyPath = Path.Combine(dataDir, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            try
            {
                using var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
                if (existing.NotAfter > DateTime.Now.AddDays(1) && Covers(existing, bind))
                {
                    return X509CertificateLoader.LoadPkcs12(existing.Export(X509ContentType.Pfx), null);
                }
            }
            catch (CryptographicException)
            {
                // unreadable: make a new one below
            }
        }

        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        if (!IPAddress.IsLoopback(bind) && !bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            san.AddIpAddress(bind);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        File.WriteAllText(certPath, created.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private static bool Covers(X509Certificate2 cert, IPAddress bind)
    {
        if (IPAddress.IsLoopback(bind) || bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        foreach (var extension in cert.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san && san.EnumerateIPAddresses().Any(ip => ip.Equals(bind)))
            {
                return true;
            }
        }

        return false;
    }
}
