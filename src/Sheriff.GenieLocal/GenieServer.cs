using Sheriff.GenieLocal.Jobs;
using Sheriff.GenieLocal.Resolution;
using Sheriff.GenieLocal.Store;

namespace Sheriff.GenieLocal;

/// <summary>The server's shared state: options, store, resolver, job service and scheduler.</summary>
internal sealed class GenieServer : IDisposable
{
    public GenieServer(ServerOptions options, ILoggerFactory loggers)
    {
        Options = options;
        Directory.CreateDirectory(options.DataDir);
        Directory.CreateDirectory(options.JobsDir);
        Directory.CreateDirectory(options.AttachmentsDir);
        Store = new GenieStore(options.DataDir);
        Resolver = new JobResolver(Store, new Selector(options.Selector), options.Generation);
        Fetcher = new DependencyFetcher(options.S3Endpoint);
        Scheduler = new JobScheduler(this, loggers.CreateLogger("GenieLocal.Scheduler"));
        Jobs = new JobService(this);
        Log = loggers.CreateLogger("GenieLocal");
    }

    public ServerOptions Options { get; }

    public GenieGeneration Generation => Options.Generation;

    public bool IsG4 => Options.IsG4;

    public GenieStore Store { get; }

    public JobResolver Resolver { get; }

    public DependencyFetcher Fetcher { get; }

    public JobScheduler Scheduler { get; }

    public JobService Jobs { get; }

    public ILogger Log { get; }

    /// <summary>Host name reported once a job has been claimed.</summary>
    public static string MachineName { get; } = Environment.MachineName;

    /// <summary>A file-system-safe directory name for an id (ids are free-form strings).</summary>
    public static string SafeName(string id)
    {
        if (id.Length == 0 || id == "." || id == ".." || id.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return Uri.EscapeDataString(id).Replace(".", "%2E", StringComparison.Ordinal);
        }

        return id;
    }

    public string JobDir(string jobId) => Path.Combine(Options.JobsDir, SafeName(jobId));

    public void Dispose()
    {
        Fetcher.Dispose();
        Store.Dispose();
    }
}
