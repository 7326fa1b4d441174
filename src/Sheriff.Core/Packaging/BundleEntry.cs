using System;
using System.Globalization;

namespace Sheriff.Core.Packaging
{
    /// <summary>One file of a bundle: its zip entry name and its uncompressed size.</summary>
    public sealed class BundleEntry
    {
        public BundleEntry(string path, long size)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("An entry needs a path.", nameof(path));
            if (size < 0) throw new ArgumentOutOfRangeException(nameof(size));
            Path = path;
            Size = size;
        }

        /// <summary>The zip entry name, '/'-separated (e.g. <c>mypkg/jobs/etl.py</c>).</summary>
        public string Path { get; }

        /// <summary>Uncompressed size in bytes.</summary>
        public long Size { get; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} ({1:N0} bytes)", Path, Size);
    }
}
