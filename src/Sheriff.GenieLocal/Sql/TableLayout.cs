using System.Text;

namespace Sheriff.GenieLocal.Sql;

/// <summary>One data file of a table.</summary>
internal sealed record DataFile(string FullPath, long Size, string PartitionPath);

/// <summary>
/// How a table lies on disk: <c>&lt;location&gt;/part-*.parquet</c>, or Hive-style partition folders
/// <c>&lt;location&gt;/ds=2026-11-26/hr=1/part-*.parquet</c> (values escaped as DuckDB and Spark do; the null partition
/// is <c>__HIVE_DEFAULT_PARTITION__</c>). Names starting with <c>.</c> or <c>_</c> are not data (Spark's rule): the
/// engine's staging and trash folders live there.
/// </summary>
internal static class TableLayout
{
    public const string NullPartition = "__HIVE_DEFAULT_PARTITION__";

    public static bool IsHidden(string name) => name.StartsWith('.') || name.StartsWith('_');

    /// <summary>The warehouse-default location: <c>&lt;warehouse&gt;/&lt;table&gt;</c> for database default (as Spark), else <c>&lt;warehouse&gt;/&lt;db&gt;.db/&lt;table&gt;</c>.</summary>
    public static string DefaultLocation(string warehouse, TableName table) =>
        table.Database == TableName.DefaultDatabase
            ? Path.Combine(warehouse, table.Name)
            : Path.Combine(warehouse, table.Database + ".db", table.Name);

    public static string FileUri(string path) => new System.Uri(Path.GetFullPath(path)).AbsoluteUri;

    /// <summary>Every data file of the table (all non-hidden files in the layout; none when the location is missing).</summary>
    public static List<DataFile> Files(CatalogTable table)
    {
        var result = new List<DataFile>();
        if (!Directory.Exists(table.Location))
        {
            return result;
        }

        foreach (var (dir, rel) in PartitionDirs(table.Location, table.PartitionColumns))
        {
            foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
            {
                if (!IsHidden(file.Name))
                {
                    result.Add(new DataFile(file.FullName, file.Length, rel));
                }
            }
        }

        return result;
    }

    /// <summary>The leaf folders of the layout with their relative paths ("" for an unpartitioned table).</summary>
    public static IEnumerable<(string Dir, string Rel)> PartitionDirs(string root, IReadOnlyList<string> partitionColumns)
    {
        IEnumerable<(string Dir, string Rel)> level = [(root, "")];
        foreach (var column in partitionColumns)
        {
            var prefix = column + "=";
            level = level.SelectMany(parent => Directory.Exists(parent.Dir)
                ? new DirectoryInfo(parent.Dir).EnumerateDirectories()
                    .Where(d => d.Name.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(d => (d.FullName, parent.Rel.Length == 0 ? d.Name : parent.Rel + "/" + d.Name))
                : []);
        }

        return level.OrderBy(l => l.Rel, StringComparer.Ordinal).ToList();
    }

    /// <summary>The values of a partition path: <c>ds=x%2Fy/hr=1</c> → {ds: "x/y", hr: "1"}.</summary>
    public static Dictionary<string, string?> ParseSpec(string rel)
    {
        var spec = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var part in rel.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var value = Unescape(part[(eq + 1)..]);
            spec[part[..eq]] = value == NullPartition ? null : value;
        }

        return spec;
    }

    private static string Unescape(string s)
    {
        try
        {
            return System.Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return s;
        }
    }

    /// <summary>The glob of the table's Parquet files, for read_parquet.</summary>
    public static string Glob(CatalogTable table)
    {
        var sb = new StringBuilder(table.Location.TrimEnd('/'));
        foreach (var column in table.PartitionColumns)
        {
            sb.Append('/').Append(column).Append("=*");
        }

        return sb.Append("/*.parquet").ToString();
    }

    /// <summary>The SELECT behind the table's DuckDB view: the Parquet files read with the catalog's types, or no rows.</summary>
    public static string ViewSql(CatalogTable table, bool hasFiles)
    {
        var columns = table.Columns.Select(c => $"CAST({SqlText.Ident(c.Name)} AS {c.DuckdbType}) AS {SqlText.Ident(c.Name)}");
        if (!hasFiles)
        {
            return "SELECT " + string.Join(", ", table.Columns.Select(c => $"CAST(NULL AS {c.DuckdbType}) AS {SqlText.Ident(c.Name)}")) +
                   " WHERE false";
        }

        var options = "hive_partitioning = " + (table.PartitionColumns.Count > 0 ? "true" : "false") + ", union_by_name = true";
        if (table.PartitionColumns.Count > 0)
        {
            var types = table.PartitionColumns.Select(p =>
                SqlText.Literal(p) + ": " + SqlText.Literal(table.Columns.First(c => c.Name == p).DuckdbType));
            options += ", hive_types = {" + string.Join(", ", types) + "}";
        }

        return "SELECT " + string.Join(", ", columns) + $" FROM read_parquet({SqlText.Literal(Glob(table))}, {options})";
    }
}
