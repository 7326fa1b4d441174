using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace Sheriff.Core
{
    /// <summary>SHA-256 as lowercase hex: of bytes, of UTF-8 text, and of a file read in a streaming way.</summary>
    internal static class Hashing
    {
        public static string Sha256Hex(byte[] data)
        {
            using var sha = SHA256.Create();
            return ToHex(sha.ComputeHash(data));
        }

        public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

        /// <summary>Hashes a file without holding it in memory; <paramref name="size"/> is the bytes read.</summary>
        public static string Sha256FileHex(string path, CancellationToken ct, out long size)
        {
            using var sha = SHA256.Create();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var buffer = new byte[1024 * 1024];
            size = 0;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                sha.TransformBlock(buffer, 0, n, null, 0);
                size += n;
            }
            sha.TransformFinalBlock(buffer, 0, 0);
            return ToHex(sha.Hash!);
        }

        public static string ToHex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
