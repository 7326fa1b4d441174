using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Sheriff.GenieLocal.Sql;

/// <summary>A result column: its name and type.</summary>
internal sealed record SqlColumn(string Name, SqlType Type);

/// <summary>
/// The sandbox SQL engine: one in-process, in-memory DuckDB per request, with every catalog table exposed as a view
/// <c>"db"."t"</c> over its Parquet files. Runs a <see cref="SqlRequest"/> and streams its result into a
/// <see cref="ResultWriter"/>. Errors surface as <see cref="SqlFailure"/> with DuckDB's own message.
/// </summary>
internal sealed class SqlEngine : IDisposable
{
    private const string QueryView = "sheriff_query";
    private const string ViewPrefix = "CREATE OR REPLACE TEMP VIEW " + QueryView + " AS\n";

    private readonly DuckDBConnection _con;
    private readonly TextWriter _progress;
    private readonly WarehouseCatalog _catalog;

    public SqlEngine(string warehouse, string tempDirectory, TextWriter progress)
    {
        Warehouse = Path.GetFullPath(warehouse);
        _progress = progress;
        _catalog = new WarehouseCatalog(Warehouse);
        _con = new DuckDBConnection("DataSource=:memory:");
        _con.Open();
        // No network: every extension the engine needs (parquet, json, icu) is built into the library.
        Execute("SET autoinstall_known_extensions = false");
        Execute("SET autoload_known_extensions = false");
        Execute("SET errors_as_json = true");
        Execute("SET TimeZone = 'UTC'");
        Execute("SET temp_directory = " + SqlText.Literal(tempDirectory));
        Version = (Scalar("SELECT version()") as string ?? "unknown").TrimStart('v');
    }

    public string Warehouse { get; }

    /// <summary>DuckDB's version, e.g. 1.5.6.</summary>
    public string Version { get; }

    public string EngineName => "duckdb " + Version;

    /// <summary>Runs the request; the caller has created <paramref name="result"/> and disposes it.</summary>
    public void Run(SqlRequest request, ResultWriter result)
    {
        var catalog = _catalog.Read();
        RegisterTables(catalog);
        switch (request.Action)
        {
            case "query":
                if (request.Output is null)
                {
                    Query(request, result);
                }
                else
                {
                    Write(request, result);
                }

                break;
            case "analyze":
                Analyze(request, result);
                break;
            case "stats":
                var stats = Statistics(_catalog.Read(), request.Table!.Value, request.Partition);
                result.Columns([]);
                result.Finish(0, false, null, stats);
                break;
        }
    }

    // ------------------------------------------------------------------ catalog → views

    private void RegisterTables(CatalogData catalog)
    {
        Execute("CREATE SCHEMA IF NOT EXISTS " + SqlText.Ident(TableName.DefaultDatabase));
        foreach (var db in catalog.Tables.Values.Select(t => t.Database).Distinct(StringComparer.Ordinal))
        {
            Execute("CREATE SCHEMA IF NOT EXISTS " + SqlText.Ident(db));
        }

        // unqualified names are database default's, as in Spark's session catalog
        Execute("SET search_path = " + SqlText.Literal(TableName.DefaultDatabase + ",main"));
        foreach (var table in catalog.Tables.Values)
        {
            var hasFiles = TableLayout.Files(table).Any(f => f.FullPath.EndsWith(".parquet", StringComparison.Ordinal));
            var sql = $"CREATE OR REPLACE VIEW {table.TableName.Sql} AS {TableLayout.ViewSql(table, hasFiles)}";
            try
            {
                Execute(sql);
            }
            catch (DuckDBException e)
            {
                throw new SqlFailure(ErrorKinds.Io, $"cannot read table {table.TableName} at {table.Location}: {Describe(e).Message}", inner: e);
            }
        }

        _progress.WriteLine($"sheriff-sql: {catalog.Tables.Count} table(s) in the warehouse catalog");
    }

    // ------------------------------------------------------------------ query

