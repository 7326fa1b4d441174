using Xunit;

// Most time is spent waiting on job processes and HTTP, not CPU: let a few classes (each with its own server) overlap.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

namespace Sheriff.GenieLocal.Tests.Infrastructure;

/// <summary>One default G4 server (default seed, selector first) per test class.</summary>
public class DefaultServerFixture : IAsyncLifetime
{
    private GenieServer? _server;

    public GenieServer Server => _server ?? throw new InvalidOperationException("server not started");

    protected virtual IEnumerable<string> Args => [];

    public async Task InitializeAsync() => _server = await GenieServer.StartAsync(Args);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A G4 server that runs one job at a time, so later jobs stay ACCEPTED while a sleeper holds the slot.</summary>
public sealed class SingleSlotServerFixture : DefaultServerFixture
{
    protected override IEnumerable<string> Args => ["--max-running", "1"];
}

/// <summary>A server in Genie 3 mode. G3 tests create their own clusters/commands, so the default seed is not needed
/// (its G3 start-up is covered by ServerCliTests.Generation3_DefaultSeed_ServerStarts_AndEchoHelloRuns).</summary>
public sealed class Generation3ServerFixture : DefaultServerFixture
{
    protected override IEnumerable<string> Args => ["--generation", "3", "--no-default-seed"];
}
