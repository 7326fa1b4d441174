using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Auth
{
    /// <summary>
    /// The <c>auth</c> section of a config profile. It names where secrets come from (environment variables or
    /// commands), never the secrets themselves: a literal <c>token</c>, <c>password</c> or <c>clientSecret</c> is an error.
    /// <code>
    /// "auth": { "type": "bearer", "tokenEnv": "GENIE_TOKEN" }
    /// "auth": { "type": "bearer", "tokenCommand": "vault read -field=token secret/genie" }
    /// "auth": { "type": "basic",  "user": "svc-genie", "passwordEnv": "GENIE_PASSWORD" }
    /// "auth": { "type": "oauth2", "tokenUri": "https://login.example.com/oauth2/token", "clientId": "sheriff",
    ///           "clientSecretEnv": "GENIE_CLIENT_SECRET", "scope": "genie" }
    /// </code>
    /// </summary>
    public sealed class GenieAuthSettings
    {
        private static readonly string[] Keys =
        {
            "type", "tokenEnv", "tokenCommand", "user", "passwordEnv", "passwordCommand",
            "tokenUri", "clientId", "clientSecretEnv", "clientSecretCommand", "scope", "clientAuth",
        };

        private static readonly string[] LiteralSecretKeys = { "token", "password", "clientSecret", "secret", "accessToken", "apiKey" };

        /// <summary>"bearer", "basic" or "oauth2".</summary>
        public string Type { get; private set; } = "";
        public string? TokenEnv { get; private set; }
        public string? TokenCommand { get; private set; }
        public string? User { get; private set; }
        public string? PasswordEnv { get; private set; }
        public string? PasswordCommand { get; private set; }
        public Uri? TokenUri { get; private set; }
        public string? ClientId { get; private set; }
        public string? ClientSecretEnv { get; private set; }
        public string? ClientSecretCommand { get; private set; }
        public string? Scope { get; private set; }
        /// <summary>"body" (default) or "basic": how the client id and secret reach the token endpoint.</summary>
        public string? ClientAuth { get; private set; }

        /// <summary>Builds the credential (reads nothing yet: secrets are fetched at the first request).</summary>
        public GenieCredential ToCredential()
        {
            switch (Type)
            {
                case "bearer":
                    return GenieCredential.Bearer(TokenEnv != null ? SecretSource.FromEnvironmentVariable(TokenEnv) : SecretSource.FromCommand(TokenCommand!));
                case "basic":
                    return GenieCredential.Basic(User!, PasswordEnv != null ? SecretSource.FromEnvironmentVariable(PasswordEnv) : SecretSource.FromCommand(PasswordCommand!));
                default:
                    var oauth = GenieCredential.OAuth2(TokenUri!, ClientId!,
                        ClientSecretEnv != null ? SecretSource.FromEnvironmentVariable(ClientSecretEnv) : SecretSource.FromCommand(ClientSecretCommand!), Scope);
                    oauth.SendCredentialsInBody = ClientAuth != "basic";
                    return oauth;
            }
        }

        public override string ToString() => Type + " auth";

        /// <summary>
        /// Reads an <c>auth</c> object. <paramref name="error"/> builds the exception for a token (it adds the file,
        /// line and column); messages name keys, never values.
        /// </summary>
        public static GenieAuthSettings Read(JToken token, string where, Func<JToken, string, Exception> error)
        {
            if (token is not JObject o) throw error(token, $"{where}: 'auth' must be an object.");
            foreach (var p in o.Properties())
            {
                if (LiteralSecretKeys.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    throw error(p, $"{where}: 'auth' cannot hold a secret ('{p.Name}'). Name where it comes from instead: tokenEnv or tokenCommand, passwordEnv or passwordCommand, clientSecretEnv or clientSecretCommand.");
                if (!Keys.Contains(p.Name, StringComparer.Ordinal))
                    throw error(p, $"{where}: 'auth' has an unknown key '{p.Name}' (known: {string.Join(", ", Keys)}).");
                if (p.Value.Type != JTokenType.String || string.IsNullOrWhiteSpace((string?)p.Value))
                    throw error(p.Value, $"{where}: 'auth.{p.Name}' must be a non-empty string.");
            }
            string? S(string key) => ((string?)o[key])?.Trim();
            var settings = new GenieAuthSettings
            {
                Type = (S("type") ?? throw error(o, $"{where}: 'auth' needs a 'type': bearer, basic or oauth2.")).ToLowerInvariant(),
                TokenEnv = S("tokenEnv"),
                TokenCommand = S("tokenCommand"),
                User = S("user"),
                PasswordEnv = S("passwordEnv"),
                PasswordCommand = S("passwordCommand"),
                ClientId = S("clientId"),
                ClientSecretEnv = S("clientSecretEnv"),
                ClientSecretCommand = S("clientSecretCommand"),
                Scope = S("scope"),
                ClientAuth = S("clientAuth")?.ToLowerInvariant(),
            };
            var allowed = new List<string> { "type" };
            switch (settings.Type)
            {
                case "bearer":
                    One(o, where, error, "tokenEnv", "tokenCommand");
                    allowed.AddRange(new[] { "tokenEnv", "tokenCommand" });
                    break;
                case "basic":
                    if (settings.User == null) throw error(o, $"{where}: basic auth needs 'user'.");
                    if (settings.User.IndexOf(':') >= 0) throw error(o["user"]!, $"{where}: 'auth.user' cannot contain ':'.");
                    One(o, where, error, "passwordEnv", "passwordCommand");
                    allowed.AddRange(new[] { "user", "passwordEnv", "passwordCommand" });
                    break;
                case "oauth2":
                    var uriText = S("tokenUri") ?? throw error(o, $"{where}: oauth2 auth needs 'tokenUri'.");
                    if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                        throw error(o["tokenUri"]!, $"{where}: 'auth.tokenUri' must be an absolute http(s) URI.");
                    settings.TokenUri = uri;
                    if (settings.ClientId == null) throw error(o, $"{where}: oauth2 auth needs 'clientId'.");
                    One(o, where, error, "clientSecretEnv", "clientSecretCommand");
                    if (settings.ClientAuth != null && settings.ClientAuth != "body" && settings.ClientAuth != "basic")
                        throw error(o["clientAuth"]!, $"{where}: 'auth.clientAuth' must be \"body\" or \"basic\".");
                    allowed.AddRange(new[] { "tokenUri", "clientId", "clientSecretEnv", "clientSecretCommand", "scope", "clientAuth" });
                    break;
                default:
                    throw error(o["type"]!, $"{where}: 'auth.type' must be bearer, basic or oauth2, not '{settings.Type}'.");
            }
            var stray = o.Properties().FirstOrDefault(p => !allowed.Contains(p.Name));
            if (stray != null) throw error(stray, $"{where}: '{stray.Name}' does not apply to {settings.Type} auth.");
            return settings;
        }

        private static void One(JObject o, string where, Func<JToken, string, Exception> error, string a, string b)
        {
            var hasA = o[a] != null;
            var hasB = o[b] != null;
            if (hasA == hasB) throw error(o, $"{where}: 'auth' needs exactly one of '{a}' and '{b}'.");
        }
    }
}
