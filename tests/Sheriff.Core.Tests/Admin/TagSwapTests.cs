using System.Net;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Xunit;

namespace Sheriff.Core.Tests.Admin;

/// <summary>
/// The red/black switch against an in-memory Genie: plans, the §9.3 selection check, and above all the rollback —
/// a failure or a cancellation at any change leaves both tag sets exactly as they were.
/// </summary>
public class TagSwapTests
{
    /// <summary>A tiny Genie: clusters and commands with tags and status, active jobs per cluster, and fault injection.</summary>
    private sealed class FakeGenie : ISwitchOperations
    {
        public readonly Dictionary<string, (string Name, string Status, HashSet<string> Tags)> Clusters = new();
        public readonly Dictionary<string, (string Name, string Status, HashSet<string> Tags, List<CriterionDto> Criteria)> Commands = new();
        public readonly Dictionary<string, List<string>> ActiveJobs = new();
        public readonly List<string> Calls = new();
        /// <summary>Called before every change call with its 1-based number (rollback calls included); may throw.</summary>
        public Action<int, string>? BeforeChange;
        public Func<int, bool>? FailRead;
        private int _changes;
        private int _reads;

        public FakeGenie Cluster(string id, string status, params string[] tags)
        {
            Clusters[id] = (id, status, new HashSet<string>(tags));
            return this;
        }

        public FakeGenie Command(string id, string status, string[] tags, params string[][] criteria)
        {
            Commands[id] = (id, status, new HashSet<string>(tags), criteria.Select(c => new CriterionDto { Tags = c.ToList() }).ToList());
            return this;
        }

        private void Change(string what)
        {
            Calls.Add(what);
            BeforeChange?.Invoke(++_changes, what);
        }

        private void Read()
        {
            if (FailRead?.Invoke(++_reads) == true) throw new GenieConnectionException(null, "read failed");
        }

        private HashSet<string> TagsOf(GenieResourceKind kind, string id)
            => kind == GenieResourceKind.Cluster
                ? (Clusters.TryGetValue(id, out var c) ? c.Tags : throw NotFound(id))
                : (Commands.TryGetValue(id, out var m) ? m.Tags : throw NotFound(id));

        private static GenieApiException NotFound(string id) => new(HttpStatusCode.NotFound, $"No resource with id {id} exists", "GET", null, null);

        private SwitchResource Res(GenieResourceKind kind, string id)
            => kind == GenieResourceKind.Cluster
                ? new SwitchResource(kind, id, Clusters[id].Name, "1", Clusters[id].Status, Clusters[id].Tags)
                : new SwitchResource(kind, id, Commands[id].Name, "1", Commands[id].Status, Commands[id].Tags);

        public Task<SwitchResource> GetAsync(GenieResourceKind kind, string id, CancellationToken ct)
        {
            Read();
            TagsOf(kind, id);
            return Task.FromResult(Res(kind, id));
        }

        public Task<IReadOnlyList<SwitchResource>> FindByNameAsync(GenieResourceKind kind, string name, CancellationToken ct)
        {
            IReadOnlyList<SwitchResource> found = kind == GenieResourceKind.Cluster
                ? Clusters.Where(c => c.Value.Name == name).Select(c => Res(kind, c.Key)).ToList()
                : Commands.Where(c => c.Value.Name == name).Select(c => Res(kind, c.Key)).ToList();
            return Task.FromResult(found);
        }

        public Task<IReadOnlyList<string>> GetTagsAsync(GenieResourceKind kind, string id, CancellationToken ct)
        {
            Read();
            return Task.FromResult<IReadOnlyList<string>>(TagsOf(kind, id).Concat(new[] { "genie.id:" + id }).ToList());
        }

        public Task AddTagsAsync(GenieResourceKind kind, string id, IReadOnlyCollection<string> tags, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Change($"add {id} {string.Join(",", tags)}");
            TagsOf(kind, id).UnionWith(tags);
            return Task.CompletedTask;
        }

        public Task RemoveTagAsync(GenieResourceKind kind, string id, string tag, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Change($"remove {id} {tag}");
            TagsOf(kind, id).Remove(tag);
            return Task.CompletedTask;
        }

