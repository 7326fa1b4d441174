using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sheriff.Core.Packaging
{
    /// <summary>A finished bundle: a zip in the packager's cache, ready for spark-submit <c>--py-files</c>.</summary>
    public sealed class BundleResult
    {
        public BundleResult(string zipPath, long size, string sha256, IReadOnlyList<BundleEntry> entries, bool fromCache, string suggestedFileName)
        {
            ZipPath = zipPath ?? throw new ArgumentNullException(nameof(zipPath));
            Size = size;
            Sha256 = sha256 ?? throw new ArgumentNullException(nameof(sha256));
            Entries = entries ?? throw new ArgumentNullException(nameof(entries));
            FromCache = fromCache;
            SuggestedFileName = suggestedFileName ?? throw new ArgumentNullException(nameof(suggestedFileName));
        }

        /// <summary>The zip file on disk (in the cache folder). Read it; do not move or delete it.</summary>
        public string ZipPath { get; }

        /// <summary>Bytes of the zip.</summary>
        public long Size { get; }

        /// <summary>Lowercase hex SHA-256 of the zip's bytes.</summary>
        public string Sha256 { get; }

        /// <summary>The files in the zip, in zip order (ordinal by entry name).</summary>
        public IReadOnlyList<BundleEntry> Entries { get; }

        /// <summary>True when the project was unchanged and the zip was taken from the cache without being rebuilt.</summary>
        public bool FromCache { get; }

        /// <summary>A content-addressed name for uploading: <c>&lt;project&gt;-&lt;first 12 hex of Sha256&gt;.zip</c>.</summary>
        public string SuggestedFileName { get; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0} ({1} files, {2:N0} bytes, sha256 {3}{4})", SuggestedFileName, Entries.Count, Size, Sha256, FromCache ? ", from cache" : "");
    }
}
