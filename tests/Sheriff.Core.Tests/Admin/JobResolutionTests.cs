using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Xunit;

namespace Sheriff.Core.Tests.Admin;

/// <summary>Client-side job resolution (genie-api.md §9.3, and §9.2 for Genie 3) over hand-built resources.</summary>
public class JobResolutionTests
{
    private static ClusterDto Cluster(string id, string status, params string[] tags)
        => new() { Id = id, Name = id + "-name", Version = "1.0", User = "ops", Status = status, Tags = tags.ToList() };

    private static CriterionDto Crit(params string[] tags) => new() { Tags = tags.ToList() };

    private static CommandDto Command(string id, string status, string[] tags, params CriterionDto[] criteria)
        => new() { Id = id, Name = id + "-name", Version = "1.0", User = "ops", Status = status, Tags = tags.ToList(), ClusterCriteria = criteria.ToList() };

    private static GenieResolution Resolve(IEnumerable<ClusterDto> clusters, IEnumerable<CommandDto> commands, string[][] jobSets, string[] commandTags,
        GenieGeneration generation = GenieGeneration.Genie4, Dictionary<string, IReadOnlyList<string>>? links = null)
        => JobResolution.Resolve(new ResolutionInventory(clusters, commands, links), jobSets, commandTags, generation);

    private static readonly string[] Spark = { "type:spark-submit" };

