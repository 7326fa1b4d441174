using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Output;

/// <summary>
/// <c>GET /api/v3/jobs/{id}/output[/{path}]</c> (genie-api.md §6): directory listings (JSON or HTML), file bytes with
/// single-range support, read from the job directory on every request so running jobs' files grow live.
/// Paths that would leave the job directory (.., absolute paths, symlinks pointing outside) are never served.
/// </summary>
internal static class OutputEndpoints
{
    private const long DefaultDirectorySize = 4096;
    private static readonly string[] Methods = ["GET", "HEAD"];

    public static void Map(WebApplication app, GenieServer server)
    {
        app.MapMethods("/api/v3/jobs/{id}/output", Methods, ctx => Serve(ctx, server, ""));
        app.MapMethods("/api/v3/jobs/{id}/output/{**path}", Methods, ctx => Serve(ctx, server, Http.RouteString(ctx, "path")));
    }

    private static async Task Serve(HttpContext ctx, GenieServer server, string path)
    {
        var id = Http.RouteString(ctx, "id");
        var job = server.Store.GetJob(id) ?? throw GenieApiException.JobNotFound(id);
        var jobDir = server.JobDir(id);
        if (server.IsG4)
        {
            switch (job.ArchiveStatus)
            {
                case ArchiveStatuses.NoFiles:
                    throw GenieApiException.NotFound($"Job {id} failed before creating any files; it has no output");
                case ArchiveStatuses.Failed:
                    throw GenieApiException.NotFound($"Archival of job {id} failed; its output is not available");
                case ArchiveStatuses.Disabled:
                    throw GenieApiException.Precondition($"Archival is disabled for job {id}; its output is not available");
            }

            if (!job.Claimed && !Statuses.IsFinished(job.Status))
            {
                throw new GenieApiException(500, "Failed to route request", legacyFamily: false);
            }

            if (!Directory.Exists(jobDir))
            {
                throw GenieApiException.NotFound($"Job {id} manifest is not yet available");
            }
        }
        else if (!Directory.Exists(jobDir))
        {
            throw GenieApiException.NotFound($"Job {id} has no output directory (yet)");
        }

        var relative = SafeRelative(path);
        var full = relative.Length == 0 ? jobDir : Path.GetFullPath(Path.Combine(jobDir, relative));
        if (!IsInside(jobDir, full) || !LinksStayInside(jobDir, relative))
        {
            throw GenieApiException.NotFound($"No such file or directory: {path}");
        }

        if (Directory.Exists(full))
        {
            await ListAsync(ctx, server, job, jobDir, relative).ConfigureAwait(false);
        }
        else if (File.Exists(full) && !path.EndsWith('/'))
        {
            await FileAsync(ctx, server, full).ConfigureAwait(false);
        }
        else
        {
            throw GenieApiException.NotFound($"No such file or directory: {path}");
        }
    }

