using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sheriff.GenieLocal.Sql;

/// <summary>A <c>sheriff-sql/1</c> request (sql-format.md), validated.</summary>
internal sealed class SqlRequest
{
    public const string FormatName = "sheriff-sql/1";
    public const string DefaultResultFile = "sheriff-sql-result.json";

    public string Action { get; private init; } = "query";

    public string? Query { get; private init; }

    public OutputSpec? Output { get; private init; }

    public int MaxRows { get; private init; } = 1000;

    public TableName? Table { get; private init; }

    /// <summary>Partition restriction of analyze/stats (values as strings; null = the null partition).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>>? Partition { get; private init; }

    public IReadOnlyList<string>? Columns { get; private init; }

    public bool AllColumns { get; private init; }

    public string ResultFile { get; private init; } = DefaultResultFile;

    /// <summary>The result file name of a request that may not parse (for the failed result).</summary>
    public static string ResultFileOf(JsonNode? root)
    {
        try
        {
            return root is JsonObject o && o["resultFile"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? CheckResultFile(v.GetValue<string>())
                : DefaultResultFile;
        }
        catch (SqlFailure)
        {
            return DefaultResultFile;
        }
    }

    public static SqlRequest Parse(JsonNode? root)
    {
        if (root is not JsonObject o)
        {
            throw Bad("the request must be a JSON object");
        }

        var format = Str(o, "format");
        if (format != FormatName)
        {
            throw new SqlFailure(ErrorKinds.Unsupported, $"unsupported request format '{format}' (this engine reads {FormatName})");
        }

        var action = (Str(o, "action") ?? "query").ToLowerInvariant();
        var resultFile = Str(o, "resultFile") is { } rf ? CheckResultFile(rf) : DefaultResultFile;
        switch (action)
        {
            case "query":
                var query = Str(o, "query");
                if (string.IsNullOrWhiteSpace(query))
                {
                    throw Bad("action query needs a non-empty 'query'");
                }

                var maxRows = 1000L;
                if (o["maxRows"] is JsonNode mr)
                {
                    if (mr is not JsonValue mv || mv.GetValueKind() != JsonValueKind.Number || !mv.TryGetValue(out maxRows) || maxRows < 0)
                    {
                        throw Bad("'maxRows' must be a non-negative integer");
                    }
                }

                return new SqlRequest
                {
                    Action = action,
                    Query = query,
                    Output = o["output"] is JsonObject out1 ? OutputSpec.Parse(out1) : o["output"] is null ? null : throw Bad("'output' must be an object or null"),
                    MaxRows = (int)Math.Min(maxRows, int.MaxValue),
                    ResultFile = resultFile,
                };
            case "analyze":
            case "stats":
                var table = Str(o, "table");
                if (string.IsNullOrWhiteSpace(table))
                {
                    throw Bad($"action {action} needs 'table'");
                }

                List<KeyValuePair<string, string?>>? partition = null;
                if (o["partition"] is JsonObject spec)
                {
                    partition = [];
                    foreach (var (k, v) in spec)
                    {
                        partition.Add(new KeyValuePair<string, string?>(k, v is null ? null : ScalarString(v, "partition value")));
                    }
                }
                else if (o["partition"] is not null)
                {
                    throw Bad("'partition' must be an object or null");
                }

                List<string>? columns = null;
                if (o["columns"] is JsonArray cols)
                {
                    columns = cols.Select(c => c is JsonValue cv && cv.GetValueKind() == JsonValueKind.String
                        ? cv.GetValue<string>()
                        : throw Bad("'columns' must be an array of strings")).ToList();
                }
                else if (o["columns"] is not null)
                {
                    throw Bad("'columns' must be an array of strings or null");
                }

                var all = o["allColumns"] is JsonValue av && av.GetValueKind() == JsonValueKind.True;
                return new SqlRequest
                {
                    Action = action,
                    Table = TableName.Parse(table),
                    Partition = partition is { Count: > 0 } ? partition : null,
                    Columns = columns is { Count: > 0 } ? columns : null,
                    AllColumns = all,
                    ResultFile = resultFile,
                };
            default:
                throw new SqlFailure(ErrorKinds.Unsupported, $"unsupported action '{action}' (query, analyze or stats)");
        }
    }

    internal static string? Str(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Bad($"'{key}' must be a string"),
    };

    private static string ScalarString(JsonNode node, string what)
    {
        if (node is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.String:
                    return v.GetValue<string>();
                case JsonValueKind.Number:
                    return v.ToJsonString();
                case JsonValueKind.True:
                    return "true";
                case JsonValueKind.False:
                    return "false";
            }
        }

        throw Bad($"a {what} must be a string, a number or a boolean");
    }