    [Fact]
    public void Clusters_MatchWhenTheyCarryEveryTag_SupersetMatch()
    {
        var clusters = new[]
        {
            Cluster("big", "UP", "sched:sla", "type:yarn", "data:prod"),
            Cluster("partial", "UP", "sched:sla"),
        };
        var commands = new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) };

        var r = Resolve(clusters, commands, new[] { new[] { "sched:sla" } }, Spark);

        Assert.True(r.Matched);
        Assert.Equal("spark", r.Command!.Id);
        Assert.Equal(new[] { "big" }, r.Clusters.Select(c => c.Id));
        Assert.Equal("big", r.Cluster!.Id);
        Assert.False(r.IsAmbiguous);
        Assert.Null(r.Reason);
        // the merged criterion is the union of the command's and the job's tags
        Assert.Equal(new[] { "type:yarn", "sched:sla" }, r.Candidates.Single().Criterion.Tags);
    }

    [Fact]
    public void JobFallbacks_FirstSetThatMatchesWins_LaterSetsAreFallbacks()
    {
        var clusters = new[] { Cluster("a-adhoc", "UP", "sched:adhoc", "type:yarn"), Cluster("z-sla", "UP", "sched:sla", "type:yarn") };
        var commands = new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) };

        var both = Resolve(clusters, commands, new[] { new[] { "sched:sla" }, new[] { "sched:adhoc" } }, Spark);
        Assert.Equal("z-sla", both.Cluster!.Id);
        Assert.Equal(0, both.Candidates.Single().JobCriterionIndex);

        var fallback = Resolve(clusters.Take(1), commands, new[] { new[] { "sched:sla" }, new[] { "sched:adhoc" } }, Spark);
        Assert.Equal("a-adhoc", fallback.Cluster!.Id);
        Assert.Equal(1, fallback.Candidates.Single().JobCriterionIndex);
    }

    [Fact]
    public void CommandCriteria_AreTheOuterLoop_JobFallbacksOnlyWorkWithinOneCommandCriterion()
    {
        // The job prefers sched:adhoc (B would match with the command's second criterion), but the command's first
        // criterion combined with the job's *second* set already matches A, and the command's priority comes first.
        var clusters = new[]
        {
            Cluster("A", "UP", "type:yarn", "tier:gold", "sched:sla"),
            Cluster("B", "UP", "type:yarn", "sched:adhoc"),
        };
        var commands = new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn", "tier:gold"), Crit("type:yarn")) };

        var r = Resolve(clusters, commands, new[] { new[] { "sched:adhoc" }, new[] { "sched:sla" } }, Spark);

        Assert.Equal("A", r.Cluster!.Id);
        var candidate = r.Candidates.Single();
        Assert.Equal(0, candidate.CommandCriterionIndex);
        Assert.Equal(1, candidate.JobCriterionIndex);
        Assert.Equal(new[] { "type:yarn", "tier:gold", "sched:sla" }, candidate.Criterion.Tags);
    }

    [Fact]
    public void CommandCriteria_FallBackToTheNextWhenTheFirstMatchesNothing()
    {
        var clusters = new[] { Cluster("B", "UP", "type:yarn", "sched:adhoc") };
        var commands = new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn", "tier:gold"), Crit("type:yarn")) };

        var r = Resolve(clusters, commands, new[] { new[] { "sched:adhoc" } }, Spark);

        Assert.Equal("B", r.Cluster!.Id);
        Assert.Equal(1, r.Candidates.Single().CommandCriterionIndex);
    }

    [Theory]
    [InlineData("OUT_OF_SERVICE")]
    [InlineData("TERMINATED")]
    public void ClustersThatAreNotUp_AreNeverSelected(string status)
    {
        var clusters = new[] { Cluster("down", status, "sched:sla", "type:yarn"), Cluster("up", "UP", "sched:sla", "type:yarn") };
        var commands = new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) };

        var withUp = Resolve(clusters, commands, new[] { new[] { "sched:sla" } }, Spark);
        Assert.Equal(new[] { "up" }, withUp.Clusters.Select(c => c.Id));

        var onlyDown = Resolve(clusters.Take(1), commands, new[] { new[] { "sched:sla" } }, Spark);
        Assert.False(onlyDown.Matched);
        Assert.Null(onlyDown.Command);
        Assert.Empty(onlyDown.Candidates);
        Assert.StartsWith(JobResolution.NoClusterMessage, onlyDown.Reason);
        Assert.Contains(onlyDown.Notes, n => n.Contains("'down'") && n.Contains(status));
    }

    [Fact]
    public void ClusterStatus_IsComparedCaseInsensitively()
    {
        var r = Resolve(new[] { Cluster("c", "up", "type:yarn") }, new[] { Command("spark", "active", Spark, Crit("type:yarn")) },
            new[] { new[] { "type:yarn" } }, Spark);
        Assert.True(r.Matched);
    }

    [Fact]
    public void AnExplicitStatusInACommandCriterion_ReplacesTheImpliedUp()
    {
        var clusters = new[] { Cluster("down", "OUT_OF_SERVICE", "type:yarn"), Cluster("up", "UP", "type:yarn") };
        var criterion = Crit("type:yarn");
        criterion.Status = "OUT_OF_SERVICE";
        var r = Resolve(clusters, new[] { Command("drain", "ACTIVE", new[] { "type:drain" }, criterion) }, new[] { new[] { "type:yarn" } }, new[] { "type:drain" });
        Assert.Equal(new[] { "down" }, r.Clusters.Select(c => c.Id));
    }

    [Theory]
    [InlineData("DEPRECATED")]
    [InlineData("INACTIVE")]
    public void CommandsThatAreNotActive_AreNeverSelected(string status)
    {
        var clusters = new[] { Cluster("c", "UP", "type:yarn") };
        var old = Command("a-old", status, new[] { "type:spark-submit", "ver:2.4" }, Crit("type:yarn"));
        var current = Command("b-new", "ACTIVE", new[] { "type:spark-submit", "ver:3.5" }, Crit("type:yarn"));

        var r = Resolve(clusters, new[] { old, current }, new[] { new[] { "type:yarn" } }, Spark);
        Assert.Equal("b-new", r.Command!.Id);
        Assert.Single(r.Candidates);

        var onlyOld = Resolve(clusters, new[] { old, current }, new[] { new[] { "type:yarn" } }, new[] { "type:spark-submit", "ver:2.4" });
        Assert.False(onlyOld.Matched);
        Assert.StartsWith(JobResolution.NoCommandMessage, onlyOld.Reason);
        Assert.Contains(onlyOld.Notes, n => n.Contains("'a-old'") && n.Contains(status));
    }

    [Fact]
    public void ACommandWithoutClusterCriteria_IsNeverRunnable()
    {
        var clusters = new[] { Cluster("c", "UP", "type:yarn") };
        var bare = Command("bare", "ACTIVE", Spark);

        var alone = Resolve(clusters, new[] { bare }, new[] { new[] { "type:yarn" } }, Spark);
        Assert.False(alone.Matched);
        Assert.StartsWith(JobResolution.NoClusterMessage, alone.Reason);
        Assert.Contains(alone.Notes, n => n.Contains("'bare'") && n.Contains("no cluster criteria"));

        var withOther = Resolve(clusters, new[] { bare, Command("other", "ACTIVE", Spark, Crit("type:yarn")) }, new[] { new[] { "type:yarn" } }, Spark);
        Assert.Equal("other", withOther.Command!.Id);
        Assert.DoesNotContain(withOther.Candidates, c => c.Command.Id == "bare");
    }

    [Fact]
    public void CommandTags_MustAllBeCarried()
    {
        var clusters = new[] { Cluster("c", "UP", "type:yarn") };
        var commands = new[]
        {
            Command("spark-35", "ACTIVE", new[] { "type:spark-submit", "ver:3.5", "ver:3.5.1" }, Crit("type:yarn")),
            Command("spark-34", "ACTIVE", new[] { "type:spark-submit", "ver:3.4" }, Crit("type:yarn")),
        };

        var r = Resolve(clusters, commands, new[] { new[] { "type:yarn" } }, new[] { "type:spark-submit", "ver:3.5" });
        Assert.Equal("spark-35", r.Command!.Id);
        Assert.False(r.IsAmbiguous);
        Assert.Equal(new[] { "type:spark-submit", "ver:3.5" }, r.CommandCriteria);
    }

    [Fact]
    public void SeveralCandidates_AreAllListed_AndTheDeterministicPickIsTheLowestIdOrdinal()
    {
        var clusters = new[] { Cluster("c2", "UP", "type:yarn"), Cluster("C1", "UP", "type:yarn"), Cluster("c1", "UP", "type:yarn") };
        var commands = new[]
        {
            Command("b-spark", "ACTIVE", Spark, Crit("type:yarn")),
            Command("a-spark", "ACTIVE", Spark, Crit("type:yarn")),
        };

        var r = Resolve(clusters, commands, new[] { new[] { "type:yarn" } }, Spark);

        Assert.Equal(new[] { "a-spark", "b-spark" }, r.Candidates.Select(c => c.Command.Id));
        Assert.Equal("a-spark", r.Command!.Id);
        Assert.Equal(new[] { "C1", "c1", "c2" }, r.Clusters.Select(c => c.Id)); // ordinal: upper case first
        Assert.Equal("C1", r.Cluster!.Id);
        Assert.True(r.IsAmbiguous);
        Assert.Contains("random among 2 command(s)", r.Selection);
    }

    [Fact]
    public void GenieIdAndGenieNameTags_PinResourcesByIdAndName()
    {
        var clusters = new[] { Cluster("prod-a", "UP", "type:yarn"), Cluster("prod-b", "UP", "type:yarn") };
        var commands = new[]
        {
            Command("spark-34", "ACTIVE", new[] { "type:spark-submit", "ver:3.4" }, Crit("type:yarn")),
            Command("spark-35", "ACTIVE", new[] { "type:spark-submit", "ver:3.5" }, Crit("type:yarn")),
        };

        var byId = Resolve(clusters, commands, new[] { new[] { "genie.id:prod-b" } }, new[] { "genie.id:spark-35" });
        Assert.Equal("spark-35", byId.Command!.Id);
        Assert.Equal("prod-b", byId.Cluster!.Id);
        Assert.Equal("prod-b", byId.Candidates.Single().Criterion.Id);

        var byName = Resolve(clusters, commands, new[] { new[] { "genie.name:prod-a-name", "type:yarn" } }, new[] { "genie.name:spark-34-name", "type:spark-submit" });
        Assert.Equal("spark-34", byName.Command!.Id);
        Assert.Equal(new[] { "prod-a" }, byName.Clusters.Select(c => c.Id));

        var unknown = Resolve(clusters, commands, new[] { new[] { "type:yarn" } }, new[] { "genie.id:spark-99" });
        Assert.False(unknown.Matched);
        Assert.StartsWith(JobResolution.NoCommandMessage, unknown.Reason);
    }

    [Fact]
    public void ScalarFieldsThatDisagree_SkipThePair()
    {
        var clusters = new[] { Cluster("a", "UP", "type:yarn"), Cluster("b", "UP", "type:yarn") };
        var pinned = new CriterionDto { Id = "a", Tags = new List<string> { "type:yarn" } };
        var commands = new[] { Command("spark", "ACTIVE", Spark, pinned) };

        Assert.False(Resolve(clusters, commands, new[] { new[] { "genie.id:b" } }, Spark).Matched);
        Assert.Equal("a", Resolve(clusters, commands, new[] { new[] { "genie.id:a" } }, Spark).Cluster!.Id);
        Assert.Null(JobResolution.Merge(pinned, new CriterionDto { Id = "b" }));
        var merged = JobResolution.Merge(pinned, new CriterionDto { Name = "a-name", Tags = new List<string> { "sched:sla", "type:yarn" } })!;
        Assert.Equal("a", merged.Id);
        Assert.Equal("a-name", merged.Name);
        Assert.Equal(new[] { "type:yarn", "sched:sla" }, merged.Tags);
    }

    [Fact]
    public void NoMatchingCluster_GivesGeniesReason()
    {
        var r = Resolve(new[] { Cluster("c", "UP", "type:yarn") }, new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) },
            new[] { new[] { "sched:sla" }, new[] { "sched:adhoc" } }, Spark);

        Assert.False(r.Matched);
        Assert.Null(r.Cluster);
        Assert.Empty(r.Clusters);
        Assert.StartsWith(JobResolution.NoClusterMessage, r.Reason);
        Assert.Contains("[sched:sla] then [sched:adhoc]", r.Reason);
        Assert.StartsWith("no match: ", r.ToString());
    }

    [Fact]
    public void NoMatchingCommand_GivesGeniesReason()
    {
        var r = Resolve(new[] { Cluster("c", "UP", "type:yarn") }, new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) },
            new[] { new[] { "type:yarn" } }, new[] { "type:spark-submit", "ver:9.9" });
        Assert.StartsWith(JobResolution.NoCommandMessage, r.Reason);
        Assert.Contains("ver:9.9", r.Reason);
    }

    [Fact]
    public void EmptyCriteria_AreRejectedAsGenieWould()
    {
        var inventory = new ResolutionInventory(Array.Empty<ClusterDto>(), Array.Empty<CommandDto>());
        Assert.Throws<ArgumentException>(() => JobResolution.Resolve(inventory, Array.Empty<string[]>(), Spark));
        Assert.Throws<ArgumentException>(() => JobResolution.Resolve(inventory, new[] { new[] { " " } }, Spark));
        Assert.Throws<ArgumentException>(() => JobResolution.Resolve(inventory, new[] { new[] { "a" } }, new[] { "", " " }));
    }

    [Fact]
    public void DuplicateItemsFromPagedSearches_AreKeptOnce()
    {
        var c = Cluster("c", "UP", "type:yarn");
        var r = Resolve(new[] { c, c }, new[] { Command("spark", "ACTIVE", Spark, Crit("type:yarn")) }, new[] { new[] { "type:yarn" } }, Spark);
        Assert.Single(r.Clusters);
    }

    [Fact]
    public void CommandsTargeting_ListsCommandsWithACriterionTheClusterMatches_WhateverItsStatus()
    {
        var cluster = Cluster("c", "OUT_OF_SERVICE", "type:yarn", "sched:sla");
        var commands = new[]
        {
            Command("z", "ACTIVE", Spark, Crit("type:k8s"), Crit("sched:sla")),
            Command("a", "DEPRECATED", Spark, Crit("type:yarn")),
            Command("none", "ACTIVE", Spark),
            Command("other", "ACTIVE", Spark, Crit("type:k8s")),
            Command("byid", "ACTIVE", Spark, new CriterionDto { Id = "c" }),
        };
        Assert.Equal(new[] { "a", "byid", "z" }, JobResolution.CommandsTargeting(commands, cluster).Select(c => c.Id));
    }

    // ---- Genie 3 (§9.2) ----

    private static readonly Dictionary<string, IReadOnlyList<string>> G3Links = new()
    {
        ["yarn-1"] = new[] { "spark-16", "spark-20" },
        ["yarn-2"] = new[] { "spark-20" },
        ["idle"] = Array.Empty<string>(),
    };

    private static readonly CommandDto[] G3Commands =
    {
        Command("spark-16", "ACTIVE", new[] { "type:spark-submit", "ver:1.6" }),
        Command("spark-20", "ACTIVE", new[] { "type:spark-submit", "ver:2.0" }),
    };

    [Fact]
    public void Genie3_TheCommandIsTheFirstMatchingOneInTheClustersList()
    {
        var clusters = new[] { Cluster("yarn-1", "UP", "sched:sla", "type:yarn") };

        var byDefault = Resolve(clusters, G3Commands, new[] { new[] { "sched:sla" } }, Spark, GenieGeneration.Genie3, G3Links);
        Assert.Equal("spark-16", byDefault.Command!.Id);
        Assert.Equal("yarn-1", byDefault.Cluster!.Id);
        Assert.Equal(3, byDefault.Generation);

        var pinned = Resolve(clusters, G3Commands, new[] { new[] { "sched:sla" } }, new[] { "type:spark-submit", "ver:2.0" }, GenieGeneration.Genie3, G3Links);
        Assert.Equal("spark-20", pinned.Command!.Id);
    }

    [Fact]
    public void Genie3_ClustersWithoutAMatchingLinkedCommand_OrNotUp_AreSkipped_AndFallbacksApply()
    {
        var clusters = new[]
        {
            Cluster("idle", "UP", "sched:sla", "type:yarn"),
            Cluster("yarn-1", "OUT_OF_SERVICE", "sched:sla", "type:yarn"),
            Cluster("yarn-2", "UP", "sched:adhoc", "type:yarn"),
        };

        var r = Resolve(clusters, G3Commands, new[] { new[] { "sched:sla" }, new[] { "sched:adhoc" } }, Spark, GenieGeneration.Genie3, G3Links);

        Assert.Equal("yarn-2", r.Cluster!.Id);
        Assert.Equal("spark-20", r.Command!.Id);
        Assert.Equal(1, r.Candidates.Single().JobCriterionIndex);
        Assert.Contains(r.Notes, n => n.Contains("'idle'") && n.Contains("none of its commands"));
        Assert.Contains(r.Notes, n => n.Contains("'yarn-1'") && n.Contains("OUT_OF_SERVICE"));
    }

    [Fact]
    public void Genie3_SeveralClusters_GroupByTheirCommand_AndThePickIsTheLowestClusterId()
    {
        var clusters = new[] { Cluster("yarn-2", "UP", "type:yarn"), Cluster("yarn-1", "UP", "type:yarn") };

        var r = Resolve(clusters, G3Commands, new[] { new[] { "type:yarn" } }, Spark, GenieGeneration.Genie3, G3Links);

        Assert.Equal("yarn-1", r.Cluster!.Id);
        Assert.Equal("spark-16", r.Command!.Id);
        Assert.Equal(new[] { "yarn-1", "yarn-2" }, r.Clusters.Select(c => c.Id));
        Assert.Equal(new[] { "spark-16", "spark-20" }, r.Candidates.Select(c => c.Command.Id));
        Assert.True(r.IsAmbiguous);
    }

    [Fact]
    public void Genie3_NoMatch_GivesGenie3sReason()
    {
        var r = Resolve(new[] { Cluster("idle", "UP", "type:yarn") }, G3Commands, new[] { new[] { "type:yarn" } }, Spark, GenieGeneration.Genie3, G3Links);
        Assert.False(r.Matched);
        Assert.StartsWith(JobResolution.NoMatchG3Message, r.Reason);
    }

    // ---- the public model ----

    [Fact]
    public void Criterion_ParsesCommaSeparatedTags_WithGenieIdAndName()
    {
        var c = GenieCriterion.Parse(" sched:sla , type:yarn,,genie.id:c1,genie.name:prod,sched:sla");
        Assert.Equal(new[] { "sched:sla", "type:yarn" }, c.Tags);
        Assert.Equal("c1", c.Id);
        Assert.Equal("prod", c.Name);
        Assert.Equal("genie.id:c1,genie.name:prod,sched:sla,type:yarn", c.ToString());
        Assert.True(GenieCriterion.Parse(" , ").IsEmpty);
        var dto = new GenieCriterion { Tags = new[] { "a", " ", "a" }, Status = "up" }.ToDto();
        Assert.Equal(new[] { "a" }, dto.Tags);
        Assert.Equal("UP", dto.Status);
    }

    [Fact]
    public void Models_LeaveOutSynthesizedTags_AndSortTheRest()
    {
        var dto = Cluster("c", "up", "type:yarn", "genie.id:c", "genie.name:c-name", "sched:sla");
        var cluster = GenieCluster.FromDto(dto, new Uri("http://genie:8080/"));
        Assert.Equal(new[] { "sched:sla", "type:yarn" }, cluster.Tags);
        Assert.Equal("UP", cluster.Status);
        Assert.Equal(GenieResourceKind.Cluster, cluster.Kind);
        Assert.Equal(new Uri("http://genie:8080/api/v3/clusters/c"), cluster.ApiUri);
        Assert.Equal("cluster c 'c-name' 1.0 UP [sched:sla, type:yarn]", cluster.ToString());

        var command = GenieCommand.FromDto(new CommandDto { Id = "x", ExecutableAndArguments = new List<string> { "bash", "-c" }, ClusterCriteria = { Crit("type:local") } });
        Assert.Equal("bash -c", command.Executable);
        Assert.Equal("type:local", command.ClusterCriteria.Single().ToString());
    }
}
