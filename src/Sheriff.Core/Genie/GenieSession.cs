using System;

namespace Sheriff.Core.Genie
{
    /// <summary>A connection to one Genie server: what Connect-Genie returns and every cmdlet's -Session takes.</summary>
    public sealed class GenieSession : IDisposable
    {
        public GenieSession(Uri uri, string? profileName = null, TimeSpan? requestTimeout = null)
        {
            Client = new GenieClient(uri, requestTimeout: requestTimeout);
            Uri = Client.BaseUri;
            ProfileName = profileName;
            Connected = DateTimeOffset.UtcNow;
        }

        /// <summary>A session with explicit transport options (retries, timeout, TLS, credential).</summary>
        public GenieSession(Uri uri, Transport.GenieClientOptions options, string? profileName = null)
        {
            Client = new GenieClient(uri, options);
            Uri = Client.BaseUri;
            ProfileName = profileName;
            Connected = DateTimeOffset.UtcNow;
        }

        /// <summary>A session for a config profile: its URI, timeout, retry policy, ride-through, TLS and auth settings.</summary>
        public static GenieSession FromProfile(Config.GenieProfile profile)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            return new GenieSession(profile.Uri, profile.Transport.ToOptions(profile.RequestTimeout), profile.Name);
        }

        /// <summary>Retries, timeout, ride-through, TLS and credential of this session (changes to Retry apply to later requests).</summary>
        public Transport.GenieClientOptions Options => Client.Options;

        /// <summary>How the session authenticates, without secrets ("none" when it sends no credentials).</summary>
        public string Authentication => Client.Options.Credential?.Description ?? "none";

        /// <summary>The server's base URI (origin and base path).</summary>
        public Uri Uri { get; }
        /// <summary>The config profile this session came from, if any.</summary>
        public string? ProfileName { get; }
        public DateTimeOffset Connected { get; }
        /// <summary>The <c>description</c> of the API root, when the connection was validated.</summary>
        public string? ServerDescription { get; set; }
        /// <summary>The client behind this session.</summary>
        public GenieClient Client { get; }
        /// <summary>
        /// The SQL engine Invoke-SparkSql and the table statistics cmdlets use with this session: "spark" (the PySpark
        /// driver, for real Genie) or "duckdb" (GenieLocal's local engine; Start-GenieLocal sets it). Null: the config
        /// profile's <c>sqlEngine</c>, else "spark". A cmdlet's -Engine overrides it.
        /// </summary>
        public string? SqlEngine { get; set; }

        public override string ToString() => Uri.ToString();

        public void Dispose() => Client.Dispose();
    }
}