        public Task SetClusterStatusAsync(string id, string status, CancellationToken ct)
        {
            Change($"status {id} {status}");
            var c = Clusters[id];
            Clusters[id] = (c.Name, status, c.Tags);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<SwitchResource>> FindClustersWithTagsAsync(IReadOnlyCollection<string> tags, CancellationToken ct)
            => Task.FromResult<IReadOnlyList<SwitchResource>>(Clusters.Where(c => tags.All(c.Value.Tags.Contains)).Select(c => Res(GenieResourceKind.Cluster, c.Key)).ToList());

        public Task<IReadOnlyList<CommandDto>> GetActiveCommandsAsync(IReadOnlyCollection<string>? tags, CancellationToken ct)
            => Task.FromResult<IReadOnlyList<CommandDto>>(Commands
                .Where(c => c.Value.Status == "ACTIVE" && (tags == null || tags.All(c.Value.Tags.Contains)))
                .Select(c => new CommandDto { Id = c.Key, Name = c.Value.Name, Status = c.Value.Status, Tags = c.Value.Tags.ToList(), ClusterCriteria = c.Value.Criteria })
                .ToList());

        public Task<IReadOnlyList<SwitchResource>> GetCommandClustersAsync(string commandId, CancellationToken ct)
        {
            var criteria = Commands[commandId].Criteria;
            return Task.FromResult<IReadOnlyList<SwitchResource>>(Clusters
                .Where(c => c.Value.Status == "UP" && criteria.Any(k => k.Tags.All(c.Value.Tags.Contains)))
                .Select(c => Res(GenieResourceKind.Cluster, c.Key)).ToList());
        }

        public Task<IReadOnlyList<string>> GetActiveJobIdsAsync(string clusterId, int max, CancellationToken ct)
        {
            Read();
            return Task.FromResult<IReadOnlyList<string>>(ActiveJobs.TryGetValue(clusterId, out var jobs) ? jobs.Take(max).ToList() : new List<string>());
        }

        public string[] Tags(string clusterId) => Clusters[clusterId].Tags.OrderBy(t => t, StringComparer.Ordinal).ToArray();
    }

    private static FakeGenie RedBlack() => new FakeGenie()
        .Cluster("red", "UP", "sched:adhoc", "sched:sla", "type:local", "owner:data")
        .Cluster("black", "UP", "type:local")
        .Command("shell", "ACTIVE", new[] { "type:shell" }, new[] { "type:local" });

    private static Task<SwitchPlan> Plan(FakeGenie genie, string[]? tags = null, bool drain = false, double drainSeconds = 5)
        => TagSwap.PlanClusterSwitchAsync(genie, "red", "black", tags, drain, TimeSpan.FromSeconds(drainSeconds), CancellationToken.None);