    /// <summary>Defines the user's query as a temp view and returns its columns; syntax and analysis errors surface here.</summary>
    private List<SqlColumn> DefineQuery(string query)
    {
        var text = SqlText.Rewrite(query);
        if (text.Rewritten.Trim().Length == 0)
        {
            throw new SqlFailure(ErrorKinds.Syntax, "the query is empty");
        }

        var executed = ViewPrefix + text.Rewritten;
        try
        {
            Execute(executed);
        }
        catch (DuckDBException e)
        {
            var failure = Failure(e, text, executed, ViewPrefix.Length);
            if (failure.Kind != ErrorKinds.Syntax)
            {
                throw failure;
            }

            // SHOW / DESCRIBE / SUMMARIZE / PRAGMA are statements, not query expressions: as a subquery they are.
            const string prefix = ViewPrefix + "SELECT * FROM (\n";
            try
            {
                Execute(prefix + text.Rewritten + "\n)");
            }
            catch (DuckDBException)
            {
                var first = text.Original.Length - text.Original.TrimStart().Length;
                if (failure.Line is int line && (line, failure.Column) == text.LineColumn(first))
                {
                    // the very first word: INSERT, CREATE, ... are statements the engine does not run
                    throw new SqlFailure(failure.Kind,
                        failure.Message + " (the local engine runs one query: SELECT, WITH, VALUES, FROM, SHOW, DESCRIBE or SUMMARIZE)",
                        failure.Line, failure.Column, failure.InnerException);
                }

                throw failure;
            }
        }

        var columns = new List<SqlColumn>();
        using var cmd = _con.CreateCommand();
        cmd.CommandText = $"SELECT column_name, column_type FROM (DESCRIBE temp.main.{QueryView})";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            var type = reader.GetString(1);
            try
            {
                columns.Add(new SqlColumn(name, DuckTypes.Parse(type)));
            }
            catch (FormatException e)
            {
                throw new SqlFailure(ErrorKinds.Unsupported, $"column {name}: {e.Message}", inner: e);
            }
        }

