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

// `sheriff-genie-local sql-engine ...` is the sandbox SQL engine a job runs (Sql/SqlEngineMain.cs), not the server.
if (args.Length > 0 && args[0] == "sql-engine")
{
    return Sheriff.GenieLocal.Sql.SqlEngineMain.Run(args[1..]);
}

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
// A failure to start (port in use, bad address) is reported below as one clean line; the host's own log of it is a
// stack trace that Start-GenieLocal would otherwise quote to the user.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
if (options.Https)
{
    // --https: a self-signed certificate kept in the data directory (Auth/LocalAuth.cs); clients trust it or skip the check
    try
    {
        certificate = Sheriff.GenieLocal.Auth.LocalCertificate.LoadOrCreate(options.DataDir, options.BindAddress, out var certPath);
        Console.Error.WriteLine($"CERTIFICATE {certPath} SHA1 {certificate.Thumbprint}");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
    {
        Console.Error.WriteLine($"sheriff-genie-local: cannot create the HTTPS certificate in {options.DataDir}: {e.Message}");
        return 2;
    }
}

builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(options.BindAddress, options.Port, listen =>
    {
        if (certificate != null)
        {
            listen.UseHttps(certificate);
        }
    });
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

    Sheriff.GenieLocal.Auth.LocalAuth.Use(app, options); // --token, --basic-user, --oauth-client (docs/reliability.md)

    Sheriff.GenieLocal.Faults.FaultInjector.Use(app, server); // --fault-* and /genielocal/faults (docs/reliability.md)
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