    private static SwitchExecutor Executor(FakeGenie genie, List<string>? log = null)
        => new(genie, m => log?.Add(m)) { DrainPollMin = TimeSpan.FromMilliseconds(10), DrainPollMax = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task Plan_WithoutTags_MovesWhatFromHasAndToLacks_ButNeverGenieTags()
    {
        var genie = RedBlack();
        genie.Clusters["red"].Tags.Add("genie.name:red");
        var plan = await Plan(genie);
        Assert.Equal(new[] { "sched:adhoc", "sched:sla", "owner:data" }.OrderBy(t => t), plan.Tags.OrderBy(t => t));
        Assert.True(plan.TagsWereDefaulted);
        Assert.Equal(new[] { SwitchStepKind.CheckStatus, SwitchStepKind.CheckSelection, SwitchStepKind.AddTags, SwitchStepKind.RemoveTags },
            plan.Steps.Select(s => s.Kind));
        Assert.All(plan.Steps, s => Assert.Equal(SwitchStepState.Planned, s.State));
        Assert.Empty(genie.Calls); // planning changes nothing
    }

    [Fact]
    public async Task Plan_Describe_ListsEveryStep_WithDrain()
    {
        var plan = await Plan(RedBlack(), new[] { "sched:adhoc" }, drain: true);
        var text = plan.Describe();
        Assert.Contains("1. Check that cluster black is UP (it is UP now)", text);
        Assert.Contains("2. Check that a job asking for [sched:adhoc] would be sent to cluster black", text);
        Assert.Contains("3. Add [sched:adhoc] to cluster black", text);
        Assert.Contains("4. Remove [sched:adhoc] from cluster red", text);
        Assert.Contains("5. Wait until cluster red runs no active job (at most 5 s)", text);
        Assert.Contains("6. Set cluster red OUT_OF_SERVICE", text);
    }

    [Theory]
    [InlineData("genie.id:red", SwitchPlanProblem.InvalidArgument)]
    [InlineData("sched:typo", SwitchPlanProblem.InvalidArgument)]
    public async Task Plan_RejectsGenieTagsAndTagsNeitherCarries(string tag, SwitchPlanProblem problem)
    {
        var ex = await Assert.ThrowsAsync<SwitchPlanException>(() => Plan(RedBlack(), new[] { tag }));
        Assert.Equal(problem, ex.Problem);
    }

    [Fact]
    public async Task Plan_UnknownCluster_IsNotFound_AndNamesResolve()
    {
        var genie = RedBlack();
        var ex = await Assert.ThrowsAsync<SwitchPlanException>(() => TagSwap.PlanClusterSwitchAsync(genie, "nope", "black", null, false, TimeSpan.Zero, default));
        Assert.Equal(SwitchPlanProblem.NotFound, ex.Problem);
        genie.Clusters["c-42"] = ("green", "UP", new HashSet<string> { "type:local" });
        var plan = await TagSwap.PlanClusterSwitchAsync(genie, "red", "green", new[] { "sched:adhoc" }, false, TimeSpan.Zero, default);
        Assert.Equal("c-42", plan.To.Id);
        Assert.Equal("green (c-42)", plan.To.ToString());
    }

    [Fact]
    public async Task Plan_NothingToMove_WhenToHasEverything()
    {
        var genie = RedBlack();
        genie.Clusters["black"].Tags.UnionWith(genie.Clusters["red"].Tags);
        var ex = await Assert.ThrowsAsync<SwitchPlanException>(() => Plan(genie));
        Assert.Equal(SwitchPlanProblem.NothingToMove, ex.Problem);
    }

    [Fact]
    public async Task Execute_MovesTheTags_MakeBeforeBreak()
    {
        var genie = RedBlack();
        var result = await Executor(genie).ExecuteAsync(await Plan(genie, new[] { "sched:adhoc", "sched:sla" }), default);
        Assert.True(result.Succeeded);
        Assert.False(result.RolledBack);
        Assert.Equal(new[] { "sched:adhoc", "sched:sla" }, result.TagsMoved);
        Assert.Equal(new[] { "owner:data", "type:local" }, genie.Tags("red"));
        Assert.Equal(new[] { "sched:adhoc", "sched:sla", "type:local" }, genie.Tags("black"));
        Assert.Equal(new[] { "add black sched:adhoc,sched:sla", "remove red sched:adhoc", "remove red sched:sla" }, genie.Calls);
        Assert.All(result.Steps, s => Assert.Equal(SwitchStepState.Succeeded, s.State));
    }

    [Fact]
    public async Task Execute_Twice_IsRefused_ButARePlannedSwitchIsANoOp()
    {
        var genie = RedBlack();
        var plan = await Plan(genie, new[] { "sched:adhoc" });
        await Executor(genie).ExecuteAsync(plan, default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Executor(genie).ExecuteAsync(plan, default));
        var again = await Executor(genie).ExecuteAsync(await Plan(genie, new[] { "sched:adhoc" }), default);
        Assert.True(again.Succeeded);
        Assert.Equal(SwitchStepState.NothingToDo, again.Steps.Single(s => s.Kind == SwitchStepKind.AddTags).State);
        Assert.Equal(SwitchStepState.NothingToDo, again.Steps.Single(s => s.Kind == SwitchStepKind.RemoveTags).State);
    }

    // Changes of a three-tag move: 1 = add all to black, 2..4 = remove each from red.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Execute_FailureAtAnyChange_RestoresBothTagSetsExactly(int failAt)
    {
        var genie = RedBlack();
        genie.Clusters["black"].Tags.Add("owner:data"); // To already carries one of the tags: the rollback must leave it
        var redBefore = genie.Tags("red");
        var blackBefore = genie.Tags("black");
        genie.BeforeChange = (n, what) =>
        {
            if (n == failAt) throw new GenieApiException(HttpStatusCode.InternalServerError, "boom", "POST", null, null);
        };
        var plan = await Plan(genie, new[] { "sched:adhoc", "sched:sla", "owner:data" });
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(() => Executor(genie).ExecuteAsync(plan, default));

        Assert.Equal(redBefore, genie.Tags("red"));
        Assert.Equal(blackBefore, genie.Tags("black"));
        Assert.Equal(SwitchFailureKind.StepFailed, ex.Kind);
        Assert.True(ex.RolledBack);
        Assert.True(ex.RollbackSucceeded);
        Assert.False(ex.Cancelled);
        Assert.Equal(failAt == 1 ? SwitchStepKind.AddTags : SwitchStepKind.RemoveTags, ex.FailedStep!.Kind);
        Assert.Contains($"failed at step {ex.FailedStep.Number}", ex.Message);
        Assert.Contains("boom", ex.Message);
        Assert.Contains("Rollback succeeded", ex.Message);
        Assert.Contains("read back exactly as before", ex.Message);
        Assert.Empty(ex.Result.TagsMoved);
        Assert.False(ex.Result.Succeeded);
    }

    [Fact]
    public async Task Execute_TestHook_FailsBeforeTheNthChange_WithoutSendingIt()
    {
        var genie = RedBlack();
        SwitchTestHooks.FailBeforeChange = 2;
        SwitchExecutor executor;
        try { executor = Executor(genie); }
        finally { SwitchTestHooks.Reset(); }
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(async () => await executor.ExecuteAsync(await Plan(genie, new[] { "sched:adhoc", "sched:sla" }), default));
        Assert.Contains("Injected failure before change 2", ex.Message);
        // Sent: add to black; then (hook) nothing; then the rollback removes both from black again.
        Assert.Equal(new[] { "add black sched:adhoc,sched:sla", "remove black sched:adhoc", "remove black sched:sla" }, genie.Calls);
        Assert.Equal(SwitchStepState.RolledBack, ex.Result.Steps.Single(s => s.Kind == SwitchStepKind.AddTags).State);
        Assert.Equal(SwitchStepState.Failed, ex.Result.Steps.Single(s => s.Kind == SwitchStepKind.RemoveTags).State);
    }

    [Fact]
    public async Task Execute_CancelledMidway_RollsBack_WithoutUsingTheCancelledToken()
    {
        var genie = RedBlack();
        using var cts = new CancellationTokenSource();
        genie.BeforeChange = (n, what) => { if (n == 2) cts.Cancel(); }; // cancelled while removing the first tag from red
        var plan = await Plan(genie, new[] { "sched:adhoc", "sched:sla" });
        var redBefore = genie.Tags("red");
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(() => Executor(genie).ExecuteAsync(plan, cts.Token));
        Assert.True(ex.Cancelled);
        Assert.True(ex.RollbackSucceeded);
        Assert.Contains("cancelled at step 4", ex.Message);
        Assert.Equal(redBefore, genie.Tags("red"));
        Assert.Equal(new[] { "type:local" }, genie.Tags("black"));
    }

    [Fact]
    public async Task Execute_RollbackThatFails_SaysSo_AndWhatTheTagsAreNow()
    {
        var genie = RedBlack();
        genie.BeforeChange = (n, what) =>
        {
            if (n == 3) throw new GenieConnectionException(null, "connection reset");       // removing sched:sla from red
            if (what.StartsWith("remove black")) throw new GenieConnectionException(null, "still down"); // the undo of step 3
        };
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(async () =>
            await Executor(genie).ExecuteAsync(await Plan(genie, new[] { "sched:adhoc", "sched:sla" }), default));
        Assert.True(ex.RolledBack);
        Assert.False(ex.RollbackSucceeded);
        Assert.Contains("ROLLBACK INCOMPLETE", ex.Message);
        Assert.Contains("black now carries [sched:adhoc, sched:sla, type:local], before [type:local]", ex.Message);
        Assert.Equal(SwitchStepState.RollbackFailed, ex.Result.Steps.Single(s => s.Kind == SwitchStepKind.AddTags).State);
        // red got its tags back (that undo worked)
        Assert.Contains("sched:adhoc", genie.Tags("red"));
        Assert.Contains("sched:sla", genie.Tags("red"));
    }

    [Fact]
    public async Task Execute_ToNotUp_IsAPreconditionFailure_AndChangesNothing()
    {
        var genie = RedBlack();
        var plan = await Plan(genie, new[] { "sched:adhoc" });
        var c = genie.Clusters["black"];
        genie.Clusters["black"] = (c.Name, "OUT_OF_SERVICE", c.Tags);
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(() => Executor(genie).ExecuteAsync(plan, default));
        Assert.Equal(SwitchFailureKind.PreconditionFailed, ex.Kind);
        Assert.Contains("OUT_OF_SERVICE, not UP", ex.Message);
        Assert.Contains("Nothing had been changed", ex.Message);
        Assert.Empty(genie.Calls);
        Assert.Equal(SwitchStepState.Skipped, ex.Result.Steps.Last().State);
    }

    [Fact]
    public async Task Execute_WouldNotBeSelected_IsAPreconditionFailure()
    {
        var genie = new FakeGenie()
            .Cluster("red", "UP", "sched:adhoc", "type:yarn")
            .Cluster("black", "UP", "type:local")          // no command runs on type:local clusters
            .Command("spark", "ACTIVE", new[] { "type:spark-submit" }, new[] { "type:yarn" });
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(async () =>
            await Executor(genie).ExecuteAsync(await Plan(genie, new[] { "sched:adhoc" }), default));
        Assert.Equal(SwitchFailureKind.PreconditionFailed, ex.Kind);
        Assert.Contains("would not be sent to cluster black", ex.Message);
        Assert.Empty(genie.Calls);
    }

    [Fact]
    public void Selection_FollowsCommandCriteriaPriority_FirstMatchWins()
    {
        // The command prefers type:yarn clusters; only if none carries the job's tags does it fall back to type:local.
        var cmd = new CommandDto
        {
            Id = "spark", Name = "spark", Status = "ACTIVE",
            ClusterCriteria = { new CriterionDto { Tags = { "type:yarn" } }, new CriterionDto { Tags = { "type:local" } } },
        };
        var yarn = new SwitchResource(GenieResourceKind.Cluster, "yarn", "yarn", "1", "UP", new[] { "type:yarn", "sched:adhoc" });
        var black = new SwitchResource(GenieResourceKind.Cluster, "black", "black", "1", "UP", new[] { "type:local", "sched:adhoc" });
        var shadowed = SwitchSelection.Evaluate(new[] { "sched:adhoc" }, new[] { yarn, black }, new[] { cmd }, "black");
        Assert.False(shadowed.WouldSelectTarget);
        var alone = SwitchSelection.Evaluate(new[] { "sched:adhoc" }, new[] { black }, new[] { cmd }, "black");
        Assert.True(alone.WouldSelectTarget);
        Assert.Equal(new[] { "spark" }, alone.CommandsToTarget);
        var statusOut = SwitchSelection.Evaluate(new[] { "sched:adhoc" },
            new[] { new SwitchResource(GenieResourceKind.Cluster, "black", "black", "1", "OUT_OF_SERVICE", black.Tags) }, new[] { cmd }, "black");
        Assert.False(statusOut.WouldSelectTarget);
        var noCriteria = SwitchSelection.Evaluate(new[] { "sched:adhoc" }, new[] { black }, new[] { new CommandDto { Id = "g3", Status = "ACTIVE" } }, "black");
        Assert.False(noCriteria.Evaluated);
    }

    [Fact]
    public async Task Plan_WarnsWhenAnotherClusterWouldAlsoGetTheJobs()
    {
        var genie = RedBlack().Cluster("green", "UP", "type:local", "sched:adhoc");
        var plan = await Plan(genie, new[] { "sched:adhoc" });
        Assert.Contains(plan.Warnings, w => w.Contains("could also land on green"));
    }

    [Fact]
    public async Task Drain_WaitsForTheJobs_ThenSetsFromOutOfService()
    {
        var genie = RedBlack();
        genie.ActiveJobs["red"] = new List<string> { "j1", "j2" };
        var log = new List<string>();
        var plan = await Plan(genie, new[] { "sched:adhoc" }, drain: true, drainSeconds: 10);
        var run = Executor(genie, log).ExecuteAsync(plan, default);
        await Task.Delay(100);
        Assert.False(run.IsCompleted);
        Assert.Equal("UP", genie.Clusters["red"].Status);
        lock (genie) genie.ActiveJobs["red"] = new List<string>();
        var result = await run;
        Assert.True(result.Drained);
        Assert.Equal("OUT_OF_SERVICE", genie.Clusters["red"].Status);
        Assert.Contains(log, l => l.Contains("red still runs 2 active job(s): j1, j2"));
    }

    [Fact]
    public async Task Drain_Timeout_KeepsTheSwitch_AndLeavesFromUp()
    {
        var genie = RedBlack();
        genie.ActiveJobs["red"] = new List<string> { "long-1" };
        var plan = await Plan(genie, new[] { "sched:adhoc" }, drain: true, drainSeconds: 0.3);
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(() => Executor(genie).ExecuteAsync(plan, default));
        Assert.Equal(SwitchFailureKind.DrainTimeout, ex.Kind);
        Assert.False(ex.RolledBack);
        Assert.Equal("UP", genie.Clusters["red"].Status);
        Assert.DoesNotContain("sched:adhoc", genie.Tags("red"));
        Assert.Contains("sched:adhoc", genie.Tags("black"));
        Assert.Equal(new[] { "sched:adhoc" }, ex.Result.TagsMoved);
        Assert.Equal(SwitchStepState.TimedOut, ex.FailedStep!.State);
        Assert.Equal(SwitchStepState.Skipped, ex.Result.Steps.Last().State);
        Assert.Contains("long-1", ex.Message);
        Assert.Contains("is kept", ex.Message);
    }

    [Fact]
    public async Task Drain_ToleratesAFewFailedPolls()
    {
        var genie = RedBlack();
        var plan = await Plan(genie, new[] { "sched:adhoc" }, drain: true);
        var failuresLeft = 0;
        genie.BeforeChange = (n, what) => { if (what.StartsWith("remove red")) failuresLeft = 3; }; // the first three drain polls fail
        genie.FailRead = n => failuresLeft-- > 0;
        var result = await Executor(genie).ExecuteAsync(plan, default);
        Assert.True(result.Drained);
    }

    [Fact]
    public async Task CommandSwitch_MovesTheVersionAlias()
    {
        var genie = new FakeGenie()
            .Cluster("local", "UP", "type:local")
            .Command("spark-3.5.0", "ACTIVE", new[] { "type:spark-submit", "ver:3.5", "ver:3.5.0" }, new[] { "type:local" })
            .Command("spark-3.5.1", "ACTIVE", new[] { "type:spark-submit", "ver:3.5.1" }, new[] { "type:local" });
        var plan = await TagSwap.PlanCommandSwitchAsync(genie, "spark-3.5.0", "spark-3.5.1", new[] { "ver:3.5" }, default);
        Assert.Equal(new[] { SwitchStepKind.CheckStatus, SwitchStepKind.CheckRunnable, SwitchStepKind.AddTags, SwitchStepKind.RemoveTags },
            plan.Steps.Select(s => s.Kind));
        var result = await Executor(genie).ExecuteAsync(plan, default);
        Assert.True(result.Succeeded);
        Assert.DoesNotContain("ver:3.5", genie.Commands["spark-3.5.0"].Tags);
        Assert.Contains("ver:3.5", genie.Commands["spark-3.5.1"].Tags);
        Assert.Contains("ver:3.5.0", genie.Commands["spark-3.5.0"].Tags);
    }

    [Theory]
    [InlineData("INACTIVE", "type:local", "INACTIVE, not ACTIVE")]
    [InlineData("ACTIVE", "type:yarn", "no cluster criteria that match an UP cluster")]
    public async Task CommandSwitch_Preconditions(string status, string criterion, string message)
    {
        var genie = new FakeGenie()
            .Cluster("local", "UP", "type:local")
            .Command("old", "ACTIVE", new[] { "ver:3.5" }, new[] { "type:local" })
            .Command("new", status, new[] { "ver:3.5.1" }, new[] { criterion });
        var plan = await TagSwap.PlanCommandSwitchAsync(genie, "old", "new", new[] { "ver:3.5" }, default);
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(() => Executor(genie).ExecuteAsync(plan, default));
        Assert.Equal(SwitchFailureKind.PreconditionFailed, ex.Kind);
        Assert.Contains(message, ex.Message);
        Assert.Empty(genie.Calls);
    }

    [Fact]
    public async Task CommandSwitch_FailureRollsBack()
    {
        var genie = new FakeGenie()
            .Cluster("local", "UP", "type:local")
            .Command("old", "ACTIVE", new[] { "ver:3.5", "ver:3.5.0" }, new[] { "type:local" })
            .Command("new", "ACTIVE", new[] { "ver:3.5.1" }, new[] { "type:local" });
        genie.BeforeChange = (n, _) => { if (n == 2) throw new GenieConnectionException(null, "gone"); };
        var ex = await Assert.ThrowsAsync<GenieSwitchException>(async () =>
            await Executor(genie).ExecuteAsync(await TagSwap.PlanCommandSwitchAsync(genie, "old", "new", new[] { "ver:3.5" }, default), default));
        Assert.True(ex.RollbackSucceeded);
        Assert.Equal(new[] { "ver:3.5", "ver:3.5.0" }, genie.Commands["old"].Tags.OrderBy(t => t));
        Assert.Equal(new[] { "ver:3.5.1" }, genie.Commands["new"].Tags.OrderBy(t => t));
    }
}
