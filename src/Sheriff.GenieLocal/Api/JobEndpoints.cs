using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Sheriff.GenieLocal.Jobs;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Api;

/// <summary>/api/v3/jobs: submit (JSON or multipart), search, get, kill and the job sub-resources (genie-api.md §5.2).</summary>
internal static class JobEndpoints
{
    private const int MaxRequestPartBytes = 10 * 1024 * 1024;

    private static readonly string[] Sortable =
        ["id", "created", "updated", "started", "finished", "name", "user", "status", "version", "clusterName", "commandName", "grouping", "groupingInstance"];

    private static readonly string[] FilterNames =
        ["id", "name", "user", "status", "tag", "clusterName", "clusterId", "commandName", "commandId", "minStarted", "maxStarted", "minFinished", "maxFinished", "grouping", "groupingInstance"];

    public static void Map(WebApplication app, GenieServer server)
    {
        app.MapPost("/api/v3/jobs", ctx => Submit(ctx, server));
        app.MapGet("/api/v3/jobs", ctx => Search(ctx, server));
        app.MapGet("/api/v3/jobs/{id}", ctx => Write(ctx, server, JobJson.Job));
        app.MapDelete("/api/v3/jobs/{id}", ctx => Kill(ctx, server));
        app.MapGet("/api/v3/jobs/{id}/status", ctx => Status(ctx, server));
        app.MapGet("/api/v3/jobs/{id}/request", ctx => Write(ctx, server, JobJson.Request));
        app.MapGet("/api/v3/jobs/{id}/execution", ctx => Write(ctx, server, JobJson.Execution));
        app.MapGet("/api/v3/jobs/{id}/metadata", ctx => Write(ctx, server, JobJson.Metadata));
        app.MapGet("/api/v3/jobs/{id}/cluster", ctx => Linked(ctx, server, ResourceKind.Cluster));
        app.MapGet("/api/v3/jobs/{id}/command", ctx => Linked(ctx, server, ResourceKind.Command));
        app.MapGet("/api/v3/jobs/{id}/applications", ctx => Applications(ctx, server));
    }

    private static JobRecord RequireJob(HttpContext ctx, GenieServer server)
    {
        var id = Http.RouteString(ctx, "id");
        return server.Store.GetJob(id) ?? throw GenieApiException.JobNotFound(id);
    }

    private static Task Write(HttpContext ctx, GenieServer server, Func<HttpContext, JobRecord, GenieGeneration, JsonObject> render) =>
        Http.HalAsync(ctx, render(ctx, RequireJob(ctx, server), server.Generation));

    private static Task Status(HttpContext ctx, GenieServer server) =>
        Http.WriteJsonAsync(ctx, 200, new JsonObject { ["status"] = RequireJob(ctx, server).Status });

    private static Task Kill(HttpContext ctx, GenieServer server)
    {
        server.Jobs.Kill(Http.RouteString(ctx, "id"));
        return Http.EmptyAsync(ctx, 202);
    }

    private static Task Linked(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var job = RequireJob(ctx, server);
        var linkedId = kind == ResourceKind.Cluster ? job.ClusterId : job.CommandId;
        var noun = ResourceJson.Noun(kind);
        if (!job.IsResolved || linkedId == null)
        {
            throw GenieApiException.NotFound($"Job {job.Id} has no associated {noun}");
        }

        var r = server.Store.Get(kind, linkedId) ?? throw GenieApiException.NotFound($"No {noun} with id {linkedId} exists");
        return Http.HalAsync(ctx, Http.WithLinks(ctx, r, server.Generation));
    }