    /// <summary>Normalises the requested path; a '..' segment, an absolute path or a NUL is a 400.</summary>
    private static string SafeRelative(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) || path.StartsWith('/') || Path.IsPathRooted(path))
        {
            throw GenieApiException.BadRequest($"Invalid output path '{path}'");
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s == ".."))
        {
            throw GenieApiException.BadRequest($"Invalid output path '{path}': it must stay inside the job directory");
        }

        return string.Join('/', segments.Where(s => s != "."));
    }

    private static bool IsInside(string root, string full)
    {
        var r = Path.TrimEndingDirectorySeparator(root);
        return full == r || full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>True unless a symlink on the way points outside the job directory.</summary>
    private static bool LinksStayInside(string jobDir, string relative)
    {
        var current = jobDir;
        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            if (!TargetInside(jobDir, current))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TargetInside(string jobDir, string entry)
    {
        FileSystemInfo info = Directory.Exists(entry) ? new DirectoryInfo(entry) : new FileInfo(entry);
        if (info.LinkTarget == null)
        {
            return true;
        }

        try
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target != null && IsInside(jobDir, Path.GetFullPath(target.FullName));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string OutputUrl(HttpContext ctx, string jobId, string relative) =>
        JobJson.JobUrl(ctx, jobId) + "/output/" + string.Join('/', relative.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Http.Enc));

    private static string LastModified(FileSystemInfo info, GenieGeneration gen) =>
        TimeFormat.Timestamp(new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds(), gen);

    private static async Task ListAsync(HttpContext ctx, GenieServer server, JobRecord job, string jobDir, string relative)
    {
        var g4 = server.IsG4;
        var gen = server.Generation;
        var dir = relative.Length == 0 ? jobDir : Path.Combine(jobDir, relative);
        var dirs = new List<(string Name, string Url, long Size, string Modified)>();
        var files = new List<(string Name, string Url, long Size, string Modified)>();
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (!TargetInside(jobDir, entry.FullName))
            {
                continue;
            }

            var rel = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (Directory.Exists(entry.FullName))
            {
                var url = OutputUrl(ctx, job.Id, rel) + (g4 ? "" : "/");
                dirs.Add((entry.Name + "/", url, g4 ? DirectorySize(entry.FullName) : 0, LastModified(entry, gen)));
            }
            else if (File.Exists(entry.FullName))
            {
                var fi = new FileInfo(entry.FullName);
                if (fi.LinkTarget != null)
                {
                    fi = (FileInfo?)fi.ResolveLinkTarget(returnFinalTarget: true) ?? fi;
                }

                files.Add((entry.Name, OutputUrl(ctx, job.Id, rel), fi.Exists ? fi.Length : 0, LastModified(fi, gen)));
            }
        }

        dirs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        JsonObject? parent = null;
        if (relative.Length > 0)
        {
            var slash = relative.LastIndexOf('/');
            var parentRel = slash < 0 ? "" : relative[..slash];
            var parentInfo = new DirectoryInfo(parentRel.Length == 0 ? jobDir : Path.Combine(jobDir, parentRel));
            if (g4)
            {
                var parentName = parentRel.Length == 0 ? job.Id : parentRel[(parentRel.LastIndexOf('/') + 1)..];
                parent = Entry(parentName + "/", parentRel.Length == 0 ? JobJson.JobUrl(ctx, job.Id) + "/output/" : OutputUrl(ctx, job.Id, parentRel), DirectorySize(parentInfo.FullName), LastModified(parentInfo, gen));
            }
            else
            {
                parent = Entry("../", OutputUrl(ctx, job.Id, parentRel).TrimEnd('/'), 0, LastModified(parentInfo, gen));
            }
        }

        var accept = ctx.Request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            await HtmlAsync(ctx, job.Id, relative, parent, dirs, files).ConfigureAwait(false);
            return;
        }

        var body = new JsonObject
        {
            ["parent"] = parent,
            ["directories"] = new JsonArray(dirs.Select(d => (JsonNode?)Entry(d.Name, d.Url, d.Size, d.Modified)).ToArray()),
            ["files"] = new JsonArray(files.Select(f => (JsonNode?)Entry(f.Name, f.Url, f.Size, f.Modified)).ToArray()),
        };
        await Http.WriteJsonAsync(ctx, 200, body).ConfigureAwait(false);
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    /// <summary>
    /// The file-system size of a directory entry (st_size, e.g. 4096 on ext4), as Genie 4's manifest reports it.
    /// Read with libc stat on 64-bit Linux (st_size is at offset 48 on x86-64 and arm64); 4096 elsewhere.
    /// </summary>
    private static long DirectorySize(string path)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return DefaultDirectorySize;
        }

        try
        {
            var buffer = new byte[256];
            return Stat(path, buffer) == 0 ? BitConverter.ToInt64(buffer, 48) : DefaultDirectorySize;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return DefaultDirectorySize;
        }
    }

    private static JsonObject Entry(string name, string url, long size, string modified) => new()
    {
        ["name"] = name,
        ["url"] = url,
        ["size"] = size,
        ["lastModified"] = modified,
    };

    private static async Task HtmlAsync(
        HttpContext ctx,
        string jobId,
        string relative,
        JsonObject? parent,
        List<(string Name, string Url, long Size, string Modified)> dirs,
        List<(string Name, string Url, long Size, string Modified)> files)
    {
        var title = WebUtility.HtmlEncode($"Index of /api/v3/jobs/{jobId}/output/{relative}");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>").Append(title).Append("</title>");
        sb.Append("<style>body{font-family:Tahoma,Arial,sans-serif}td,th{padding:2px 12px;text-align:left}</style></head><body>\n");
        sb.Append("<h1>").Append(title).Append("</h1><hr>\n<table>\n<tr><th>Name</th><th>Size</th><th>Last Modified</th></tr>\n");
        void Row(string name, string url, long size, string modified) =>
            sb.Append("<tr><td><a href=\"").Append(WebUtility.HtmlEncode(url)).Append("\">").Append(WebUtility.HtmlEncode(name))
              .Append("</a></td><td>").Append(size.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
              .Append(WebUtility.HtmlEncode(modified)).Append("</td></tr>\n");
        if (parent != null)
        {
            Row("../", parent["url"]!.GetValue<string>(), parent["size"]!.GetValue<long>(), parent["lastModified"]!.GetValue<string>());
        }

        foreach (var d in dirs)
        {
            Row(d.Name, d.Url, d.Size, d.Modified);
        }

        foreach (var f in files)
        {
            Row(f.Name, f.Url, f.Size, f.Modified);
        }

        sb.Append("</table><hr><h3>sheriff-genie-local</h3></body></html>\n");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/html;charset=UTF-8";
        ctx.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method))
        {
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Files

    private static async Task FileAsync(HttpContext ctx, GenieServer server, string full)
    {
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        var length = stream.Length;
        var info = new FileInfo(full);
        var response = ctx.Response;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.LastModified = info.LastWriteTimeUtc.ToString("R", CultureInfo.InvariantCulture);
        response.ContentType = await ContentTypeAsync(full, stream).ConfigureAwait(false);

        long start = 0;
        var count = length;
        var range = ParseRange(ctx.Request.Headers.Range.ToString(), length);
        if (range is { Satisfiable: false })
        {
            response.StatusCode = 416;
            response.ContentLength = 0;
            response.Headers.ContentRange = server.IsG4 ? "bytes */0" : $"bytes */{length}";
            response.ContentType = null;
            return;
        }

        if (range is { Satisfiable: true })
        {
            start = range.Value.Start;
            count = range.Value.End - range.Value.Start + 1;
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {range.Value.Start}-{range.Value.End}/{length}";
        }
        else
        {
            response.StatusCode = 200;
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(ctx.Request.Method) || count == 0)
        {
            return;
        }

        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[64 * 1024];
        var remaining = count;
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ctx.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                // The file shrank meanwhile: pad is impossible, so stop (the client sees a short body).
                break;
            }

            await response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted).ConfigureAwait(false);
            remaining -= read;
        }
    }

    /// <summary>
    /// A single RFC 7233 byte range. Null when there is no (usable) Range header: the whole file is sent.
    /// Multi-range requests are answered with the whole file.
    /// </summary>
    internal static (bool Satisfiable, long Start, long End)? ParseRange(string header, long length)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        header = header.Trim();
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = header[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || length == 0)
            {
                return (false, 0, 0);
            }

            return (true, Math.Max(0, length - suffix), length - 1);
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        var end = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end))
            {
                return null;
            }

            if (end < start)
            {
                return (false, 0, 0);
            }

            end = Math.Min(end, length - 1);
        }

        if (start >= length)
        {
            return (false, 0, 0);
        }

        return (true, start, end);
    }

    private static async Task<string> ContentTypeAsync(string full, FileStream stream)
    {
        const string text = "text/plain;charset=UTF-8";
        var name = Path.GetFileName(full);
        if (name is "stdout" or "stderr" or "run")
        {
            return text;
        }

        var byExtension = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".txt" or ".log" or ".out" or ".err" or ".sh" or ".bash" or ".py" or ".sql" or ".scala" or ".java" or ".conf"
                or ".properties" or ".cfg" or ".ini" or ".md" or ".r" or ".hql" or ".q" or ".done" => text,
            ".json" => "application/json",
            ".xml" => "application/xml",
            ".yaml" or ".yml" => "application/x-yaml",
            ".csv" => "text/csv",
            ".tsv" => "text/tab-separated-values",
            ".html" or ".htm" => "text/html",
            ".css" => "text/css",
            ".js" => "application/javascript",
            ".jar" => "application/java-archive",
            ".zip" => "application/zip",
            ".gz" or ".tgz" => "application/gzip",
            ".tar" => "application/x-tar",
            ".bz2" => "application/x-bzip2",
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".svg" => "image/svg+xml",
            ".pdf" => "application/pdf",
            ".parquet" or ".avro" or ".orc" or ".bin" or ".class" or ".so" => "application/octet-stream",
            _ => null,
        };
        if (byExtension != null)
        {
            return byExtension;
        }

        // Sniff: NUL bytes in the first 8 KiB mean binary.
        var buffer = new byte[8192];
        var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
        stream.Seek(0, SeekOrigin.Begin);
        return Array.IndexOf(buffer, (byte)0, 0, read) >= 0 ? "application/octet-stream" : text;
    }
}