        return columns;
    }

    /// <summary>The result columns as JSON texts, in order: SELECT json(c0), json(c1) ... FROM the query view.</summary>
    private static string EncodedSelect(IReadOnlyList<SqlColumn> columns) =>
        "SELECT " + string.Join(", ", columns.Select((c, i) => DuckTypes.JsonExpr(c.Type, $"CAST(c{i} AS {c.Type.Duck})"))) +
        $" FROM temp.main.{QueryView} AS q({PositionalNames(columns.Count)})";

    private static string PositionalNames(int n) => string.Join(", ", Enumerable.Range(0, n).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture)));

    private void Query(SqlRequest request, ResultWriter result)
    {
        var columns = DefineQuery(request.Query!);
        result.Columns(columns.Select(c => (c.Name, c.Type)));
        long count = 0;
        var values = new string[columns.Count];
        try
        {
            using var cmd = _con.CreateCommand();
            cmd.CommandText = EncodedSelect(columns);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                if (count < request.MaxRows)
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = reader.GetString(i);
                    }

                    result.Row(values);
                }

                count++;
            }
        }
        catch (DuckDBException e)
        {
            throw Failure(e, null, null, 0);
        }

        var returned = Math.Min(count, request.MaxRows);
        _progress.WriteLine($"sheriff-sql: the query returned {count} row(s); {returned} in the result" + (count > returned ? " (truncated by maxRows)" : ""));
        result.Finish(count, count > returned, null, null);
    }

    // ------------------------------------------------------------------ write

    private void Write(SqlRequest request, ResultWriter result)
    {
        var output = request.Output!;
        if (output.Format != "parquet")
        {
            throw new SqlFailure(ErrorKinds.Unsupported,
                $"the local DuckDB engine writes parquet tables only, not {output.Format} (orc, json and csv tables need a Spark cluster)");
        }

        var location = ResolveLocation(output.Location);
        var columns = DefineQuery(request.Query!);
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new SqlFailure(ErrorKinds.Schema, $"Found duplicate column(s) in the data schema: `{duplicate.Key}`");
        }

        var schema = "struct<" + string.Join(",", columns.Select(c => c.Name + ":" + c.Type.Spark)) + ">";
        foreach (var p in output.PartitionBy)
        {
            var column = columns.FirstOrDefault(c => c.Name.Equals(p, StringComparison.OrdinalIgnoreCase))
                         ?? throw new SqlFailure(ErrorKinds.Partition, $"Partition column `{p}` not found in schema {schema}");
            if (column.Type.IsComplex || column.Type.Spark == "binary")
            {
                throw new SqlFailure(ErrorKinds.Partition, $"Cannot use {column.Type.Spark} for partition column `{column.Name}`");
            }
        }

        var name = output.Table;
        var existing = _catalog.Read().Tables.GetValueOrDefault(name.Key);
        var plan = Plan(output, name, columns, existing);
        var root = existing?.Location ?? location ?? TableLayout.DefaultLocation(Warehouse, name);
        if (existing is not null && location is not null && location != existing.Location)
        {
            _progress.WriteLine($"sheriff-sql: table {name} exists at {TableLayout.FileUri(existing.Location)}; the requested location {output.Location} is not used");
        }

        if (existing is null && location is null && Directory.Exists(root) &&
            Directory.EnumerateFileSystemEntries(root).Any(e => !TableLayout.IsHidden(Path.GetFileName(e))))
        {
            throw new SqlFailure(ErrorKinds.Io,
                $"Can not create the managed table {name}: its location {TableLayout.FileUri(root)} already exists and is not empty " +
                "(left by a table that is no longer in the catalog?); delete the folder or write with an explicit location");
        }

        var staging = Path.Combine(root, ".sheriff-staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(staging);
            var select = "SELECT " + string.Join(", ", plan.Targets.Select(t => $"CAST(c{t.Source} AS {t.Column.DuckdbType}) AS {SqlText.Ident(t.Column.Name)}")) +
                         $" FROM temp.main.{QueryView} AS q({PositionalNames(columns.Count)})";
            var copy = plan.PartitionColumns.Count > 0
                ? $"COPY ({select}) TO {SqlText.Literal(staging)} (FORMAT parquet, PARTITION_BY ({string.Join(", ", plan.PartitionColumns.Select(SqlText.Ident))}), " +
                  "FILENAME_PATTERN 'part-{uuid}')"
                : $"COPY ({select}) TO {SqlText.Literal(Path.Combine(staging, "part-" + Guid.NewGuid().ToString("D") + ".parquet"))} (FORMAT parquet)";
            long rows;
            try
            {
                using var cmd = _con.CreateCommand();
                cmd.CommandText = copy;
                rows = cmd.ExecuteNonQuery(); // COPY's row count
            }
            catch (DuckDBException e)
            {
                throw Failure(e, null, null, 0);
            }

            var (created, partitions) = _catalog.Update(data => Commit(data, output, name, columns, plan, root, location != null, staging));
            var written = new JsonObject
            {
                ["table"] = name.ToString(),
                ["rows"] = rows,
                ["partitions"] = new JsonArray(partitions.Select(p => (JsonNode?)p).ToArray()),
                ["location"] = TableLayout.FileUri(root),
                ["mode"] = output.Mode,
                ["created"] = created,
            };
            _progress.WriteLine($"sheriff-sql: {(created ? "created table" : output.Mode)} {name} at {TableLayout.FileUri(root)}: {rows} row(s)" +
                                (partitions.Count > 0 ? $" in {partitions.Count} partition(s): {string.Join(", ", partitions.Take(10))}" + (partitions.Count > 10 ? ", ..." : "") : ""));
            result.Columns(plan.Targets.Select(t => (t.Column.Name, DuckTypes.Parse(t.Column.DuckdbType))));
            result.Finish(rows, rows > 0, written, null); // no rows returned: rowCount > 0 rows is "truncated" (the contract's rule)
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    private sealed record WriteTarget(CatalogColumn Column, int Source);

    private sealed record WritePlan(List<WriteTarget> Targets, List<string> PartitionColumns, bool Create);

    /// <summary>
    /// Checks the result against the table (mode, partitioning, schema) and decides the columns written: for a new table
    /// the result's data columns then its partition columns; for an existing one the table's columns, by name.
    /// </summary>
    private static WritePlan Plan(OutputSpec output, TableName name, List<SqlColumn> columns, CatalogTable? existing)
    {
        int IndexOf(string column) => columns.FindIndex(c => c.Name.Equals(column, StringComparison.OrdinalIgnoreCase));

        if (existing is null)
        {
            var partitionIndexes = output.PartitionBy.Select(IndexOf).ToList();
            var order = Enumerable.Range(0, columns.Count).Where(i => !partitionIndexes.Contains(i)).Concat(partitionIndexes);
            var targets = order.Select(i => new WriteTarget(
                new CatalogColumn { Name = columns[i].Name, Type = columns[i].Type.Spark, DuckdbType = columns[i].Type.Duck }, i)).ToList();
            return new WritePlan(targets, partitionIndexes.Select(i => columns[i].Name).ToList(), Create: true);
        }

        if (output.Mode == "errorifexists")
        {
            throw new SqlFailure(ErrorKinds.Mode,
                $"Table {name} already exists. Set mode as \"overwrite\" or \"append\" to write into it (mode was errorifexists).");
        }

        var sameParts = existing.PartitionColumns.Count == output.PartitionBy.Count &&
                        existing.PartitionColumns.Zip(output.PartitionBy).All(p => p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase));
        if (!sameParts)
        {
            throw new SqlFailure(ErrorKinds.Partition,
                $"Requested partitioning does not match the table {name}: requested partition columns [{string.Join(", ", output.PartitionBy)}], " +
                $"table partition columns [{string.Join(", ", existing.PartitionColumns)}]");
        }

        var problems = new List<string>();
        var result = new List<WriteTarget>();
        foreach (var column in existing.Columns)
        {
            var i = IndexOf(column.Name);
            if (i < 0)
            {
                problems.Add($"the result has no column `{column.Name}`");
                continue;
            }

            var tableType = DuckTypes.Parse(column.DuckdbType);
            if (!DuckTypes.CanWrite(columns[i].Type, tableType))
            {
                problems.Add($"column `{column.Name}` is {columns[i].Type.Spark} in the result and {tableType.Spark} in the table");
            }

            result.Add(new WriteTarget(column, i));
        }

        foreach (var extra in columns.Where(c => !existing.Columns.Any(t => t.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"the result's column `{extra.Name}` is not in the table");
        }

        if (problems.Count > 0)
        {
            throw new SqlFailure(ErrorKinds.Schema,
                $"Cannot write to table {name}: {string.Join("; ", problems)}. Table columns: " +
                string.Join(", ", existing.Columns.Select(c => $"{c.Name} {c.Type}")) + ". Result columns: " +
                string.Join(", ", columns.Select(c => $"{c.Name} {c.Type.Spark}")) + ".");
        }

        return new WritePlan(result, existing.PartitionColumns.ToList(), Create: false);
    }

    /// <summary>Under the catalog lock: re-checks the table, moves the staged files into place, records the table.</summary>
    private static (bool Save, (bool Created, List<string> Partitions) Result) Commit(CatalogData data, OutputSpec output, TableName name,
        List<SqlColumn> columns, WritePlan plan, string root, bool external, string staging)
    {
        var current = data.Tables.GetValueOrDefault(name.Key);
        // Another job may have created or changed the table since the files were staged: they must still fit it.
        var recheck = Plan(output, name, columns, current);
        static string Shape(WritePlan p) =>
            string.Join(",", p.Targets.Select(t => $"{t.Column.Name.ToLowerInvariant()} {t.Column.DuckdbType} {t.Source}")) + "|" +
            string.Join(",", p.PartitionColumns.Select(c => c.ToLowerInvariant()));
        if (Shape(recheck) != Shape(plan) || (current != null && current.Location != root))
        {
            throw new SqlFailure(ErrorKinds.Schema, $"table {name} was created or changed by another job while this one wrote; run the query again");
        }

        var partitions = plan.PartitionColumns.Count > 0
            ? TableLayout.PartitionDirs(staging, plan.PartitionColumns).Select(p => p.Rel).ToList()
            : [];
        Swap(root, staging, plan.PartitionColumns.Count > 0, partitions, output.Mode == "overwrite");

        var now = Now();
        var table = current ?? new CatalogTable
        {
            Database = name.Database,
            Name = name.Name,
            Location = root,
            Format = "parquet",
            Columns = plan.Targets.Select(t => t.Column).ToList(),
            PartitionColumns = plan.PartitionColumns,
            External = external,
            CreatedAt = now,
        };
        table.UpdatedAt = now;
        table.Statistics = null; // stale now (Spark drops them on write unless spark.sql.statistics.size.autoUpdate.enabled)
        foreach (var rel in partitions)
        {
            var known = table.Partitions.FirstOrDefault(p => p.Path == rel);
            if (known is null)
            {
                table.Partitions.Add(new CatalogPartition { Path = rel, Spec = TableLayout.ParseSpec(rel) });
            }
            else
            {
                known.Statistics = null;
            }
        }

        table.Partitions.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        data.Tables[name.Key] = table;
        return (true, (current is null, partitions));
    }

    /// <summary>
    /// Moves staged files into the table. Overwrite of a partitioned table replaces the staged partitions' folders
    /// (each old folder is first renamed into a trash folder, then the new one renamed in: a failure puts the old ones
    /// back); overwrite of an unpartitioned table replaces all its files; append adds files.
    /// </summary>
    private static void Swap(string root, string staging, bool partitioned, List<string> partitions, bool overwrite)
    {
        var trash = Path.Combine(root, ".sheriff-trash-" + Guid.NewGuid().ToString("N"));
        var undo = new Stack<Action>();
        try
        {
            if (partitioned)
            {
                foreach (var rel in partitions)
                {
                    var source = Path.Combine(staging, rel);
                    var target = Path.Combine(root, rel);
                    if (overwrite)
                    {
                        if (Directory.Exists(target))
                        {
                            var old = Path.Combine(trash, rel);
                            Directory.CreateDirectory(Path.GetDirectoryName(old)!);
                            Directory.Move(target, old);
                            undo.Push(() => Directory.Move(old, target));
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        Directory.Move(source, target);
                        undo.Push(() => Directory.Move(target, source));
                    }
                    else
                    {
                        MoveFiles(source, target, undo);
                    }
                }
            }
            else
            {
                if (overwrite)
                {
                    Directory.CreateDirectory(trash);
                    foreach (var file in new DirectoryInfo(root).EnumerateFiles().Where(f => !TableLayout.IsHidden(f.Name)).ToList())
                    {
                        var old = Path.Combine(trash, file.Name);
                        var target = file.FullName;
                        File.Move(target, old);
                        undo.Push(() => File.Move(old, target));
                    }
                }

                MoveFiles(staging, root, undo);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            while (undo.Count > 0)
            {
                try
                {
                    undo.Pop()();
                }
                catch (Exception undoError) when (undoError is IOException or UnauthorizedAccessException)
                {
                    // keep undoing what can be undone
                }
            }

            throw new SqlFailure(ErrorKinds.Io, $"cannot move the new files into {root}: {e.Message} (the table was left as it was)", inner: e);
        }
        finally
        {
            TryDeleteDirectory(trash);
        }
    }

    private static void MoveFiles(string fromDir, string toDir, Stack<Action> undo)
    {
        Directory.CreateDirectory(toDir);
        foreach (var file in Directory.EnumerateFiles(fromDir).ToList())
        {
            var target = Path.Combine(toDir, Path.GetFileName(file));
            File.Move(file, target);
            undo.Push(() => File.Move(target, file));
        }
    }

    private static string? ResolveLocation(string? location)
    {
        if (location is null)
        {
            return null;
        }

        var scheme = location.IndexOf("://", StringComparison.Ordinal) is var i and > 0 ? location[..i].ToLowerInvariant() : null;
        if (scheme is "s3" or "s3a" or "s3n")
        {
            throw new SqlFailure(ErrorKinds.Unsupported,
                $"the local DuckDB engine writes tables to file locations only (file:///... or the warehouse default), not {location}: " +
                "S3 locations need a Spark cluster");
        }

        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && System.Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            return Path.GetFullPath(uri.LocalPath);
        }

        if (scheme is null && Path.IsPathRooted(location))
        {
            return Path.GetFullPath(location);
        }

        throw new SqlFailure(ErrorKinds.Unsupported,
            $"the local DuckDB engine writes tables to file locations only (file:///absolute/path or the warehouse default), not {location}");
    }

    // ------------------------------------------------------------------ analyze / stats

    private void Analyze(SqlRequest request, ResultWriter result)
    {
        var name = request.Table!.Value;
        var table = _catalog.Read().Tables.GetValueOrDefault(name.Key) ?? throw NotFound(name);
        var selected = SelectPartitions(table, request.Partition);
        var files = TableLayout.Files(table);
        var rowsByFile = RowCounts(files);
        var now = Now();

        TableStatistics Measure(IEnumerable<DataFile> subset)
        {
            var list = subset.ToList();
            return new TableStatistics
            {
                SizeInBytes = list.Sum(f => f.Size),
                RowCount = list.Sum(f => rowsByFile.GetValueOrDefault(f.FullPath)),
                CollectedAt = now,
            };
        }

        var tableStats = request.Partition is null ? Measure(files) : null;
        var partitionStats = new Dictionary<string, TableStatistics>(StringComparer.Ordinal);
        if (table.PartitionColumns.Count > 0)
        {
            var onDisk = TableLayout.PartitionDirs(table.Location, table.PartitionColumns).Select(p => p.Rel)
                .Union(table.Partitions.Select(p => p.Path), StringComparer.Ordinal);
            foreach (var rel in onDisk.Where(r => selected is null || selected.Contains(r)))
            {
                partitionStats[rel] = Measure(files.Where(f => f.PartitionPath == rel));
            }
        }

        List<ColumnStatistics>? columnStats = null;
        var columnNames = request.AllColumns ? table.Columns.Select(c => c.Name).ToList() : request.Columns?.ToList();
        if (columnNames is { Count: > 0 })
        {
            if (request.Partition is not null)
            {
                _progress.WriteLine("sheriff-sql: partition specification is ignored when collecting column statistics (as Spark does)");
            }

            columnStats = ColumnStats(table, columnNames, skipUnsupported: request.AllColumns);
        }

        _catalog.Update(data =>
        {
            var current = data.Tables.GetValueOrDefault(name.Key) ?? throw NotFound(name);
            if (tableStats is not null)
            {
                tableStats.Columns = columnStats ?? current.Statistics?.Columns;
                current.Statistics = tableStats;
            }
            else if (columnStats is not null)
            {
                current.Statistics ??= new TableStatistics();
                current.Statistics.Columns = columnStats;
            }

            foreach (var (rel, stats) in partitionStats)
            {
                var partition = current.Partitions.FirstOrDefault(p => p.Path == rel);
                if (partition is null)
                {
                    partition = new CatalogPartition { Path = rel, Spec = TableLayout.ParseSpec(rel) };
                    current.Partitions.Add(partition);
                }

                partition.Statistics = stats;
            }

            current.Partitions.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return (true, 0);
        });

        _progress.WriteLine($"sheriff-sql: analyzed {name}" + (tableStats is null ? "" : $": {tableStats.RowCount} row(s), {tableStats.SizeInBytes} bytes") +
                            (partitionStats.Count > 0 ? $"; {partitionStats.Count} partition(s)" : "") +
                            (columnStats is null ? "" : $"; column statistics for {string.Join(", ", columnStats.Select(c => c.Name))}"));
        result.Columns([]);
        result.Finish(0, false, null, Statistics(_catalog.Read(), name, request.Partition));
    }

    private List<ColumnStatistics> ColumnStats(CatalogTable table, List<string> names, bool skipUnsupported)
    {
        var chosen = new List<(CatalogColumn Column, SqlType Type)>();
        foreach (var requested in names)
        {
            var column = table.Columns.FirstOrDefault(c => c.Name.Equals(requested, StringComparison.OrdinalIgnoreCase))
                         ?? throw new SqlFailure(ErrorKinds.Analysis,
                             $"Column {requested} does not exist in table {table.TableName} (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
            var type = DuckTypes.Parse(column.DuckdbType);
            if (type.IsComplex)
            {
                if (skipUnsupported)
                {
                    _progress.WriteLine($"sheriff-sql: no statistics for column {column.Name} of type {type.Spark}");
                    continue;
                }

                throw new SqlFailure(ErrorKinds.Analysis,
                    $"Column {column.Name} in table {table.TableName} is of type {type.Spark}, and statistics collection is not supported on this column type");
            }

            if (!chosen.Any(c => c.Column.Name == column.Name))
            {
                chosen.Add((column, type));
            }
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var exprs = new List<string>();
        foreach (var (column, type) in chosen)
        {
            var c = SqlText.Ident(column.Name);
            exprs.Add($"count(DISTINCT {c})");
            exprs.Add($"count(*) - count({c})");
            var minMax = type.IsNumeric || type.Spark is "date" or "timestamp" or "boolean";
            exprs.Add(minMax ? DuckTypes.JsonExpr(type, $"min({c})") : "'null'");
            exprs.Add(minMax ? DuckTypes.JsonExpr(type, $"max({c})") : "'null'");
        }

        using var cmd = _con.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", exprs)} FROM {table.TableName.Sql}";
        try
        {
            using var reader = cmd.ExecuteReader();
            reader.Read();
            return chosen.Select((c, i) => new ColumnStatistics
            {
                Name = c.Column.Name,
                DistinctCount = Convert.ToInt64(reader.GetValue(4 * i), CultureInfo.InvariantCulture),
                NullCount = Convert.ToInt64(reader.GetValue(4 * i + 1), CultureInfo.InvariantCulture),
                Min = JsonNode.Parse(reader.GetString(4 * i + 2)),
                Max = JsonNode.Parse(reader.GetString(4 * i + 3)),
            }).ToList();
        }
        catch (DuckDBException e)
        {
            throw Failure(e, null, null, 0);
        }
    }

    /// <summary>Row counts of the Parquet files, from their footers.</summary>
    private Dictionary<string, long> RowCounts(List<DataFile> files)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        var parquet = files.Where(f => f.FullPath.EndsWith(".parquet", StringComparison.Ordinal)).ToList();
        if (parquet.Count == 0)
        {
            return result;
        }

        using var cmd = _con.CreateCommand();
        cmd.CommandText = "SELECT file_name, num_rows FROM parquet_file_metadata([" +
                          string.Join(", ", parquet.Select(f => SqlText.Literal(f.FullPath))) + "])";
        try
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                result[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }
        }
        catch (DuckDBException e)
        {
            throw Failure(e, null, null, 0);
        }

        return result;
    }

    /// <summary>The partitions (relative paths) a spec selects, or null for no spec; fails when none matches.</summary>
    private static HashSet<string>? SelectPartitions(CatalogTable table, IReadOnlyList<KeyValuePair<string, string?>>? spec)
    {
        if (spec is null)
        {
            return null;
        }

        if (table.PartitionColumns.Count == 0)
        {
            throw new SqlFailure(ErrorKinds.Partition, $"PARTITION specification is given for table {table.TableName}, which is not partitioned");
        }

        var wanted = new List<(string Column, string? Value)>();
        foreach (var (key, value) in spec)
        {
            var column = table.PartitionColumns.FirstOrDefault(p => p.Equals(key, StringComparison.OrdinalIgnoreCase))
                         ?? throw new SqlFailure(ErrorKinds.Partition,
                             $"{key} is not a partition column of table {table.TableName} (partition columns: {string.Join(", ", table.PartitionColumns)})");
            wanted.Add((column, value));
        }

        var all = TableLayout.PartitionDirs(table.Location, table.PartitionColumns).Select(p => p.Rel)
            .Union(table.Partitions.Select(p => p.Path), StringComparer.Ordinal);
        var matching = all.Where(rel =>
        {
            var s = TableLayout.ParseSpec(rel);
            return wanted.All(w => s.TryGetValue(w.Column, out var v) && v == w.Value);
        }).ToHashSet(StringComparer.Ordinal);
        if (matching.Count == 0)
        {
            throw new SqlFailure(ErrorKinds.Partition,
                $"Partition not found in table {table.TableName}: {string.Join(", ", wanted.Select(w => $"{w.Column}={w.Value ?? "null"}"))}");
        }

        return matching;
    }

    /// <summary>The recorded statistics with the real size of the data, as the result's <c>statistics</c>.</summary>
    private static JsonObject Statistics(CatalogData catalog, TableName name, IReadOnlyList<KeyValuePair<string, string?>>? spec)
    {
        var table = catalog.Tables.GetValueOrDefault(name.Key) ?? throw NotFound(name);
        var selected = SelectPartitions(table, spec);
        var files = TableLayout.Files(table);
        var partitions = new JsonArray();
        if (table.PartitionColumns.Count > 0)
        {
            var known = table.Partitions.ToDictionary(p => p.Path, StringComparer.Ordinal);
            var all = TableLayout.PartitionDirs(table.Location, table.PartitionColumns).Select(p => p.Rel)
                .Union(known.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var rel in all.Where(r => selected is null || selected.Contains(r)))
            {
                var stats = known.GetValueOrDefault(rel)?.Statistics;
                var specObject = new JsonObject();
                foreach (var (k, v) in TableLayout.ParseSpec(rel))
                {
                    specObject[k] = v;
                }

                partitions.Add(new JsonObject
                {
                    ["spec"] = specObject,
                    ["sizeInBytes"] = stats?.SizeInBytes,
                    ["rowCount"] = stats?.RowCount,
                    ["collectedAt"] = stats?.CollectedAt,
                    ["actualSizeInBytes"] = files.Where(f => f.PartitionPath == rel).Sum(f => f.Size),
                });
            }
        }

        var columns = new JsonArray();
        foreach (var c in table.Statistics?.Columns ?? [])
        {
            columns.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["distinctCount"] = c.DistinctCount,
                ["nullCount"] = c.NullCount,
                ["min"] = c.Min?.DeepClone(),
                ["max"] = c.Max?.DeepClone(),
            });
        }

        var actual = selected is null ? files.Sum(f => f.Size) : files.Where(f => selected.Contains(f.PartitionPath)).Sum(f => f.Size);
        return new JsonObject
        {
            ["table"] = name.ToString(),
            ["location"] = TableLayout.FileUri(table.Location),
            ["partitionColumns"] = new JsonArray(table.PartitionColumns.Select(p => (JsonNode?)p).ToArray()),
            ["sizeInBytes"] = table.Statistics?.SizeInBytes,
            ["rowCount"] = table.Statistics?.RowCount,
            ["collectedAt"] = table.Statistics?.CollectedAt,
            ["actualSizeInBytes"] = actual,
            ["partitions"] = partitions,
            ["columns"] = columns,
        };
    }

    private static SqlFailure NotFound(TableName name) =>
        new(ErrorKinds.Analysis, $"Table or view not found: {name} (the warehouse catalog has no such table)");

    // ------------------------------------------------------------------ DuckDB plumbing

    private void Execute(string sql)
    {
        using var cmd = _con.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var cmd = _con.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>DuckDB's error type and message (errors_as_json is on) and, when given, its position.</summary>
    internal static (string Type, string Message, int? Position) Describe(DuckDBException e)
    {
        var raw = e.Message;
        var brace = raw.IndexOf('{', StringComparison.Ordinal);
        if (brace >= 0)
        {
            try
            {
                if (JsonNode.Parse(raw[brace..]) is JsonObject o && o["exception_type"]?.GetValue<string>() is { } type)
                {
                    var message = o["exception_message"]?.GetValue<string>() ?? "";
                    int? position = o["position"]?.GetValue<string>() is { } p && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : null;
                    return (type, $"{type} Error: {message}", position);
                }
            }
            catch (JsonException)
            {
                // not the JSON form: use the text as it is
            }
        }

        return ("", raw, null);
    }

    /// <summary>
    /// A DuckDB error as a <see cref="SqlFailure"/>: kind from DuckDB's error type, and line/column in the user's query
    /// when DuckDB gives a position inside it (<paramref name="executed"/> is the statement that ran, the query's
    /// rewritten text starting at <paramref name="offset"/>).
    /// </summary>
    internal static SqlFailure Failure(DuckDBException e, SqlText? text, string? executed, int offset)
    {
        var (type, message, position) = Describe(e);
        var kind = type switch
        {
            "Parser" or "Syntax" => ErrorKinds.Syntax,
            "Catalog" or "Binder" or "Conversion" or "Out of Range" or "Invalid Input" or "Mismatch Type" or "Invalid type" or "Decimal"
                or "Divide by Zero" or "Constraint" or "Dependency" or "Expression" or "Parameter Not Resolved" or "Parameter Not Allowed"
                or "Sequence" or "Unknown Type" => ErrorKinds.Analysis,
            "IO" or "HTTP" or "Permission" => ErrorKinds.Io,
            "Not implemented" or "Missing Extension" or "AUTOLOAD" => ErrorKinds.Unsupported,
            _ => ErrorKinds.Internal,
        };
        int? line = null;
        int? column = null;
        if (position is int pos && text is not null && executed is not null)
        {
            // The parser reports a position in code points, the binder and later stages a byte offset in UTF-8.
            var index = type == "Parser" ? CodePointsToIndex(executed, pos) : Utf8BytesToIndex(executed, pos);
            var r = index - offset;
            if (r >= 0 && r <= text.Rewritten.Length)
            {
                (line, column) = text.LineColumn(text.ToOriginal(r));
            }
        }

        return new SqlFailure(kind, message, line, column, e);
    }

    private static int CodePointsToIndex(string s, int codePoints)
    {
        var i = 0;
        for (var n = 0; n < codePoints && i < s.Length; n++)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
        }

        return i;
    }

    private static int Utf8BytesToIndex(string s, int bytes)
    {
        var i = 0;
        var b = 0;
        while (i < s.Length && b < bytes)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length)
            {
                b += 4;
                i += 2;
            }
            else
            {
                b += Encoding.UTF8.GetByteCount(s.AsSpan(i, 1));
                i++;
            }
        }

        return i;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: hidden folders are not data
        }
    }

    public void Dispose() => _con.Dispose();
}
