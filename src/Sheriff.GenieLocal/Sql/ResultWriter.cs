using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// Writes <c>sheriff-sql-result/1</c>. A succeeded result streams into <c>&lt;file&gt;.tmp</c> (rows one at a time,
/// flushed every 64 KiB) and is renamed over the result file at the end, so readers never see half a file and a
/// failure half-way leaves no "succeeded" file behind; a failed result is written whole.
/// </summary>
internal sealed class ResultWriter : IDisposable
{
    public const string FormatName = "sheriff-sql-result/1";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly string _path;
    private readonly string _tmp;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _w;
    private bool _done;

    public ResultWriter(string path, string engine)
    {
        _path = Path.GetFullPath(path);
        _tmp = _path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = new FileStream(_tmp, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _w = new Utf8JsonWriter(_stream, WriterOptions);
        _w.WriteStartObject();
        _w.WriteString("format", FormatName);
        _w.WriteString("engine", engine);
        _w.WriteString("status", "succeeded");
    }

    public void Columns(IEnumerable<(string Name, SqlType Type)> columns)
    {
        _w.WriteStartArray("columns");
        foreach (var (name, type) in columns)
        {
            _w.WriteStartObject();
            _w.WriteString("name", name);
            _w.WriteString("type", type.Spark);
            _w.WriteEndObject();
        }

        _w.WriteEndArray();
        _w.WriteStartArray("rows");
    }

    /// <summary>One row: each value is a JSON text (validated).</summary>
    public void Row(IReadOnlyList<string> jsonValues)
    {
        _w.WriteStartArray();
        foreach (var v in jsonValues)
        {
            _w.WriteRawValue(v);
        }

        _w.WriteEndArray();
        if (_w.BytesPending > 1 << 16)
        {
            _w.Flush();
        }
    }

    /// <summary>Ends the rows and writes the rest; then moves the file into place.</summary>
    public void Finish(long rowCount, bool truncated, JsonNode? written, JsonNode? statistics)
    {
        _w.WriteEndArray();
        _w.WriteNumber("rowCount", rowCount);
        _w.WriteBoolean("truncated", truncated);
        _w.WritePropertyName("written");
        WriteNode(written);
        _w.WritePropertyName("statistics");
        WriteNode(statistics);
        _w.WriteEndObject();
        _w.Flush();
        _stream.Flush(flushToDisk: false);
        _w.Dispose();
        _stream.Dispose();
        File.Move(_tmp, _path, overwrite: true);
        _done = true;
    }

    private void WriteNode(JsonNode? node)
    {
        if (node is null)
        {
            _w.WriteNullValue();
        }
        else
        {
            node.WriteTo(_w);
        }
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            _w.Dispose();
        }
        catch (InvalidOperationException)
        {
            // an unfinished document; the file goes anyway
        }

        _stream.Dispose();
        WarehouseCatalog.TryDelete(_tmp);
    }

    /// <summary>Writes a failed result (replacing any file of that name).</summary>
    public static void WriteFailed(string path, string engine, SqlFailure failure)
    {
        var error = new JsonObject
        {
            ["kind"] = failure.Kind,
            ["message"] = failure.Message,
            ["line"] = failure.Line,
            ["column"] = failure.Column,
        };
        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["engine"] = engine,
            ["status"] = "failed",
            ["error"] = error,
            ["columns"] = new JsonArray(),
            ["rows"] = new JsonArray(),
            ["rowCount"] = 0,
            ["truncated"] = false,
            ["written"] = null,
            ["statistics"] = null,
        };
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.Read))
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            root.WriteTo(w);
        }

        File.Move(tmp, full, overwrite: true);
    }
}
