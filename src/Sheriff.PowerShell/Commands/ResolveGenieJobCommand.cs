using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Config;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Sheriff.Core.Spark;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows which command and cluster Genie would pick for a job's tags, without submitting anything.</para>
    /// <para type="description">Reads every registered cluster and command and applies Genie's resolution rules on the
    /// client (genie-api.md §9): Genie 4 by default (commands carrying all the command tags, ACTIVE only; for each, its
    /// cluster criteria in priority order, each combined with the job's cluster tag sets in order; the first combination
    /// that matches an UP cluster wins for that command), or Genie 3 with -Generation 3 (the first cluster tag set that
    /// matches an UP cluster listing an ACTIVE matching command; the command is the first such in the cluster's list).
    /// The tags are built as Submit-SparkJob builds them: -ClusterTags is an ordered list of sets (tags within an entry
    /// separated by commas), defaulting to the config file's sparkDefaults.clusterTags; the command tags are the spark
    /// command tag (type:spark-submit unless the config says otherwise), the -SparkVersion tag (ver:3.5) and
    /// -CommandTags. Given -CommandTags alone (no -SparkVersion), the command tags are exactly -CommandTags, so any
    /// command (type:shell, ...) can be resolved. The GenieResolution it emits names the command and cluster (the
    /// deterministic pick, lowest id, which GenieLocal makes; a real Genie picks at random when several qualify, see
    /// Selection), every candidate, and, when nothing matches, the Reason. When nothing matches it still emits the
    /// resolution, then writes a non-terminating GenieNoMatch error with the reason, so -ErrorAction Stop fails a
    /// script while the details stay available. -Verbose lists resources that nearly matched (wrong status, no cluster
    /// criteria).</para>
    /// </summary>
    /// <example>
    /// <code>Resolve-GenieJob -ClusterTags 'sched:sla,type:yarn', 'sched:adhoc' -SparkVersion 3.5</code>
    /// <para>Which Spark 3.5 command and which cluster a Submit-SparkJob with these tags would get.</para>
    /// </example>
    /// <example>
    /// <code>Resolve-GenieJob -ClusterTags type:local -CommandTags type:shell | Format-List</code>
    /// <para>Resolves a non-Spark command and shows every candidate and note.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Resolve-GenieJob -SparkVersion 3.4 -ErrorAction SilentlyContinue).Matched) { 'Spark 3.4 is not runnable' }</code>
    /// <para>Checks in a script whether a job would resolve.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Resolve, "GenieJob")]
    [OutputType(typeof(GenieResolution))]
    public sealed class ResolveGenieJobCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Cluster tag sets in order of preference; each entry is one set, tags within it separated by commas (e.g. 'sched:sla,type:yarn', 'sched:adhoc'). Default: the config file's sparkDefaults.clusterTags.</para></summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? ClusterTags { get; set; }

        /// <summary><para type="description">Command tags. With -SparkVersion, or with neither, they are added to the spark command tag (as Submit-SparkJob does); given alone, they are the whole command criteria.</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? CommandTags { get; set; }

        /// <summary><para type="description">The Spark version, e.g. 3.5: becomes the command tag ver:3.5 (the config file's sparkVersionTagFormat).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SparkVersion { get; set; }

        /// <summary><para type="description">Which Genie's rules to apply: 4 (default; Genie 4 and 5) or 3.</para></summary>
        [Parameter]
        [ValidateRange(3, 4)]
        public int Generation { get; set; } = 4;

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var (clusterSets, commandTags) = Criteria(session);
            var generation = (GenieGeneration)Generation;
            WriteVerbose($"Resolving cluster tags [{string.Join("] then [", clusterSets.Select(s => string.Join(",", s)))}] and command tags " +
                $"[{string.Join(", ", commandTags)}] by Genie {Generation}'s rules against {session.Uri}.");

            ResolutionInventory inventory;
            try { inventory = JobResolution.Load(AdminOf(session), generation, Token); }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, session.Uri));
                return;
            }
            WriteVerbose($"Genie has {inventory.Clusters.Count} cluster(s) and {inventory.Commands.Count} command(s).");

            GenieResolution resolution;
            try { resolution = JobResolution.Resolve(inventory, clusterSets, commandTags, generation); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, ClusterTags));
                return;
            }
            foreach (var note in resolution.Notes) WriteVerbose(note);
            WriteObject(resolution);
            if (!resolution.Matched)
                WriteError(NewError(new InvalidOperationException(resolution.Reason), ErrorIds.GenieNoMatch, ErrorCategory.ObjectNotFound, resolution,
                    "Check the tags against Get-GenieCluster and Get-GenieCommand (and -Verbose for resources that nearly match)."));
        }

        /// <summary>The cluster tag sets and command tags, built the way Submit-SparkJob builds them.</summary>
        private (List<List<string>> ClusterSets, List<string> CommandTags) Criteria(GenieSession session)
        {
            var bound = MyInvocation.BoundParameters;
            SheriffConfig config;
            try { config = SheriffConfig.Load(); }
            catch (SheriffConfigException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SheriffConfigInvalid, ErrorCategory.InvalidData, ex.Path, "Fix the config file at the place the message names."));
                return default;
            }
            var parameters = new SparkJobSpec();
            if (bound.ContainsKey(nameof(ClusterTags))) parameters.ClusterTags = ClusterTags ?? Array.Empty<string>();
            if (bound.ContainsKey(nameof(CommandTags))) parameters.CommandTags = CommandTags ?? Array.Empty<string>();
            if (bound.ContainsKey(nameof(SparkVersion))) parameters.SparkVersion = SparkVersion;
            ResolvedSparkJob resolved;
            try { resolved = SparkJobResolver.Resolve(config, session.ProfileName, null, parameters); }
            catch (SparkJobSpecException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.SparkJobInvalid, ErrorCategory.InvalidArgument, ex.Field == "sparkVersion" ? SparkVersion : ex.Field));
                return default;
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(NewError(ex, ErrorIds.GenieProfileNotFound, ErrorCategory.ObjectNotFound, session.ProfileName));
                return default;
            }

            var sets = new List<List<string>>();
            foreach (var entry in resolved.Values.ClusterTags ?? Array.Empty<string>())
            {
                var tags = CleanTags((entry ?? "").Split(','));
                if (tags.Count == 0)
                    ThrowTerminatingError(NewError(new ArgumentException("-ClusterTags entries cannot be empty."), ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, entry));
                sets.Add(tags);
            }
            if (sets.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("No cluster tags: Genie needs at least one set to choose a cluster."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, null, "Give -ClusterTags (e.g. sched:adhoc), or set sparkDefaults.clusterTags in the config file."));

            List<string> commandTags;
            if (bound.ContainsKey(nameof(CommandTags)) && !bound.ContainsKey(nameof(SparkVersion)))
            {
                commandTags = CleanTags(CommandTags);
            }
            else
            {
                var v = resolved.Values;
                commandTags = new List<string> { resolved.SparkCommandTag };
                if (v.SparkVersion != null) commandTags.Add(string.Format(CultureInfo.InvariantCulture, resolved.SparkVersionTagFormat, v.SparkVersion));
                commandTags = CleanTags(commandTags.Concat(v.CommandTags ?? Array.Empty<string>()));
            }
            if (commandTags.Count == 0)
                ThrowTerminatingError(NewError(new ArgumentException("-CommandTags has no tags: Genie needs at least one to choose a command."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, CommandTags));
            return (sets, commandTags);
        }
    }
}
