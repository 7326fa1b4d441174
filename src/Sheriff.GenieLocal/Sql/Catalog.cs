using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// The warehouse's catalog: one JSON file, <c>&lt;warehouse&gt;/_sheriff_catalog.json</c>, with every table's schema
/// (Spark type names and the DuckDB types they are stored as), partition columns, location, format, partitions and
/// statistics. Readers take a snapshot without locking (the file is only ever replaced by an atomic rename);
/// writers hold an exclusive lock on <c>_sheriff_catalog.lock</c> (retried with back-off) around read-modify-write,
/// so several jobs may run at once.
/// </summary>
internal sealed class WarehouseCatalog(string root)
{
    public const string FileName = "_sheriff_catalog.json";
    public const string LockFileName = "_sheriff_catalog.lock";
    public const string FormatName = "sheriff-warehouse-catalog/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Root { get; } = Path.GetFullPath(root);

    public string FilePath => Path.Combine(Root, FileName);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The catalog as it is now (empty when the file does not exist yet).</summary>
    public CatalogData Read()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (FileNotFoundException)
        {
            return new CatalogData();
        }
        catch (DirectoryNotFoundException)
        {
            return new CatalogData();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SqlFailure(ErrorKinds.Io, $"cannot read the warehouse catalog {FilePath}: {e.Message}", inner: e);
        }

        try
        {
            var data = JsonSerializer.Deserialize<CatalogData>(bytes, Options) ?? new CatalogData();
            if (data.Format != FormatName)
            {
                throw new SqlFailure(ErrorKinds.Io, $"the warehouse catalog {FilePath} has format '{data.Format}', not {FormatName}");
            }

            return data;
        }
        catch (JsonException e)
        {
            throw new SqlFailure(ErrorKinds.Io, $"the warehouse catalog {FilePath} is not valid JSON: {e.Message}", inner: e);
        }
    }

    /// <summary>Runs <paramref name="change"/> on the current catalog under the lock; saves it when it returns true.</summary>
    public T Update<T>(Func<CatalogData, (bool Save, T Result)> change)
    {
        Directory.CreateDirectory(Root);
        using var held = AcquireLock();
        var data = Read();
        var (save, result) = change(data);
        if (save)
        {
            var tmp = FilePath + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(data, Options));
                File.Move(tmp, FilePath, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(tmp);
                throw new SqlFailure(ErrorKinds.Io, $"cannot write the warehouse catalog {FilePath}: {e.Message}", inner: e);
            }
        }

        return result;
    }

    private FileStream AcquireLock()
    {
        var path = Path.Combine(Root, LockFileName);
        var sw = Stopwatch.StartNew();
        var delay = 10;
        while (true)
        {
            try
            {
                // On Unix .NET takes flock(LOCK_EX | LOCK_NB) for FileShare.None: exclusive across processes.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (sw.Elapsed > LockTimeout)
                {
                    throw new SqlFailure(ErrorKinds.Io,
                        $"the warehouse catalog {FilePath} stayed locked by another job for {LockTimeout.TotalSeconds:0} s: {e.Message}", inner: e);
                }

                Thread.Sleep(delay + Random.Shared.Next(delay));
                delay = Math.Min(delay * 2, 250);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new SqlFailure(ErrorKinds.Io, $"cannot lock the warehouse catalog ({path}): {e.Message}", inner: e);
            }
        }
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }
}

internal sealed class CatalogData
{
    public string Format { get; set; } = WarehouseCatalog.FormatName;

    /// <summary>Tables by "db.table".</summary>
    public SortedDictionary<string, CatalogTable> Tables { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class CatalogTable
{
    public string Database { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Absolute local folder of the table's data.</summary>
    public string Location { get; set; } = "";

    public string Format { get; set; } = "parquet";

    /// <summary>Columns in table order: data columns, then the partition columns in partitioning order (as Spark).</summary>
    public List<CatalogColumn> Columns { get; set; } = [];

    public List<string> PartitionColumns { get; set; } = [];

    /// <summary>Whether the location was given (Spark's EXTERNAL) rather than the warehouse default (MANAGED).</summary>
    public bool External { get; set; }

    public string? CreatedAt { get; set; }

    public string? UpdatedAt { get; set; }

    /// <summary>Table-level statistics from the last analyze; cleared by a write (as Spark does without size auto-update).</summary>
    public TableStatistics? Statistics { get; set; }

    /// <summary>Known partitions (every partition ever written), sorted by path.</summary>
    public List<CatalogPartition> Partitions { get; set; } = [];

    [JsonIgnore]
    public TableName TableName => new(Database, Name);
}

internal sealed class CatalogColumn
{
    public string Name { get; set; } = "";

    /// <summary>Spark SQL type name (DataType.simpleString).</summary>
    public string Type { get; set; } = "";

    /// <summary>The DuckDB type the column is stored and read as.</summary>
    public string DuckdbType { get; set; } = "";
}

internal sealed class CatalogPartition
{
    /// <summary>Relative folder under the location, as written: <c>ds=2026-11-26</c> or <c>ds=x/hr=1</c> (values escaped).</summary>
    public string Path { get; set; } = "";

    /// <summary>Partition values (unescaped; null for the null partition).</summary>
    public Dictionary<string, string?> Spec { get; set; } = [];

    public TableStatistics? Statistics { get; set; }
}

internal sealed class TableStatistics
{
    public long? SizeInBytes { get; set; }

    public long? RowCount { get; set; }

    public string? CollectedAt { get; set; }

    public List<ColumnStatistics>? Columns { get; set; }
}

internal sealed class ColumnStatistics
{
    public string Name { get; set; } = "";

    public long? DistinctCount { get; set; }

    public long? NullCount { get; set; }

    public JsonNode? Min { get; set; }

    public JsonNode? Max { get; set; }
}
