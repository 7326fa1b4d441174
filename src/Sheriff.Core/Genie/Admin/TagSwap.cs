using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Sheriff.Core.Genie.Admin
{
    /// <summary>
    /// Plans red/black switches (genie-api.md §9.4): traffic follows tags, so moving a tag from one cluster to another
    /// moves every new job that asks for it; moving a version tag (<c>ver:3.5</c>) from one command to another moves
    /// every job that asks for that version. The plan is made of checks, then "add to the new one", then "remove from the
    /// old one" (make before break: for a moment both carry the tags, never neither), then optionally a drain of the old
    /// cluster and OUT_OF_SERVICE. <see cref="SwitchExecutor"/> runs it and rolls the tag changes back on failure.
    /// </summary>
    public static class TagSwap
    {
        /// <summary>Default bound on the drain wait.</summary>
        public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromHours(1);

        /// <summary>Genie's own tags (<c>genie.id:</c>, <c>genie.name:</c>): never moved.</summary>
        public static bool IsGenieTag(string tag) => tag.StartsWith("genie.", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Plans moving <paramref name="tags"/> from cluster <paramref name="from"/> to cluster <paramref name="to"/> (ids or
        /// names). Without tags: every tag From has and To lacks, except genie.* tags.
        /// </summary>
        /// <exception cref="SwitchPlanException">A cluster is unknown or ambiguous, a tag is invalid, or nothing is to move.</exception>
        public static async Task<SwitchPlan> PlanClusterSwitchAsync(ISwitchOperations ops, string from, string to, IReadOnlyCollection<string>? tags,
            bool drain, TimeSpan drainTimeout, CancellationToken ct)
        {
            if (ops == null) throw new ArgumentNullException(nameof(ops));
            var source = await ResolveAsync(ops, GenieResourceKind.Cluster, from, ct).ConfigureAwait(false);
            var target = await ResolveAsync(ops, GenieResourceKind.Cluster, to, ct).ConfigureAwait(false);
            var (moving, defaulted) = TagsToMove(source, target, tags);

            var steps = new List<SwitchStep>();
            var check = Add(steps, SwitchStepKind.CheckStatus, $"Check that cluster {target} is UP", target, moving, true);
            check.Preview = target.Status == "UP" ? "it is UP now" : $"it is {target.Status ?? "without status"} now: this check will fail";

            var select = Add(steps, SwitchStepKind.CheckSelection,
                $"Check that a job asking for [{Join(moving)}] would be sent to cluster {target} (genie-api.md §9.3)", target, moving, true);
            var warnings = new List<string>();
            var selection = await EvaluateSelectionAsync(ops, source, target, moving, ct).ConfigureAwait(false);
            select.Preview = "now: " + selection;
            if (selection.Evaluated && selection.OtherClusters.Count > 0)
                warnings.Add($"after the switch, jobs asking for [{Join(moving)}] could also land on {string.Join(", ", selection.OtherClusters.Select(c => c.Name))} (Genie picks among matching clusters).");
            if (!selection.Evaluated) warnings.Add("the selection check cannot be evaluated: no ACTIVE command has cluster criteria (a Genie 3 server?); it will pass without a verdict.");

            AddTagSteps(steps, source, target, moving);
            if (drain)
            {
                var wait = Add(steps, SwitchStepKind.Drain,
                    $"Wait until cluster {source} runs no active job (at most {Seconds(drainTimeout)})", source, Array.Empty<string>(), false);
                var running = await ops.GetActiveJobIdsAsync(source.Id, 1000, ct).ConfigureAwait(false);
                wait.Preview = running.Count == 0 ? "it runs no active job now" : $"{running.Count}{(running.Count >= 1000 ? "+" : "")} active jobs on it now";
                var oos = Add(steps, SwitchStepKind.SetOutOfService, $"Set cluster {source} OUT_OF_SERVICE", source, Array.Empty<string>(), false);
                oos.Preview = $"it is {source.Status ?? "without status"} now";
            }
            return new SwitchPlan(GenieResourceKind.Cluster, source, target, moving, defaulted, drain, drainTimeout, steps, warnings);
        }

        /// <summary>
        /// Plans moving <paramref name="tags"/> (e.g. <c>ver:3.5</c>) from command <paramref name="from"/> to command
        /// <paramref name="to"/> (ids or names): the version alias switch.
        /// </summary>
        /// <exception cref="SwitchPlanException">A command is unknown or ambiguous, or a tag is invalid.</exception>
        public static async Task<SwitchPlan> PlanCommandSwitchAsync(ISwitchOperations ops, string from, string to, IReadOnlyCollection<string> tags,
            CancellationToken ct)
        {
            if (ops == null) throw new ArgumentNullException(nameof(ops));
            if (tags == null || tags.Count == 0)
                throw new SwitchPlanException("Name the tags to move (e.g. ver:3.5): a command's other tags describe the command itself.", SwitchPlanProblem.InvalidArgument, null);
            var source = await ResolveAsync(ops, GenieResourceKind.Command, from, ct).ConfigureAwait(false);
            var target = await ResolveAsync(ops, GenieResourceKind.Command, to, ct).ConfigureAwait(false);
            var (moving, _) = TagsToMove(source, target, tags);

            var steps = new List<SwitchStep>();
            var check = Add(steps, SwitchStepKind.CheckStatus, $"Check that command {target} is ACTIVE", target, moving, true);
            check.Preview = target.Status == "ACTIVE" ? "it is ACTIVE now" : $"it is {target.Status ?? "without status"} now: this check will fail";
            var runnable = Add(steps, SwitchStepKind.CheckRunnable,
                $"Check that command {target} has cluster criteria that match an UP cluster", target, moving, true);
            var clusters = await ops.GetCommandClustersAsync(target.Id, ct).ConfigureAwait(false);
            runnable.Preview = clusters.Count == 0 ? "it matches no UP cluster now: this check will fail" : "it runs on " + string.Join(", ", clusters.Select(c => c.Name)) + " now";
            AddTagSteps(steps, source, target, moving);

            var warnings = new List<string>();
            var others = (await ops.GetActiveCommandsAsync(moving, ct).ConfigureAwait(false))
                .Where(c => c.Id != source.Id && c.Id != target.Id).Select(c => c.Name == c.Id ? c.Id : $"{c.Name} ({c.Id})").ToList();
            if (others.Count > 0)
                warnings.Add($"other ACTIVE commands also carry [{Join(moving)}]: {string.Join(", ", others)}; jobs asking only for these tags may get any of them (genie-api.md §9.4).");
            return new SwitchPlan(GenieResourceKind.Command, source, target, moving, false, false, TimeSpan.Zero, steps, warnings);
        }

        /// <summary>Whether a job asking for <paramref name="tags"/> would reach <paramref name="target"/> once they moved from <paramref name="source"/>.</summary>
        public static async Task<SwitchSelection> EvaluateSelectionAsync(ISwitchOperations ops, SwitchResource source, SwitchResource target,
            IReadOnlyCollection<string> tags, CancellationToken ct)
        {
            var carrying = await ops.FindClustersWithTagsAsync(tags, ct).ConfigureAwait(false);
            // After the move: the target carries the tags, the source does not (it loses every moved tag it has).
            var after = carrying.Where(c => c.Id != source.Id && c.Id != target.Id).ToList();
            after.Add(target.WithTags(target.Tags.Concat(tags)));
            var commands = await ops.GetActiveCommandsAsync(null, ct).ConfigureAwait(false);
            return SwitchSelection.Evaluate(tags, after, commands, target.Id);
        }

        private static void AddTagSteps(List<SwitchStep> steps, SwitchResource source, SwitchResource target, IReadOnlyList<string> moving)
        {
            var kind = SwitchPlan.KindName(source.Kind);
            var add = Add(steps, SwitchStepKind.AddTags, $"Add [{Join(moving)}] to {kind} {target}", target, moving, true);
            var missing = moving.Where(t => !target.Tags.Contains(t)).ToList();
            add.Preview = missing.Count == moving.Count ? null : missing.Count == 0 ? "all already there" : $"[{Join(moving.Except(missing))}] already there";
            var remove = Add(steps, SwitchStepKind.RemoveTags, $"Remove [{Join(moving)}] from {kind} {source}", source, moving, true);
            var present = moving.Where(t => source.Tags.Contains(t)).ToList();
            remove.Preview = present.Count == moving.Count ? null : present.Count == 0 ? "none there now" : $"[{Join(moving.Except(present))}] not there now";
        }

        private static (IReadOnlyList<string> Tags, bool Defaulted) TagsToMove(SwitchResource source, SwitchResource target, IReadOnlyCollection<string>? tags)
        {
            var kind = SwitchPlan.KindName(source.Kind);
            if (source.Id == target.Id)
                throw new SwitchPlanException($"-From and -To are the same {kind} ({source}).", SwitchPlanProblem.InvalidArgument, source.Id);
            if (tags == null || tags.Count == 0)
            {
                var defaults = source.Tags.Where(t => !IsGenieTag(t) && !target.Tags.Contains(t)).ToList();
                if (defaults.Count == 0)
                    throw new SwitchPlanException(
                        $"{Cap(kind)} {source} has no tag that {target} lacks (genie.* tags aside): there is nothing to move. Name the tags with -Tag " +
                        "(tags already moved are skipped, so a switch can be re-run, e.g. to drain).", SwitchPlanProblem.NothingToMove, source.Id);
                return (defaults, true);
            }
            var list = new List<string>();
            foreach (var raw in tags)
            {
                var tag = raw?.Trim();
                if (string.IsNullOrEmpty(tag))
                    throw new SwitchPlanException("A tag is empty.", SwitchPlanProblem.InvalidArgument, raw);
                if (IsGenieTag(tag!))
                    throw new SwitchPlanException($"'{tag}' is one of Genie's own tags (genie.id:, genie.name:), which cannot be moved.", SwitchPlanProblem.InvalidArgument, tag);
                if (!source.Tags.Contains(tag!) && !target.Tags.Contains(tag!))
                    throw new SwitchPlanException($"Neither {kind} {source} nor {target} carries tag '{tag}' (a typo?). {Cap(kind)} {source} carries [{Join(source.Tags)}].",
                        SwitchPlanProblem.InvalidArgument, tag);
                if (!list.Contains(tag!)) list.Add(tag!);
            }
            return (list, false);
        }

        /// <summary>By id first, then by exact name (which must be unique).</summary>
        public static async Task<SwitchResource> ResolveAsync(ISwitchOperations ops, GenieResourceKind kind, string idOrName, CancellationToken ct)
        {
            var what = SwitchPlan.KindName(kind);
            if (string.IsNullOrWhiteSpace(idOrName))
                throw new SwitchPlanException($"The {what} id or name is empty.", SwitchPlanProblem.InvalidArgument, idOrName);
            try
            {
                return await ops.GetAsync(kind, idOrName, ct).ConfigureAwait(false);
            }
            catch (GenieApiException ex) when (ex.IsNotFound)
            {
                var byName = await ops.FindByNameAsync(kind, idOrName, ct).ConfigureAwait(false);
                if (byName.Count == 1) return byName[0];
                if (byName.Count > 1)
                    throw new SwitchPlanException($"The name '{idOrName}' matches {byName.Count} {what}s ({string.Join(", ", byName.Select(r => r.Id))}); give the id.",
                        SwitchPlanProblem.Ambiguous, idOrName);
                throw new SwitchPlanException($"Genie has no {what} with the id or name '{idOrName}'.", SwitchPlanProblem.NotFound, idOrName, ex);
            }
        }

        private static SwitchStep Add(List<SwitchStep> steps, SwitchStepKind kind, string description, SwitchResource target, IReadOnlyList<string> tags, bool switchPhase)
        {
            var step = new SwitchStep(steps.Count + 1, kind, description, target, tags, switchPhase);
            steps.Add(step);
            return step;
        }

        internal static string Join(IEnumerable<string> tags) => string.Join(", ", tags);
        internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
    }

    /// <summary>
    /// Runs a <see cref="SwitchPlan"/> once. Every step is recorded on the plan's steps. The checks and tag edits are one
    /// unit: if one fails, or the token is cancelled, the tag changes made so far are undone in reverse order (tags
    /// removed from From are re-added, tags added to To are removed again; tags To already had are never touched), the
    /// tag sets are read back and compared with a snapshot taken before the first change, and a
    /// <see cref="GenieSwitchException"/> says which step failed, what was undone and whether the tags are exactly as
    /// before. The drain and OUT_OF_SERVICE steps come after the switch has taken effect and do not undo it: a drain
    /// timeout, a cancelled drain or a failed status change leave the tags moved and From UP.
    /// Messages go to the log callback, which may be called from any thread.
    /// </summary>
    public sealed class SwitchExecutor
    {
        private readonly ISwitchOperations _ops;
        private readonly Action<string>? _log;
        private readonly int _failBeforeChange = SwitchTestHooks.FailBeforeChange;
        private readonly int _blockBeforeChange = SwitchTestHooks.BlockBeforeChange;
        private int _changes;

        public SwitchExecutor(ISwitchOperations ops, Action<string>? log = null)
        {
            _ops = ops ?? throw new ArgumentNullException(nameof(ops));
            _log = log;
        }

        /// <summary>How long the rollback may take at most (it does not use the caller's token, which may be cancelled).</summary>
        public TimeSpan RollbackTimeout { get; set; } = TimeSpan.FromMinutes(2);
        /// <summary>The drain polls quickly at first, then every tenth of the time waited so far, between these bounds.</summary>
        public TimeSpan DrainPollMin { get; set; } = TimeSpan.FromMilliseconds(250);
        public TimeSpan DrainPollMax { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>Consecutive failed drain polls tolerated before the drain fails.</summary>
        public int DrainMaxConsecutiveFailures { get; set; } = 5;

        public async Task<GenieSwitchResult> ExecuteAsync(SwitchPlan plan, CancellationToken ct)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            if (plan.Steps.Any(s => s.State != SwitchStepState.Planned))
                throw new InvalidOperationException("This plan has already been executed; plan the switch again.");
            var result = new GenieSwitchResult(plan) { Started = DateTimeOffset.UtcNow };
            var applied = new List<SwitchStep>();
            Snapshot? before = null;
            SwitchStep? current = null;
            Log(plan.Title);
            try
            {
                foreach (var step in plan.Steps.Where(s => s.IsSwitchPhase))
                {
                    current = step;
                    ct.ThrowIfCancellationRequested();
                    Begin(plan, step);
                    if (before == null && (step.Kind == SwitchStepKind.AddTags || step.Kind == SwitchStepKind.RemoveTags))
                        before = await TakeSnapshotAsync(plan, ct).ConfigureAwait(false);
                    try
                    {
                        await RunSwitchStepAsync(plan, step, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        if (step.Changed) applied.Add(step);
                    }
                    End(step, step.State == SwitchStepState.Planned ? SwitchStepState.Succeeded : step.State);
                }
                current = null;
            }
            catch (Exception ex)
            {
                var cancelled = ex is OperationCanceledException && ct.IsCancellationRequested;
                var isCheck = ex is CheckFailedException;
                if (current != null)
                {
                    current.AddDetail(cancelled ? "Cancelled." : ex.Message);
                    End(current, SwitchStepState.Failed);
                }
                foreach (var rest in plan.Steps.Where(s => s.State == SwitchStepState.Planned)) rest.State = SwitchStepState.Skipped;
                string report;
                if (applied.Count == 0)
                {
                    report = "Nothing had been changed, so nothing was rolled back.";
                }
                else
                {
                    report = await RollbackAsync(plan, applied, before, result).ConfigureAwait(false);
                }
                result.Finished = DateTimeOffset.UtcNow;
                var kind = isCheck && applied.Count == 0 ? SwitchFailureKind.PreconditionFailed : SwitchFailureKind.StepFailed;
                var what = current == null ? "" : $" at step {current.Number} ({current.Description})";
                var message = cancelled
                    ? $"{plan.Title}: cancelled{what}. {report}"
                    : isCheck
                        ? $"{plan.Title}: step {current?.Number} failed: {ex.Message} {report}"
                        : $"{plan.Title}: failed{what}: {ex.Message} {report}";
                Log(message);
                throw new GenieSwitchException(message, kind, result, current, cancelled, report, isCheck ? null : ex);
            }

            result.TagsMoved = plan.Tags;
            Log($"Switched: jobs asking for [{TagSwap.Join(plan.Tags)}] now go to {plan.To}.");
            if (!plan.Drain)
            {
                result.Succeeded = true;
                result.Finished = DateTimeOffset.UtcNow;
                return result;
            }

            // The drain phase: the switch has taken effect and is kept whatever happens here.
            var switchSteps = $"steps 1-{plan.Steps.Count(s => s.IsSwitchPhase)}";
            var kept = $"The tag switch ({switchSteps}) is kept, so new jobs go to {plan.To}, and {plan.From} stays {plan.From.Status ?? "UP"}; to undo the switch, switch back from {plan.To} to {plan.From}.";
            foreach (var step in plan.Steps.Where(s => !s.IsSwitchPhase))
            {
                current = step;
                try
                {
                    ct.ThrowIfCancellationRequested();
                    Begin(plan, step);
                    if (step.Kind == SwitchStepKind.Drain) await DrainAsync(plan, step, ct).ConfigureAwait(false);
                    else await SetOutOfServiceAsync(step, ct).ConfigureAwait(false);
                    End(step, SwitchStepState.Succeeded);
                }
                catch (Exception ex)
                {
                    var cancelled = ex is OperationCanceledException && ct.IsCancellationRequested;
                    var timedOut = ex is DrainTimedOutException;
                    step.AddDetail(cancelled ? "Cancelled." : ex.Message);
                    End(step, timedOut ? SwitchStepState.TimedOut : SwitchStepState.Failed);
                    foreach (var rest in plan.Steps.Where(s => s.State == SwitchStepState.Planned)) rest.State = SwitchStepState.Skipped;
                    result.Finished = DateTimeOffset.UtcNow;
                    var message = cancelled
                        ? $"{plan.Title}: cancelled at step {step.Number} ({step.Description}). {kept}"
                        : timedOut
                            ? $"{plan.Title}: {ex.Message} {kept} Wait for those jobs (or stop them), then set {plan.From} OUT_OF_SERVICE, or run the switch again with -Drain."
                            : $"{plan.Title}: failed at step {step.Number} ({step.Description}): {ex.Message} {kept}";
                    Log(message);
                    throw new GenieSwitchException(message, timedOut ? SwitchFailureKind.DrainTimeout : SwitchFailureKind.StepFailed,
                        result, step, cancelled, "Not rolled back: " + kept, timedOut ? null : ex);
                }
            }
            result.Drained = true;
            result.Succeeded = true;
            result.Finished = DateTimeOffset.UtcNow;
            return result;
        }

        private async Task RunSwitchStepAsync(SwitchPlan plan, SwitchStep step, CancellationToken ct)
        {
            var kind = SwitchPlan.KindName(plan.Kind);
            switch (step.Kind)
            {
                case SwitchStepKind.CheckStatus:
                {
                    var wanted = plan.Kind == GenieResourceKind.Cluster ? "UP" : "ACTIVE";
                    var now = await _ops.GetAsync(plan.Kind, plan.To.Id, ct).ConfigureAwait(false);
                    // From must still exist too: a switch away from a deleted resource would only half-run.
                    await _ops.GetAsync(plan.Kind, plan.From.Id, ct).ConfigureAwait(false);
                    if (!string.Equals(now.Status, wanted, StringComparison.OrdinalIgnoreCase))
                        throw new CheckFailedException($"{Cap(kind)} {plan.To} is {now.Status ?? "without status"}, not {wanted}: Genie would not send jobs to it.");
                    step.Detail = $"{plan.To} is {wanted}.";
                    break;
                }
                case SwitchStepKind.CheckSelection:
                {
                    var source = await _ops.GetAsync(GenieResourceKind.Cluster, plan.From.Id, ct).ConfigureAwait(false);
                    var target = await _ops.GetAsync(GenieResourceKind.Cluster, plan.To.Id, ct).ConfigureAwait(false);
                    var verdict = await TagSwap.EvaluateSelectionAsync(_ops, source, target, plan.Tags, ct).ConfigureAwait(false);
                    if (verdict.Evaluated && !verdict.WouldSelectTarget)
                        throw new CheckFailedException(
                            $"A job asking for [{TagSwap.Join(plan.Tags)}] would not be sent to cluster {plan.To}: no ACTIVE command has cluster criteria that, " +
                            $"merged with those tags, match it first (genie-api.md §9.3). Cluster {plan.To} carries [{TagSwap.Join(target.Tags)}].");
                    step.Detail = "Would be selected: " + verdict + ".";
                    break;
                }
                case SwitchStepKind.CheckRunnable:
                {
                    var clusters = await _ops.GetCommandClustersAsync(plan.To.Id, ct).ConfigureAwait(false);
                    if (clusters.Count == 0)
                        throw new CheckFailedException($"Command {plan.To} has no cluster criteria that match an UP cluster: jobs sent to it could not run (genie-api.md §9.3).");
                    step.Detail = "Runs on " + string.Join(", ", clusters.Select(c => c.Name)) + ".";
                    break;
                }
                case SwitchStepKind.AddTags:
                {
                    var have = await _ops.GetTagsAsync(plan.Kind, plan.To.Id, ct).ConfigureAwait(false);
                    var missing = plan.Tags.Where(t => !have.Contains(t)).ToList();
                    if (missing.Count == 0)
                    {
                        step.Detail = $"{plan.To} already carries [{TagSwap.Join(plan.Tags)}].";
                        step.State = SwitchStepState.NothingToDo;
                        break;
                    }
                    await BeforeChangeAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await _ops.AddTagsAsync(plan.Kind, plan.To.Id, missing, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        // Added, or perhaps added (the call failed after being sent): either way the rollback removes them.
                        step.Applied.AddRange(missing);
                    }
                    step.Detail = $"Added [{TagSwap.Join(missing)}] to {plan.To}.";
                    break;
                }
                case SwitchStepKind.RemoveTags:
                {
                    var have = await _ops.GetTagsAsync(plan.Kind, plan.From.Id, ct).ConfigureAwait(false);
                    var present = plan.Tags.Where(t => have.Contains(t)).ToList();
                    if (present.Count == 0)
                    {
                        step.Detail = $"{plan.From} carries none of [{TagSwap.Join(plan.Tags)}].";
                        step.State = SwitchStepState.NothingToDo;
                        break;
                    }
                    foreach (var tag in present)
                    {
                        await BeforeChangeAsync(ct).ConfigureAwait(false);
                        try
                        {
                            await _ops.RemoveTagAsync(plan.Kind, plan.From.Id, tag, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            step.Applied.Add(tag);
                        }
                        if (present.Count > 1) Log($"  removed {tag} from {plan.From}");
                    }
                    step.Detail = $"Removed [{TagSwap.Join(present)}] from {plan.From}.";
                    break;
                }
                default:
                    throw new InvalidOperationException($"Step kind {step.Kind} does not belong to the switch phase.");
            }
        }

        private async Task DrainAsync(SwitchPlan plan, SwitchStep step, CancellationToken ct)
        {
            var started = DateTimeOffset.UtcNow;
            var deadline = started + plan.DrainTimeout;
            var failures = 0;
            var lastCount = -1;
            var lastLogged = DateTimeOffset.MinValue;
            IReadOnlyList<string> running = Array.Empty<string>();
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    running = await _ops.GetActiveJobIdsAsync(plan.From.Id, 20, ct).ConfigureAwait(false);
                    failures = 0;
                }
                catch (GenieException ex) when (!(ex is GenieApiException api && (int)api.StatusCode < 500 && (int)api.StatusCode != 429))
                {
                    if (++failures >= DrainMaxConsecutiveFailures) throw;
                    Log($"  searching the jobs on {plan.From} failed ({ex.Message}); trying again");
                }
                var now = DateTimeOffset.UtcNow;
                if (failures == 0 && running.Count == 0)
                {
                    step.Detail = $"{plan.From} ran no active job after {TagSwap.Seconds(now - started)}.";
                    return;
                }
                if (now >= deadline)
                    throw new DrainTimedOutException(
                        $"Cluster {plan.From} still ran {running.Count}{(running.Count >= 20 ? " or more" : "")} active job(s) ({string.Join(", ", running.Take(5))}{(running.Count > 5 ? ", ..." : "")}) after the drain timeout of {TagSwap.Seconds(plan.DrainTimeout)}.");
                if (running.Count != lastCount || now - lastLogged >= TimeSpan.FromSeconds(10))
                {
                    Log($"  {plan.From} still runs {running.Count}{(running.Count >= 20 ? "+" : "")} active job(s): {string.Join(", ", running.Take(5))}{(running.Count > 5 ? ", ..." : "")}");
                    lastCount = running.Count;
                    lastLogged = now;
                }
                var delay = TimeSpan.FromTicks(Math.Max(DrainPollMin.Ticks, Math.Min(DrainPollMax.Ticks, (now - started).Ticks / 10)));
                var left = deadline - now;
                await Task.Delay(delay < left ? delay : left, ct).ConfigureAwait(false);
            }
        }

        private async Task SetOutOfServiceAsync(SwitchStep step, CancellationToken ct)
        {
            await BeforeChangeAsync(ct).ConfigureAwait(false);
            await _ops.SetClusterStatusAsync(step.Target.Id, "OUT_OF_SERVICE", ct).ConfigureAwait(false);
            step.Detail = $"{step.Target} is OUT_OF_SERVICE.";
        }

        /// <summary>Undoes the applied steps in reverse, then reads both tag sets back and compares them with the snapshot.</summary>
        private async Task<string> RollbackAsync(SwitchPlan plan, List<SwitchStep> applied, Snapshot? before, GenieSwitchResult result)
        {
            result.RolledBack = true;
            var undone = new List<string>();
            var failed = new List<string>();
            using var cts = new CancellationTokenSource(RollbackTimeout);
            var ct = cts.Token;
            Log("Rolling back.");
            foreach (var step in Enumerable.Reverse(applied))
            {
                try
                {
                    if (step.Kind == SwitchStepKind.AddTags)
                    {
                        foreach (var tag in step.Applied) await _ops.RemoveTagAsync(plan.Kind, plan.To.Id, tag, ct).ConfigureAwait(false);
                        undone.Add($"step {step.Number} (removed [{TagSwap.Join(step.Applied)}] from {plan.To} again)");
                    }
                    else if (step.Kind == SwitchStepKind.RemoveTags)
                    {
                        await _ops.AddTagsAsync(plan.Kind, plan.From.Id, step.Applied, ct).ConfigureAwait(false);
                        undone.Add($"step {step.Number} (re-added [{TagSwap.Join(step.Applied)}] to {plan.From})");
                    }
                    step.State = step.State == SwitchStepState.Failed ? SwitchStepState.Failed : SwitchStepState.RolledBack;
                    step.AddDetail("Undone.");
                    Log($"  undid step {step.Number}");
                }
                catch (Exception ex)
                {
                    if (step.State != SwitchStepState.Failed) step.State = SwitchStepState.RollbackFailed;
                    step.AddDetail("Undo failed: " + ex.Message);
                    failed.Add($"step {step.Number} ({ex.Message})");
                    Log($"  could not undo step {step.Number}: {ex.Message}");
                }
            }

            string verification;
            var verified = false;
            if (before == null)
            {
                verification = "the tags could not be compared with the state before (no snapshot was taken).";
            }
            else
            {
                try
                {
                    var from = Clean(await _ops.GetTagsAsync(plan.Kind, plan.From.Id, ct).ConfigureAwait(false));
                    var to = Clean(await _ops.GetTagsAsync(plan.Kind, plan.To.Id, ct).ConfigureAwait(false));
                    var fromOk = from.SetEquals(before.From);
                    var toOk = to.SetEquals(before.To);
                    verified = fromOk && toOk;
                    verification = verified
                        ? $"the tags of {plan.From} and {plan.To} read back exactly as before."
                        : (fromOk ? "" : $"{plan.From} now carries [{TagSwap.Join(from.OrderBy(t => t, StringComparer.Ordinal))}], before [{TagSwap.Join(before.From.OrderBy(t => t, StringComparer.Ordinal))}]. ") +
                          (toOk ? "" : $"{plan.To} now carries [{TagSwap.Join(to.OrderBy(t => t, StringComparer.Ordinal))}], before [{TagSwap.Join(before.To.OrderBy(t => t, StringComparer.Ordinal))}].");
                }
                catch (Exception ex)
                {
                    verification = "the tags could not be read back to check the rollback: " + ex.Message;
                }
            }
            result.RollbackSucceeded = verified && failed.Count == 0;
            var text = "Rolled back: " + (undone.Count == 0 ? "nothing" : string.Join(", ", undone)) + ".";
            if (failed.Count > 0) text += " Could not undo: " + string.Join(", ", failed) + ".";
            text += result.RollbackSucceeded == true
                ? " Rollback succeeded: " + verification
                : $" ROLLBACK INCOMPLETE: {verification.Trim()} Fix the tags by hand (Add-GenieTag / Remove-GenieTag).";
            return text;
        }

        private async Task<Snapshot> TakeSnapshotAsync(SwitchPlan plan, CancellationToken ct)
        {
            var from = await _ops.GetTagsAsync(plan.Kind, plan.From.Id, ct).ConfigureAwait(false);
            var to = await _ops.GetTagsAsync(plan.Kind, plan.To.Id, ct).ConfigureAwait(false);
            return new Snapshot(Clean(from), Clean(to));
        }

        private static HashSet<string> Clean(IEnumerable<string> tags)
            => new HashSet<string>(tags.Where(t => !TagSwap.IsGenieTag(t)), StringComparer.Ordinal);

        private async Task BeforeChangeAsync(CancellationToken ct)
        {
            _changes++;
            if (_blockBeforeChange == _changes)
            {
                Log($"  (test hook: waiting for cancellation before change {_changes})");
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            if (_failBeforeChange == _changes)
                throw new InvalidOperationException($"Injected failure before change {_changes} (SwitchTestHooks.FailBeforeChange).");
        }

        private void Begin(SwitchPlan plan, SwitchStep step)
        {
            step.Started = DateTimeOffset.UtcNow;
            Log($"Step {step.Number}/{plan.Steps.Count}: {step.Description}");
        }

        private void End(SwitchStep step, SwitchStepState state)
        {
            step.State = state;
            step.Finished = DateTimeOffset.UtcNow;
            if (!string.IsNullOrEmpty(step.Detail)) Log("  " + step.Detail);
        }

        private void Log(string message) => _log?.Invoke(message);

        private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        private sealed class Snapshot
        {
            public Snapshot(HashSet<string> from, HashSet<string> to) { From = from; To = to; }
            public HashSet<string> From { get; }
            public HashSet<string> To { get; }
        }

        private sealed class CheckFailedException : Exception
        {
            public CheckFailedException(string message) : base(message) { }
        }

        private sealed class DrainTimedOutException : Exception
        {
            public DrainTimedOutException(string message) : base(message) { }
        }
    }
}
