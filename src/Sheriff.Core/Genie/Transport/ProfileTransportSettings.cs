using System;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Auth;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>
    /// The transport keys of a config profile:
    /// <code>
    /// "prod": { "uri": "https://genie.example.com",
    ///           "requestTimeoutSeconds": 100,
    ///           "retry": { "maxAttempts": 5, "baseDelayMs": 500, "maxDelayMs": 30000, "maxTotalSeconds": 120 },
    ///           "maxConsecutiveFailures": 10,
    ///           "skipCertificateCheck": false,
    ///           "auth": { "type": "oauth2", ... } }
    /// </code>
    /// (<c>requestTimeoutSec</c> is the older spelling of <c>requestTimeoutSeconds</c>.)
    /// </summary>
    public sealed class ProfileTransportSettings
    {
        /// <summary>The profile keys this class reads.</summary>
        public static readonly string[] Keys = { "requestTimeoutSeconds", "retry", "maxConsecutiveFailures", "skipCertificateCheck", "trustedCertificateThumbprint", "auth" };

        public TimeSpan? RequestTimeout { get; private set; }
        /// <summary>The profile's retry policy (defaults filled in for keys it leaves out); null when absent.</summary>
        public RetryPolicy? Retry { get; private set; }
        public int? MaxConsecutiveFailures { get; private set; }
        public bool SkipCertificateCheck { get; private set; }
        public string? TrustedCertificateThumbprint { get; private set; }
        public GenieAuthSettings? Auth { get; private set; }

        /// <summary>Client options for this profile (each call builds a new credential).</summary>
        public GenieClientOptions ToOptions(TimeSpan? requestTimeout = null)
        {
            var options = new GenieClientOptions();
            if (Retry != null) options.Retry = Retry.Clone();
            if ((requestTimeout ?? RequestTimeout) is TimeSpan timeout) options.RequestTimeout = timeout;
            if (MaxConsecutiveFailures is int failures) options.MaxConsecutiveFailures = failures;
            options.SkipCertificateCheck = SkipCertificateCheck;
            options.TrustedCertificateThumbprint = TrustedCertificateThumbprint;
            options.Credential = Auth?.ToCredential();
            return options;
        }

        /// <summary>Reads the transport keys of one profile; <paramref name="error"/> adds the file, line and column.</summary>
        public static ProfileTransportSettings Read(JObject profile, string profileName, Func<JToken, string, Exception> error)
        {
            var where = $"profile '{profileName}'";
            var settings = new ProfileTransportSettings();
            var timeout = profile["requestTimeoutSeconds"];
            if (timeout != null && timeout.Type != JTokenType.Null)
            {
                if (profile["requestTimeoutSec"] != null) throw error(timeout, $"{where}: give 'requestTimeoutSeconds' or 'requestTimeoutSec', not both.");
                settings.RequestTimeout = TimeSpan.FromSeconds(Positive(timeout, where, "requestTimeoutSeconds", error, 86400));
            }
            var retry = profile["retry"];
            if (retry != null && retry.Type != JTokenType.Null)
            {
                if (retry is not JObject r) throw error(retry, $"{where}: 'retry' must be an object (maxAttempts, baseDelayMs, maxDelayMs, maxTotalSeconds).");
                var policy = new RetryPolicy();
                foreach (var p in r.Properties())
                {
                    switch (p.Name)
                    {
                        case "maxAttempts": policy.MaxAttempts = (int)Number(p.Value, where, "retry.maxAttempts", error, 1, 100, integer: true); break;
                        case "baseDelayMs": policy.BaseDelay = TimeSpan.FromMilliseconds(Number(p.Value, where, "retry.baseDelayMs", error, 0, 3_600_000)); break;
                        case "maxDelayMs": policy.MaxDelay = TimeSpan.FromMilliseconds(Number(p.Value, where, "retry.maxDelayMs", error, 0, 3_600_000)); break;
                        case "maxTotalSeconds": policy.MaxTotalTime = TimeSpan.FromSeconds(Number(p.Value, where, "retry.maxTotalSeconds", error, 0, 86400)); break;
                        default: throw error(p, $"{where}: 'retry' has an unknown key '{p.Name}' (known: maxAttempts, baseDelayMs, maxDelayMs, maxTotalSeconds).");
                    }
                }
                if (policy.MaxDelay < policy.BaseDelay)
                {
                    if (r["maxDelayMs"] != null) throw error(r["maxDelayMs"]!, $"{where}: 'retry.maxDelayMs' cannot be smaller than 'retry.baseDelayMs'.");
                    policy.MaxDelay = policy.BaseDelay;
                }
                settings.Retry = policy;
            }
            var failures = profile["maxConsecutiveFailures"];
            if (failures != null && failures.Type != JTokenType.Null)
                settings.MaxConsecutiveFailures = (int)Number(failures, where, "maxConsecutiveFailures", error, 1, 100000, integer: true);
            var skip = profile["skipCertificateCheck"];
            if (skip != null && skip.Type != JTokenType.Null)
            {
                if (skip.Type != JTokenType.Boolean) throw error(skip, $"{where}: 'skipCertificateCheck' must be true or false.");
                settings.SkipCertificateCheck = (bool)skip;
            }
            var thumbprint = profile["trustedCertificateThumbprint"];
            if (thumbprint != null && thumbprint.Type != JTokenType.Null)
            {
                var text = thumbprint.Type == JTokenType.String ? ((string?)thumbprint ?? "").Replace(":", "").Trim() : "";
                if (text.Length != 40 || !IsHex(text)) throw error(thumbprint!, $"{where}: 'trustedCertificateThumbprint' must be a SHA-1 thumbprint (40 hex digits).");
                settings.TrustedCertificateThumbprint = text;
            }
            var auth = profile["auth"];
            if (auth != null && auth.Type != JTokenType.Null) settings.Auth = GenieAuthSettings.Read(auth, where, error);
            return settings;
        }

        private static bool IsHex(string text)
        {
            foreach (var c in text)
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            return true;
        }

        private static double Positive(JToken t, string where, string key, Func<JToken, string, Exception> error, double max)
        {
            if ((t.Type != JTokenType.Integer && t.Type != JTokenType.Float) || (double)t <= 0 || (double)t > max)
                throw error(t, $"{where}: '{key}' must be a positive number (at most {max}).");
            return (double)t;
        }

        private static double Number(JToken t, string where, string key, Func<JToken, string, Exception> error, double min, double max, bool integer = false)
        {
            var ok = integer ? t.Type == JTokenType.Integer : t.Type == JTokenType.Integer || t.Type == JTokenType.Float;
            if (!ok || (double)t < min || (double)t > max)
                throw error(t, $"{where}: '{key}' must be {(integer ? "an integer" : "a number")} from {min} to {max}.");
            return (double)t;
        }
    }
}
