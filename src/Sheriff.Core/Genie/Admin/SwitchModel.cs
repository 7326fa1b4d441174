using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sheriff.Core.Genie.Admin
{
    /// <summary>A cluster or command as a switch sees it: identity, status and tags at one moment.</summary>
    public sealed class SwitchResource
    {
        public SwitchResource(GenieResourceKind kind, string id, string? name, string? version, string? status, IEnumerable<string>? tags)
        {
            Kind = kind;
            Id = id ?? throw new ArgumentNullException(nameof(id));
            Name = string.IsNullOrEmpty(name) ? id : name!;
            Version = version;
            Status = status?.ToUpperInvariant();
            Tags = (tags ?? Array.Empty<string>()).Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToArray();
        }

        public GenieResourceKind Kind { get; }
        public string Id { get; }
        public string Name { get; }
        public string? Version { get; }
        public string? Status { get; }
        public IReadOnlyList<string> Tags { get; }

        internal SwitchResource WithTags(IEnumerable<string> tags) => new SwitchResource(Kind, Id, Name, Version, Status, tags);

        internal static SwitchResource FromCluster(ClusterDto dto)
            => new SwitchResource(GenieResourceKind.Cluster, dto.Id ?? "", dto.Name, dto.Version, dto.Status, dto.Tags);

        internal static SwitchResource FromCommand(CommandDto dto)
            => new SwitchResource(GenieResourceKind.Command, dto.Id ?? "", dto.Name, dto.Version, dto.Status, dto.Tags);

        /// <summary>"name" when the name is the id, else "name (id)".</summary>
        public override string ToString() => string.Equals(Name, Id, StringComparison.Ordinal) ? Id : $"{Name} ({Id})";
    }

    /// <summary>The kinds of step a switch plan is made of.</summary>
    public enum SwitchStepKind
    {
        /// <summary>The target is UP (cluster) or ACTIVE (command).</summary>
        CheckStatus,
        /// <summary>Cluster: a job asking for the tags would be sent to the target (genie-api.md §9.3).</summary>
        CheckSelection,
        /// <summary>Command: the target has cluster criteria that match at least one UP cluster.</summary>
        CheckRunnable,
        AddTags,
        RemoveTags,
        /// <summary>Wait until the source cluster runs no active job.</summary>
        Drain,
        /// <summary>Set the source cluster OUT_OF_SERVICE.</summary>
        SetOutOfService,
    }

    /// <summary>Where a step stands.</summary>
    public enum SwitchStepState
    {
        /// <summary>Planned, not run (yet).</summary>
        Planned,
        Succeeded,
        /// <summary>Ran, but there was nothing to change (e.g. the tags were already there).</summary>
        NothingToDo,
        Failed,
        /// <summary>Not run, because an earlier step failed.</summary>
        Skipped,
        /// <summary>Applied, then undone by the rollback.</summary>
        RolledBack,
        /// <summary>Applied, and the rollback could not undo it.</summary>
        RollbackFailed,
        /// <summary>The drain did not finish within its timeout.</summary>
        TimedOut,
    }

    /// <summary>One step of a switch: what it does, and (after execution) how it went.</summary>
    public sealed class SwitchStep
    {
        internal SwitchStep(int number, SwitchStepKind kind, string description, SwitchResource target, IReadOnlyList<string> tags, bool isSwitchPhase)
        {
            Number = number;
            Kind = kind;
            Description = description;
            Target = target;
            Tags = tags;
            IsSwitchPhase = isSwitchPhase;
        }

        public int Number { get; }
        public SwitchStepKind Kind { get; }
        public string Description { get; }
        /// <summary>The resource the step reads or changes.</summary>
        public SwitchResource Target { get; }
        /// <summary>The tags the step is about (empty for status steps).</summary>
        public IReadOnlyList<string> Tags { get; }
        /// <summary>True for the checks and tag edits (rolled back as one unit); false for the drain and OUT_OF_SERVICE.</summary>
        public bool IsSwitchPhase { get; }
        public SwitchStepState State { get; internal set; } = SwitchStepState.Planned;
        /// <summary>What happened: the check's finding, the tags changed, the error, the rollback.</summary>
        public string? Detail { get; internal set; }
        /// <summary>What the plan saw when it was made (e.g. "black is UP now"); informational, checks re-read at run time.</summary>
        public string? Preview { get; internal set; }
        public DateTimeOffset? Started { get; internal set; }
        public DateTimeOffset? Finished { get; internal set; }

        /// <summary>Tags this step actually added or removed (or may have, when a call failed): what a rollback undoes.</summary>
        internal List<string> Applied { get; } = new List<string>();
        internal bool Changed => Applied.Count > 0;

        internal void AddDetail(string text) => Detail = string.IsNullOrEmpty(Detail) ? text : Detail + " " + text;

        public override string ToString() => $"{Number}. {Description} [{State}]" + (string.IsNullOrEmpty(Detail) ? "" : ": " + Detail);
    }

    /// <summary>
    /// A red/black switch, planned: move <see cref="Tags"/> from <see cref="From"/> to <see cref="To"/> (clusters or
    /// commands), optionally drain and retire the old cluster. Nothing is changed until it is executed
    /// (<see cref="SwitchExecutor"/>); <see cref="Describe"/> is what -WhatIf shows.
    /// </summary>
    public sealed class SwitchPlan
    {
        internal SwitchPlan(GenieResourceKind kind, SwitchResource from, SwitchResource to, IReadOnlyList<string> tags,
            bool tagsWereDefaulted, bool drain, TimeSpan drainTimeout, IReadOnlyList<SwitchStep> steps, IReadOnlyList<string> warnings)
        {
            Kind = kind;
            From = from;
            To = to;
            Tags = tags;
            TagsWereDefaulted = tagsWereDefaulted;
            Drain = drain;
            DrainTimeout = drainTimeout;
            Steps = steps;
            Warnings = warnings;
        }

        public GenieResourceKind Kind { get; }
        public SwitchResource From { get; }
        public SwitchResource To { get; }
        /// <summary>The tags to move.</summary>
        public IReadOnlyList<string> Tags { get; }
        /// <summary>True when the tags were not given: the tags From has and To lacks, without genie.* tags.</summary>
        public bool TagsWereDefaulted { get; }
        public bool Drain { get; }
        public TimeSpan DrainTimeout { get; }
        public IReadOnlyList<SwitchStep> Steps { get; }
        /// <summary>Things the plan noticed that do not stop it (e.g. another cluster also carries the tags).</summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>A one-line title: "Switch cluster tags [sched:adhoc] from red to black".</summary>
        public string Title
            => $"Switch {KindName(Kind)} tags [{string.Join(", ", Tags)}] from {From} to {To}" + (Drain ? ", then drain and retire " + From : "");

        /// <summary>The whole plan, one numbered line per step (with what the plan saw now), then warnings.</summary>
        public string Describe()
        {
            var text = new StringBuilder(Title).Append(':');
            foreach (var step in Steps)
            {
                text.AppendLine().Append("  ").Append(step.Number.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(step.Description);
                if (!string.IsNullOrEmpty(step.Preview)) text.Append(" (").Append(step.Preview).Append(')');
            }
            foreach (var warning in Warnings) text.AppendLine().Append("  Warning: ").Append(warning);
            return text.ToString();
        }

        public override string ToString() => Title;

        internal static string KindName(GenieResourceKind kind) => kind == GenieResourceKind.Cluster ? "cluster" : kind == GenieResourceKind.Command ? "command" : "application";
    }

    /// <summary>What a switch did: emitted by Switch-GenieCluster / Switch-GenieCommand -PassThru, and carried by errors.</summary>
    public sealed class GenieSwitchResult
    {
        internal GenieSwitchResult(SwitchPlan plan)
        {
            Plan = plan;
            Kind = plan.Kind;
            From = plan.From;
            To = plan.To;
            Steps = plan.Steps;
            Warnings = plan.Warnings;
        }

        public GenieResourceKind Kind { get; }
        public SwitchResource From { get; }
        public SwitchResource To { get; }
        /// <summary>The tags that now route to <see cref="To"/> instead of <see cref="From"/>; empty when the switch was rolled back.</summary>
        public IReadOnlyList<string> TagsMoved { get; internal set; } = Array.Empty<string>();
        /// <summary>True when -Drain waited until From ran no job and set it OUT_OF_SERVICE.</summary>
        public bool Drained { get; internal set; }
        public IReadOnlyList<SwitchStep> Steps { get; }
        public IReadOnlyList<string> Warnings { get; }
        /// <summary>True when every step succeeded.</summary>
        public bool Succeeded { get; internal set; }
        /// <summary>True when a failure made the switch undo its tag changes.</summary>
        public bool RolledBack { get; internal set; }
        /// <summary>After a rollback: true when every undo call succeeded and both tag sets read back as before.</summary>
        public bool? RollbackSucceeded { get; internal set; }
        public DateTimeOffset Started { get; internal set; }
        public DateTimeOffset Finished { get; internal set; }
        public TimeSpan Duration => Finished - Started;
        public SwitchPlan Plan { get; }

        public override string ToString()
        {
            var outcome = Succeeded ? (Drained ? "switched, drained" : "switched") : RolledBack ? "rolled back" : "failed";
            return $"{From} -> {To} [{string.Join(", ", Plan.Tags)}]: {outcome}";
        }
    }

    /// <summary>Why a switch stopped.</summary>
    public enum SwitchFailureKind
    {
        /// <summary>A check failed before anything was changed.</summary>
        PreconditionFailed,
        /// <summary>A step failed (or was cancelled); see <see cref="GenieSwitchException.RolledBack"/>.</summary>
        StepFailed,
        /// <summary>The drain did not finish in time; the tag switch is kept and From stays UP.</summary>
        DrainTimeout,
    }

    /// <summary>A switch that did not complete. <see cref="Result"/> has every step with its state.</summary>
    public sealed class GenieSwitchException : GenieException
    {
        internal GenieSwitchException(string message, SwitchFailureKind kind, GenieSwitchResult result, SwitchStep? failedStep,
            bool cancelled, string rollbackReport, Exception? inner)
            : base(message, inner)
        {
            Kind = kind;
            Result = result;
            FailedStep = failedStep;
            Cancelled = cancelled;
            RollbackReport = rollbackReport;
        }

        public SwitchFailureKind Kind { get; }
        public GenieSwitchResult Result { get; }
        /// <summary>The step that failed (or timed out, or was running when the token was cancelled).</summary>
        public SwitchStep? FailedStep { get; }
        /// <summary>True when the switch stopped because its token was cancelled (Ctrl+C).</summary>
        public bool Cancelled { get; }
        public bool RolledBack => Result.RolledBack;
        public bool? RollbackSucceeded => Result.RollbackSucceeded;
        /// <summary>What was undone and whether the tags read back as before, in words.</summary>
        public string RollbackReport { get; }
    }

    /// <summary>A switch could not be planned: a resource is unknown or ambiguous, or the arguments make no sense.</summary>
    public sealed class SwitchPlanException : GenieException
    {
        internal SwitchPlanException(string message, SwitchPlanProblem problem, string? target, Exception? inner = null) : base(message, inner)
        {
            Problem = problem;
            Target = target;
        }

        public SwitchPlanProblem Problem { get; }
        /// <summary>The id, name or tag the problem is about.</summary>
        public string? Target { get; }
    }

    public enum SwitchPlanProblem
    {
        /// <summary>No cluster/command has that id or name.</summary>
        NotFound,
        /// <summary>The name matches several resources: use the id.</summary>
        Ambiguous,
        /// <summary>A bad argument: From = To, a genie.* tag, a tag neither carries.</summary>
        InvalidArgument,
        /// <summary>There is nothing to move (no tags From has that To lacks).</summary>
        NothingToMove,
    }
}
