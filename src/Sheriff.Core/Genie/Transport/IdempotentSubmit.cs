using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Sheriff.Core.Genie.Transport
{
    /// <summary>
    /// The client-side identity of a submission: a client id (<c>sheriff-&lt;guid&gt;</c> unless the caller chose one) and
    /// a hash of what the job does, kept in <c>metadata.sheriff.requestHash</c>. The hash covers the request without its
    /// id, name and metadata (canonical JSON, keys sorted), so it is the same for every attempt of one submission.
    /// </summary>
    public static class JobRequestIdentity
    {
        /// <summary>Gives the request a client id when it has none; returns the id.</summary>
        public static string EnsureId(JobRequestDto request)
        {
            if (string.IsNullOrEmpty(request.Id)) request.Id = "sheriff-" + Guid.NewGuid().ToString("n");
            return request.Id!;
        }

        /// <summary>The hash in <c>metadata.sheriff.requestHash</c>, or null.</summary>
        public static string? ReadHash(JToken? metadata)
        {
            var value = (metadata as JObject)?["sheriff"] is JObject sheriff ? sheriff["requestHash"] : null;
            return value != null && value.Type == JTokenType.String ? (string?)value : null;
        }

        /// <summary>
        /// Returns the request's hash, computing it and writing it to <c>metadata.sheriff.requestHash</c> when absent.
        /// Null when the metadata is not an object (the hash then cannot travel with the job).
        /// </summary>
        public static string? EnsureHash(JobRequestDto request)
        {
            var existing = ReadHash(request.Metadata);
            if (existing != null) return existing;
            if (request.Metadata != null && request.Metadata.Type != JTokenType.Object && request.Metadata.Type != JTokenType.Null) return null;
            var hash = ComputeHash(request);
            var metadata = request.Metadata as JObject ?? new JObject();
            if (metadata["sheriff"] is not JObject sheriff)
            {
                if (metadata["sheriff"] != null && metadata["sheriff"]!.Type != JTokenType.Null) return null;
                sheriff = new JObject();
                metadata["sheriff"] = sheriff;
            }
            sheriff["requestHash"] = hash;
            request.Metadata = metadata;
            return hash;
        }

        /// <summary>SHA-256 (hex) of the canonical request JSON without id, name and metadata.</summary>
        public static string ComputeHash(JobRequestDto request)
        {
            var copy = JObject.FromObject(request, JsonSerializer.Create(GenieJson.Settings));
            copy.Remove("id");
            copy.Remove("metadata");
            copy.Remove("name");
            return Hashing.Sha256Hex(Canonical(copy).ToString(Formatting.None));
        }

        private static JToken Canonical(JToken token) => token switch
        {
            JObject o => new JObject(o.Properties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Canonical(p.Value)))),
            JArray a => new JArray(a.Select(Canonical)),
            _ => token.DeepClone(),
        };
    }

    /// <summary>
    /// Job ids this process has sent a submission attempt for, per server (bounded). A 409 re-attaches only to a job
    /// whose id is here: a 409 for an id this process never sent is somebody else's submission.
    /// </summary>
    internal static class SentSubmissions
    {
        private const int Capacity = 20000;
        private static readonly Dictionary<string, string?> Sent = new Dictionary<string, string?>(StringComparer.Ordinal);
        private static readonly Queue<string> Order = new Queue<string>();

        private static string Key(Uri server, string id) => server.AbsoluteUri + "\n" + id;

        public static void Record(Uri server, string id, string? hash)
        {
            var key = Key(server, id);
            lock (Sent)
            {
                if (Sent.ContainsKey(key)) { Sent[key] = hash; return; }
                Sent[key] = hash;
                Order.Enqueue(key);
                while (Order.Count > Capacity) Sent.Remove(Order.Dequeue());
            }
        }

        public static bool WasSent(Uri server, string id)
        {
            lock (Sent) return Sent.ContainsKey(Key(server, id));
        }
    }

    /// <summary>
    /// A multipart attachment that can be sent more than once: each attempt opens a fresh stream, so a retried
    /// submission re-reads its files from the start.
    /// </summary>
    public sealed class GenieAttachment
    {
        public GenieAttachment(string fileName, Func<Stream> open, string contentType = "application/octet-stream")
        {
            if (string.IsNullOrEmpty(fileName)) throw new ArgumentException("The attachment needs a file name.", nameof(fileName));
            FileName = fileName;
            Open = open ?? throw new ArgumentNullException(nameof(open));
            ContentType = contentType;
        }

        /// <summary>The name Genie stores the attachment under (in the job directory).</summary>
        public string FileName { get; }
        public string ContentType { get; }
        /// <summary>Opens the content from its start; called once per attempt, and the stream is disposed after it.</summary>
        public Func<Stream> Open { get; }

        /// <summary>An attachment read from a local file (opened read-only, shared for reading, at each attempt).</summary>
        public static GenieAttachment FromFile(string path, string? fileName = null)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("The path is empty.", nameof(path));
            return new GenieAttachment(fileName ?? Path.GetFileName(path),
                () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
        }

        /// <summary>An attachment from bytes in memory.</summary>
        public static GenieAttachment FromBytes(string fileName, byte[] bytes)
            => new GenieAttachment(fileName, () => new MemoryStream(bytes ?? throw new ArgumentNullException(nameof(bytes)), writable: false));

        public override string ToString() => FileName;
    }
}
