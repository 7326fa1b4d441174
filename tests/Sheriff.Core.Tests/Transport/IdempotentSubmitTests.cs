using System.Net;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Transport;
using Xunit;

namespace Sheriff.Core.Tests.Transport;

/// <summary>Idempotent submit against the real GenieLocal: client ids, 409 re-attach versus conflict.</summary>
public class IdempotentSubmitTests : IClassFixture<IdempotentSubmitTests.Server>
{
    public sealed class Server : IDisposable
    {
        public GenieLocalProcess Process { get; } = GenieLocalProcess.Start("--max-running", "8");
        public void Dispose() => Process.Dispose();
    }

    private readonly GenieLocalProcess _server;

    public IdempotentSubmitTests(Server server) => _server = server.Process;

    private static JobRequestDto Request(string? id, string name, string script = "echo hi")
    {
        var r = new JobRequestDto { Id = id, Name = name, User = "tester", Version = "NA", CommandArgs = "'" + script + "'" };
        r.ClusterCriterias.Add(new ClusterCriteriaDto { Tags = { "sched:adhoc" } });
        r.CommandCriteria.Add("type:shell");
        return r;
    }

    private static string NewId() => "idem-" + Guid.NewGuid().ToString("n")[..12];

    private int JobsNamed(GenieClient client, string name) => client.SearchJobs(new JobSearchQuery { Name = name }, default).Count();

    [Fact]
    public async Task Submit_WithoutAnId_GetsAClientId_AndTheHashTravelsInMetadata()
    {
        using var client = RetryTests.Fast(_server.Uri);
        var request = Request(null, "no-id-" + Guid.NewGuid().ToString("n")[..8]);
        var id = await client.SubmitJobAsync(request, default);
        Assert.StartsWith("sheriff-", id);
        Assert.Equal(id, request.Id);
        var dto = await client.Api.GetJobAsync(id, default);
        Assert.Equal(JobRequestIdentity.ComputeHash(request), JobRequestIdentity.ReadHash(dto.Metadata));
    }

    [Fact]
    public async Task SameRequest_SentAgainByThisProcess_ReattachesToTheExistingJob()
    {
        var id = NewId();
        var name = "same-" + id;
        using var first = RetryTests.Fast(_server.Uri);
        Assert.Equal(id, await first.SubmitJobAsync(Request(id, name), default));

        using var second = RetryTests.Fast(_server.Uri);
        var events = new List<GenieTransportEvent>();
        second.TransportEvent += (_, e) => events.Add(e);
        Assert.Equal(id, await second.SubmitJobAsync(Request(id, name), default));
        Assert.Equal(1, second.Statistics.Reattached);
        Assert.Contains(events, e => e.Kind == GenieTransportEventKind.Reattached && e.Message.Contains(id));
        Assert.Equal(1, JobsNamed(second, name));
    }

    [Fact]
    public async Task DifferentRequest_UnderAReusedId_IsAConflict()
    {
        var id = NewId();
        using var client = RetryTests.Fast(_server.Uri);
        await client.SubmitJobAsync(Request(id, "a-" + id, "echo a"), default);

        var differentScript = await Assert.ThrowsAsync<GenieJobIdConflictException>(() => client.SubmitJobAsync(Request(id, "a-" + id, "echo b"), default));
        Assert.Equal(id, differentScript.JobId);
        Assert.False(differentScript.SameRequest);
        Assert.Contains("request hash differs", differentScript.Message);
        Assert.Equal(HttpStatusCode.Conflict, differentScript.StatusCode);

        var differentName = await Assert.ThrowsAsync<GenieJobIdConflictException>(() => client.SubmitJobAsync(Request(id, "b-" + id, "echo a"), default));
        Assert.False(differentName.SameRequest);
        Assert.Contains($"its name is 'a-{id}'", differentName.Message);
        Assert.Equal(0, client.Statistics.Reattached);
    }

    [Fact]
    public async Task SameRequest_ThatThisProcessNeverSent_IsAConflict_SaidToBeTheSameRequest()
    {
        var id = NewId();
        var request = Request(id, "other-" + id);
        JobRequestIdentity.EnsureHash(request);
        // somebody else (another process: a raw POST here) submitted this very request earlier
        using (var http = new HttpClient { BaseAddress = _server.Uri })
        {
            var json = JsonConvert.SerializeObject(request, GenieJson.Settings);
            using var r = await http.PostAsync("api/v3/jobs", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }
        using var client = RetryTests.Fast(_server.Uri);
        var ex = await Assert.ThrowsAsync<GenieJobIdConflictException>(() => client.SubmitJobAsync(Request(id, "other-" + id), default));
        Assert.True(ex.SameRequest);
        Assert.Contains("this session did not submit it", ex.Message);
    }

    [Fact]
    public async Task LostAnswer_TheRetriedPostMeets409_AndReattaches_WithExactlyOneJob()
    {
        using var proxy = new LostAnswerProxy(_server.Port);
        using var client = RetryTests.Fast(proxy.Uri);
        var events = new List<GenieTransportEvent>();
        client.TransportEvent += (_, e) => events.Add(e);
        var name = "lost-" + Guid.NewGuid().ToString("n")[..8];
        var request = Request(null, name);
        var id = await client.SubmitJobAsync(request, default);

        Assert.Equal(request.Id, id);
        Assert.True(proxy.Connections >= 2);
        Assert.Equal(1, client.Statistics.Retries);
        Assert.Equal(1, client.Statistics.Reattached);
        Assert.Equal(GenieTransportEventKind.Retry, events[0].Kind);
        Assert.StartsWith("Genie POST /api/v3/jobs: ", events[0].Message);
        Assert.Equal(GenieTransportEventKind.Reattached, events[^1].Kind);
        using var direct = RetryTests.Fast(_server.Uri);
        Assert.Equal(1, JobsNamed(direct, name));
    }
}