    private static Task Applications(HttpContext ctx, GenieServer server)
    {
        var job = RequireJob(ctx, server);
        if (!job.IsResolved && !server.IsG4)
        {
            throw GenieApiException.NotFound($"Job {job.Id} has no associated applications");
        }

        var apps = job.ResolvedApplications.Select(a => server.Store.Get(ResourceKind.Application, a)).Where(a => a != null)
            .Select(a => (JsonNode?)Http.WithLinkArray(ctx, a!, server.Generation)).ToArray();
        return Http.WriteJsonAsync(ctx, 200, new JsonArray(apps), Http.Hal);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Submit

    private static async Task Submit(HttpContext ctx, GenieServer server)
    {
        var attachments = new List<IncomingAttachment>();
        string? tempDir = null;
        try
        {
            JsonNode body;
            var contentType = ctx.Request.ContentType ?? "";
            if (contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            {
                tempDir = Path.Combine(server.Options.AttachmentsDir, ".incoming", Guid.NewGuid().ToString());
                body = await ReadMultipartAsync(ctx, server, tempDir, attachments).ConfigureAwait(false);
            }
            else
            {
                body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
            }

            var job = JobJson.ParseRequest(body, server.Generation);
            var id = server.Jobs.Submit(job, attachments, ClientHost(ctx), UserAgent(ctx));
            ctx.Response.Headers.Location = JobJson.JobUrl(ctx, id);
            await Http.EmptyAsync(ctx, 202).ConfigureAwait(false);
        }
        finally
        {
            if (tempDir != null && Directory.Exists(tempDir))
            {
                try
                {
                    Directory.Delete(tempDir, recursive: true);
                }
                catch (IOException)
                {
                    // leftovers in .incoming are harmless
                }
            }
        }
    }

    private static string? ClientHost(HttpContext ctx)
    {
        var forwarded = ctx.Request.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            return forwarded.Split(',')[0].Trim();
        }

        var ip = ctx.Connection.RemoteIpAddress;
        if (ip == null)
        {
            return null;
        }

        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString();
    }

    private static string? UserAgent(HttpContext ctx)
    {
        var ua = ctx.Request.Headers.UserAgent.ToString();
        return ua.Length == 0 ? null : ua;
    }

    private static async Task<JsonNode> ReadMultipartAsync(HttpContext ctx, GenieServer server, string tempDir, List<IncomingAttachment> attachments)
    {
        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var mediaType))
        {
            throw GenieApiException.BadRequest("Invalid multipart Content-Type");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw GenieApiException.BadRequest("Multipart Content-Type without boundary");
        }

        var reader = new MultipartReader(boundary, ctx.Request.Body) { HeadersLengthLimit = 64 * 1024 };
        JsonNode? request = null;
        long total = 0;
        var ct = ctx.RequestAborted;
        MultipartSection? section;
        try
        {
            section = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw GenieApiException.BadRequest("Malformed multipart body: " + e.Message);
        }

        while (section != null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                throw GenieApiException.BadRequest("Multipart part without a valid Content-Disposition");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name == "request")
            {
                using var ms = new MemoryStream();
                await CopyLimitedAsync(section.Body, ms, MaxRequestPartBytes, "The request part", ct).ConfigureAwait(false);
                request = JsonInput.Parse(ms.ToArray());
            }
            else if (name == "attachment")
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                ValidateAttachmentName(fileName);
                Directory.CreateDirectory(tempDir);
                var temp = Path.Combine(tempDir, attachments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                long size;
                await using (var file = File.Create(temp))
                {
                    size = await CopyLimitedAsync(section.Body, file, server.Options.MaxAttachmentSize, $"Attachment {fileName}", ct).ConfigureAwait(false);
                }

                total += size;
                if (total > server.Options.MaxTotalAttachmentSize)
                {
                    throw GenieApiException.TooLarge(
                        $"Total size of attachments exceeds the limit of {server.Options.MaxTotalAttachmentSize} bytes");
                }

                attachments.RemoveAll(a => a.Name == fileName);
                attachments.Add(new IncomingAttachment(fileName!, temp, size));
            }
            else
            {
                // Unknown parts are drained and ignored.
                await section.Body.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            }

