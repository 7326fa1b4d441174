namespace Sheriff.GenieLocal.Sql;

/// <summary>The <c>error.kind</c> values of sheriff-sql-result/1.</summary>
internal static class ErrorKinds
{
    public const string Syntax = "syntax";
    public const string Analysis = "analysis";
    public const string Mode = "mode";
    public const string Partition = "partition";
    public const string Schema = "schema";
    public const string Io = "io";
    public const string Unsupported = "unsupported";
    public const string Internal = "internal";
}

/// <summary>A failed SQL request: the kind, the engine's message and, when known, the 1-based position in the query.</summary>
internal sealed class SqlFailure : Exception
{
    public SqlFailure(string kind, string message, int? line = null, int? column = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public string Kind { get; }

    public int? Line { get; }

    public int? Column { get; }
}
