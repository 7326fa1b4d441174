using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// <c>sheriff-genie-local sql-engine [--warehouse DIR] &lt;spark-submit argv&gt;</c>: reads the request named in the argv,
/// runs it on DuckDB, writes the result file in the working directory (the job directory). Progress lines go to
/// stdout, the engine's error message to stderr. Exit code 0 when the request succeeded, 1 when it failed (after the
/// failed result file is written), 2 for unusable arguments.
/// </summary>
internal static class SqlEngineMain
{
    public static string DefaultWarehouse => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sheriff", "genielocal", "warehouse");

    public static int Run(IReadOnlyList<string> args)
    {
        var stdout = Console.Out;
        var engineName = "duckdb";
        SqlArgs parsed;
        try
        {
            parsed = SqlArgs.Parse(args);
        }
        catch (ArgumentException e)
        {
            var failure = new SqlFailure(ErrorKinds.Internal, "sheriff-genie-local sql-engine: " + e.Message);
            Fail(SqlRequest.DefaultResultFile, engineName, failure);
            return 2;
        }

        var resultFile = SqlRequest.DefaultResultFile;
        var tempDir = Path.Combine(Environment.CurrentDirectory, ".sheriff-sql-tmp");
        try
        {
            var request = ReadRequest(parsed.RequestFile, out resultFile);
            var warehouse = Path.GetFullPath(parsed.Warehouse ?? DefaultWarehouse);
            using var engine = OpenEngine(warehouse, tempDir, stdout);
            engineName = engine.EngineName;
            stdout.WriteLine($"sheriff-sql: {engineName}, warehouse {warehouse}, request {parsed.RequestFile}: action {request.Action}" +
                             (request.Output is { } o ? $", output {o.Table} ({o.Mode})" : "") +
                             (request.Action == "query" && request.Output is null ? $", maxRows {request.MaxRows}" : "") +
                             (request.Table is { } t ? $", table {t}" : ""));
            stdout.Flush();
            using (var writer = new ResultWriter(resultFile, engineName))
            {
                engine.Run(request, writer);
            }

            stdout.WriteLine($"sheriff-sql: succeeded; result in {resultFile}");
            stdout.Flush();
            return 0;
        }
        catch (SqlFailure failure)
        {
            Fail(resultFile, engineName, failure);
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(resultFile, engineName, new SqlFailure(ErrorKinds.Internal, $"{e.GetType().Name}: {e.Message}", inner: e));
            return 1;
        }
        finally
        {
            try
            {
                if (Directory.Exists(tempDir))
                {
                    Directory.Delete(tempDir, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // spill files only
            }
        }
    }

    private static SqlRequest ReadRequest(string file, out string resultFile)
    {
        resultFile = SqlRequest.DefaultResultFile;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SqlFailure(ErrorKinds.Io, $"cannot read the request file {Path.GetFullPath(file)}: {e.Message}", inner: e);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SqlFailure(ErrorKinds.Internal, $"the request file {file} is not valid JSON: {e.Message}", inner: e);
        }

        resultFile = SqlRequest.ResultFileOf(root);
        return SqlRequest.Parse(root);
    }

    private static SqlEngine OpenEngine(string warehouse, string tempDir, TextWriter progress)
    {
        try
        {
            return new SqlEngine(warehouse, tempDir, progress);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new SqlFailure(ErrorKinds.Internal,
                $"cannot load the DuckDB native library (libduckdb) next to {AppContext.BaseDirectory}: {e.GetBaseException().Message}", inner: e);
        }
    }

    /// <summary>Writes the failed result, then the message to stderr (and the kind/position to stdout).</summary>
    private static void Fail(string resultFile, string engineName, SqlFailure failure)
    {
        try
        {
            ResultWriter.WriteFailed(resultFile, engineName, failure);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"sheriff-sql: cannot write {resultFile}: {e.Message}");
        }

        var where = failure.Line is int line ? $" at line {line}, column {failure.Column}" : "";
        Console.Out.WriteLine($"sheriff-sql: failed ({failure.Kind} error{where}); result in {resultFile}");
        Console.Out.Flush();
        Console.Error.WriteLine(failure.Message);
        Console.Error.Flush();
    }
}