    private static string CheckResultFile(string name)
    {
        if (name.Length == 0 || Path.IsPathRooted(name) || name.Replace('\\', '/').Split('/').Any(s => s is ".." or ""))
        {
            throw Bad($"'resultFile' must be a file name relative to the job directory, not '{name}'");
        }

        return name;
    }

    internal static SqlFailure Bad(string message) => new(ErrorKinds.Internal, "invalid sheriff-sql request: " + message);
}

/// <summary>The <c>output</c> of a query request.</summary>
internal sealed class OutputSpec
{
    public TableName Table { get; private init; }

    public IReadOnlyList<string> PartitionBy { get; private init; } = [];

    public string Mode { get; private init; } = "errorifexists";

    public string Format { get; private init; } = "parquet";

    public string? Location { get; private init; }

    public static OutputSpec Parse(JsonObject o)
    {
        var table = SqlRequest.Str(o, "table");
        if (string.IsNullOrWhiteSpace(table))
        {
            throw SqlRequest.Bad("'output.table' is required");
        }

        var partitionBy = new List<string>();
        if (o["partitionBy"] is JsonArray pb)
        {
            foreach (var p in pb)
            {
                if (p is not JsonValue pv || pv.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(pv.GetValue<string>()))
                {
                    throw SqlRequest.Bad("'output.partitionBy' must be an array of column names");
                }

                partitionBy.Add(pv.GetValue<string>());
            }
        }
        else if (o["partitionBy"] is not null)
        {
            throw SqlRequest.Bad("'output.partitionBy' must be an array of column names");
        }

        var dup = partitionBy.GroupBy(p => p, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup != null)
        {
            throw new SqlFailure(ErrorKinds.Partition, $"Found duplicate column(s) in the partition schema: `{dup.Key}`");
        }

        var mode = (SqlRequest.Str(o, "mode") ?? "errorifexists").ToLowerInvariant();
        if (mode is not ("overwrite" or "append" or "errorifexists"))
        {
            throw new SqlFailure(ErrorKinds.Mode, $"unknown save mode '{mode}' (overwrite, append or errorifexists)");
        }

        var format = (SqlRequest.Str(o, "format") ?? "parquet").ToLowerInvariant();
        return new OutputSpec
        {
            Table = TableName.Parse(table),
            PartitionBy = partitionBy,
            Mode = mode,
            Format = format,
            Location = SqlRequest.Str(o, "location") is { Length: > 0 } loc ? loc : null,
        };
    }
}

/// <summary>A <c>database.table</c> name, lower-cased like Spark's session catalog; "t" alone is <c>default.t</c>.</summary>
internal readonly partial record struct TableName(string Database, string Name)
{
    public const string DefaultDatabase = "default";

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex Identifier();

    public static TableName Parse(string text)
    {
        var parts = text.Trim().Split('.').Select(p => p.Trim().Trim('`')).ToList();
        if (parts.Count is < 1 or > 2 || parts.Any(p => !Identifier().IsMatch(p)))
        {
            throw new SqlFailure(ErrorKinds.Analysis,
                $"invalid table name '{text}': the local engine takes database.table or table, each made of letters, digits and _");
        }

        return parts.Count == 1
            ? new TableName(DefaultDatabase, parts[0].ToLowerInvariant())
            : new TableName(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant());
    }

    public override string ToString() => Database + "." + Name;

    /// <summary>The DuckDB name of the table's view: "db"."t".</summary>
    public string Sql => SqlText.Ident(Database) + "." + SqlText.Ident(Name);

    public string Key => ToString();
}
