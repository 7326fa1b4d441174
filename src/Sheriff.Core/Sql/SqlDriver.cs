using System;
using System.IO;
using System.Reflection;
using Sheriff.Core.Packaging;

namespace Sheriff.Core.Sql
{
    /// <summary>The engines a SQL job can run on.</summary>
    public enum SqlEngine
    {
        /// <summary>Spark SQL through the PySpark driver (spark-submit on the cluster).</summary>
        Spark,
        /// <summary>GenieLocal's local DuckDB engine (command tags type:sheriff-sql, engine:duckdb).</summary>
        DuckDb,
    }

    /// <summary>Engine names as the config file and sessions spell them.</summary>
    public static class SqlEngines
    {
        /// <summary>"spark" or "duckdb" (case-insensitive) → the engine.</summary>
        /// <exception cref="ArgumentException">Another name.</exception>
        public static SqlEngine Parse(string name)
        {
            switch ((name ?? "").Trim().ToLowerInvariant())
            {
                case "spark": return SqlEngine.Spark;
                case "duckdb": return SqlEngine.DuckDb;
                default: throw new ArgumentException($"'{name}' is not a SQL engine (spark or duckdb).", nameof(name));
            }
        }

        /// <summary>The lower-case name: spark or duckdb.</summary>
        public static string ToName(this SqlEngine engine) => engine == SqlEngine.DuckDb ? "duckdb" : "spark";

        /// <summary>The dialect queries for the engine are written in (placeholders are rendered for it).</summary>
        public static SqlDialect Dialect(this SqlEngine engine) => engine == SqlEngine.DuckDb ? SqlDialect.DuckDb : SqlDialect.Spark;
    }

    /// <summary>
    /// The PySpark driver (<c>sheriff_sql_driver.py</c>), shipped inside Sheriff.Core as a resource and extracted on first
    /// use into a cache folder named by its content hash, so spark-submit gets a real file and an upgraded module never
    /// reuses an old driver.
    /// </summary>
    public static class SqlDriver
    {
        public const string FileName = "sheriff_sql_driver.py";
        public const string ResourceName = "Sheriff.Core.Sql.sheriff_sql_driver.py";

        private static readonly object Gate = new object();
        private static string? _extracted;

        /// <summary>The cache folder: next to the bundle cache, <c>~/.cache/sheriff/sql-driver</c> (or the platform's equivalent).</summary>
        public static string DefaultCacheDirectory
            => Path.Combine(Path.GetDirectoryName(ProjectPackager.DefaultCacheDirectory.TrimEnd(Path.DirectorySeparatorChar))!, "sql-driver");

        /// <summary>The driver's bytes.</summary>
        /// <exception cref="InvalidOperationException">This build of Sheriff has no driver resource.</exception>
        public static byte[] ReadResource()
        {
            using var stream = typeof(SqlDriver).GetTypeInfo().Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"This build of Sheriff.Core has no embedded {FileName} (resource {ResourceName}).");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }

        /// <summary>
        /// The path of the extracted driver: <c>&lt;cache&gt;/&lt;first 16 hex of its SHA-256&gt;/sheriff_sql_driver.py</c>.
        /// Written atomically (temp file, then rename); a file already there with other content is replaced.
        /// </summary>
        public static string EnsureExtracted(string? cacheDirectory = null)
        {
            lock (Gate)
            {
                if (cacheDirectory == null && _extracted != null && File.Exists(_extracted)) return _extracted;
                var bytes = ReadResource();
                var hash = Hashing.Sha256Hex(bytes);
                var folder = Path.Combine(cacheDirectory ?? DefaultCacheDirectory, hash.Substring(0, 16));
                var path = Path.Combine(folder, FileName);
                if (!File.Exists(path) || Hashing.Sha256Hex(File.ReadAllBytes(path)) != hash)
                {
                    Directory.CreateDirectory(folder);
                    var temp = path + "." + Guid.NewGuid().ToString("n") + ".tmp";
                    File.WriteAllBytes(temp, bytes);
                    try
                    {
                        if (File.Exists(path)) File.Delete(path);
                        File.Move(temp, path);
                    }
                    catch (IOException) when (File.Exists(path) && Hashing.Sha256Hex(File.ReadAllBytes(path)) == hash)
                    {
                        // another process put the same driver there first
                        File.Delete(temp);
                    }
                }
                if (cacheDirectory == null) _extracted = path;
                return path;
            }
        }
    }
}
