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

        /// <summary>The server's base URI (origin and base path).</summary>
        public Uri Uri { get; }
        /// <summary>The config profile this session came from, if any.</summary>
        public string? ProfileName { get; }
        public DateTimeOffset Connected { get; }
        /// <summary>The <c>description</c> of the API root, when the connection was validated.</summary>
        public string? ServerDescription { get; set; }
        /// <summary>The client behind this session.</summary>
        public GenieClient Client { get; }

        public override string ToString() => Uri.ToString();

        public void Dispose() => Client.Dispose();
    }
}