            try
            {
                section = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw GenieApiException.BadRequest("Malformed multipart body: " + e.Message);
            }
        }

        return request ?? throw GenieApiException.BadRequest("Required request part 'request' is not present");
    }

    private static void ValidateAttachmentName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw GenieApiException.BadRequest("An attachment part has no file name");
        }

        if (name == "." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) ||
            name.Contains("..", StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw GenieApiException.BadRequest($"Attachment file name '{name}' is not allowed (no '/', '\\', '..' or '.')");
        }
    }

    private static async Task<long> CopyLimitedAsync(Stream source, Stream target, long limit, string what, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        try
        {
            while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw GenieApiException.TooLarge($"{what} exceeds the limit of {limit} bytes");
                }

                await target.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw GenieApiException.BadRequest("Malformed multipart body: " + e.Message);
        }

        return total;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Search

    private static Task Search(HttpContext ctx, GenieServer server)
    {
        var statuses = Http.StatusFilter(ctx, server.IsG4 ? Statuses.JobG4 : Statuses.JobG3);
        var id = Http.Single(ctx, "id");
        var name = Http.Single(ctx, "name");
        var user = Http.Single(ctx, "user");
        var clusterName = Http.Single(ctx, "clusterName");
        var commandName = Http.Single(ctx, "commandName");
        var grouping = Http.Single(ctx, "grouping");
        var groupingInstance = Http.Single(ctx, "groupingInstance");
        var clusterId = Http.Single(ctx, "clusterId");
        var commandId = Http.Single(ctx, "commandId");
        var tags = Http.Multi(ctx, "tag").Where(t => t.Length > 0).ToList();
        var minStarted = Http.EpochMs(ctx, "minStarted");
        var maxStarted = Http.EpochMs(ctx, "maxStarted");
        var minFinished = Http.EpochMs(ctx, "minFinished");
        var maxFinished = Http.EpochMs(ctx, "maxFinished");
        var paging = Paging.Parse(ctx, 10, new SortOrder("created", true), Sortable);

        var hits = server.Store.AllJobs().Where(j =>
            Http.LikeOrEquals(j.Id, id) &&
            Http.LikeOrEquals(j.Name, name) &&
            Http.LikeOrEquals(j.User, user) &&
            (clusterName == null || Http.LikeOrEquals(j.ClusterName, clusterName)) &&
            (commandName == null || Http.LikeOrEquals(j.CommandName, commandName)) &&
            (grouping == null || Http.LikeOrEquals(j.Grouping, grouping)) &&
            (groupingInstance == null || Http.LikeOrEquals(j.GroupingInstance, groupingInstance)) &&
            (clusterId == null || j.ClusterId == clusterId) &&
            (commandId == null || j.CommandId == commandId) &&
            (statuses.Count == 0 || statuses.Contains(j.Status)) &&
            (tags.Count == 0 || tags.All(t => j.Tags.Contains(t))) &&
            (minStarted == null || (j.Started != null && j.Started >= minStarted)) &&
            (maxStarted == null || (j.Started != null && j.Started < maxStarted)) &&
            (minFinished == null || (j.Finished != null && j.Finished >= minFinished)) &&
            (maxFinished == null || (j.Finished != null && j.Finished < maxFinished))).ToList();

        var page = paging.Apply(hits, SortKey, j => j.Seq);
        var items = page.Select(j => (JsonNode)JobJson.SearchResult(ctx, j, server.Generation)).ToList();
        var given = FilterNames.SelectMany(n => Http.Multi(ctx, n).Select(v => (n, v))).ToList();
        return Http.HalAsync(ctx, paging.Envelope(ctx, "jobSearchResultList", items, hits.Count, given, FilterNames));
    }

    private static IComparable? SortKey(JobRecord j, string property) => property switch
    {
        "id" => j.Id,
        "created" => j.Created,
        "updated" => j.Updated,
        "started" => j.Started,
        "finished" => j.Finished,
        "name" => j.Name,
        "user" => j.User,
        "status" => j.Status,
        "version" => j.Version,
        "clusterName" => j.ClusterName,
        "commandName" => j.CommandName,
        "grouping" => j.Grouping,
        "groupingInstance" => j.GroupingInstance,
        _ => null,
    };
}
