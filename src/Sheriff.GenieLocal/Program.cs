using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sheriff.GenieLocal;
using Sheriff.GenieLocal.Api;
using Sheriff.GenieLocal.Jobs;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;
using Sheriff.GenieLocal.Output;
using Sheriff.GenieLocal.Store;

// sheriff-genie-local: a local server speaking Genie's v3 REST API (shared/genie-api.md), running jobs as local
// bash processes. Prints exactly one stdout line when ready: "LISTENING <url>". Everything else goes to stderr.

ServerOptions options;
try
{
    options = ServerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("sheriff-genie-local: " + e.Message);
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = [],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(options.BindAddress, options.Port);
    k.Limits.MaxRequestBodySize = null; // attachment limits are enforced while streaming (413)
    k.AddServerHeader = false;
});

var app = builder.Build();
GenieServer server;
try
{
    server = new GenieServer(options, app.Services.GetRequiredService<ILoggerFactory>());
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
{
    Console.Error.WriteLine($"sheriff-genie-local: cannot open data directory {options.DataDir}: {e.Message}");
    return 2;
}

using (server)
{
    try
    {
        var seed = options.SeedFile ?? (options.NoDefaultSeed ? null : Seeder.DefaultSeedPath);
        if (seed != null)
        {
            Seeder.Load(server, seed);
        }
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine("sheriff-genie-local: " + e.Message);
        return 2;
    }

    Recover(server);

    app.Use(async (ctx, next) =>
    {
        try
        {
            await next(ctx).ConfigureAwait(false);
            if (!ctx.Response.HasStarted && ctx.Response.StatusCode is 404 or 405 && ctx.Response.ContentType == null)
            {
                // Unknown route or method: the framework answered without a body; give clients a JSON message.
                var message = ctx.Response.StatusCode == 404
                    ? $"No endpoint {ctx.Request.Method} {ctx.Request.Path}"
                    : $"Request method '{ctx.Request.Method}' is not supported for {ctx.Request.Path}";
                await Http.WriteErrorAsync(ctx, new GenieApiException(ctx.Response.StatusCode, message, false), server.Generation)
                    .ConfigureAwait(false);
            }
        }
        catch (GenieApiException e)
        {
            await Http.WriteErrorAsync(ctx, e, server.Generation).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await Http.WriteErrorAsync(ctx, new GenieApiException(e.StatusCode, e.Message), server.Generation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            server.Log.LogError(e, "Unhandled error for {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            await Http.WriteErrorAsync(ctx, new GenieApiException(500, "Internal server error: " + e.Message, false), server.Generation)
                .ConfigureAwait(false);
        }
    });

    if (options.Token != null)
    {
        var expected = "Bearer " + options.Token;
        app.Use(async (ctx, next) =>
        {
            var given = ctx.Request.Headers.Authorization.ToString();
            if (!string.Equals(given, expected, StringComparison.Ordinal))
            {
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await Http.WriteJsonAsync(ctx, 401, new System.Text.Json.Nodes.JsonObject
                {
                    ["message"] = given.Length == 0 ? "Full authentication is required to access this resource" : "Invalid bearer token",
                }).ConfigureAwait(false);
                return;
            }

            await next(ctx).ConfigureAwait(false);
        });
    }

    RootEndpoints.Map(app);
    ResourceEndpoints.Map(app, server, ResourceKind.Application);
    ResourceEndpoints.Map(app, server, ResourceKind.Cluster);
    ResourceEndpoints.Map(app, server, ResourceKind.Command);
    RelationEndpoints.Map(app, server);
    JobEndpoints.Map(app, server);
    OutputEndpoints.Map(app, server);

    app.Lifetime.ApplicationStopping.Register(() =>
        server.Scheduler.StopAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult());

    try
    {
        await app.StartAsync().ConfigureAwait(false);
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"sheriff-genie-local: cannot listen on {options.Bind}:{options.Port}: {e.Message}");
        return 1;
    }

    server.Scheduler.Start();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? $"http://{options.Bind}:{options.Port}";
    Console.Out.WriteLine("LISTENING " + address);
    Console.Out.Flush();

    await app.WaitForShutdownAsync().ConfigureAwait(false);
    server.Scheduler.Dispose();
}

return 0;

// Jobs whose process died with a previous server are failed; queued jobs are queued again.
static void Recover(GenieServer server)
{
    foreach (var job in server.Store.AllJobs())
    {
        server.Store.UpdateJob(job.Id, j =>
        {
            if (Statuses.IsFinished(j.Status))
            {
                return false;
            }

            var queued = server.IsG4
                ? j.Status is Statuses.Accepted or Statuses.Resolved
                : j.Status == Statuses.Init && !j.Claimed && j.IsResolved;
            var t = TimeFormat.NowMs();
            if (queued && j.IsResolved)
            {
                j.Claimed = false;
                if (server.IsG4 && j.Status != Statuses.Accepted)
                {
                    j.Status = Statuses.Accepted;
                    j.StatusMsg = StatusMessages.Accepted;
                    j.Updated = t;
                }

                return true;
            }

            if (j.ProcessId is int pid)
            {
                ProcessGroup.KillOrphan(pid, server.JobDir(j.Id));
            }

            j.Status = Statuses.Failed;
            j.StatusMsg = StatusMessages.Restarted;
            j.Finished = t;
            j.Updated = t;
            j.ArchiveStatus = Directory.Exists(server.JobDir(j.Id)) ? ArchiveStatuses.Archived : ArchiveStatuses.NoFiles;
            return true;
        });
    }
}
