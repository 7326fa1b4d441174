using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Moves job traffic from one Genie cluster to another by moving tags (a red/black swap), with rollback.</para>
    /// <para type="description">Jobs ask for clusters by tags (e.g. sched:adhoc), never by id, so moving a tag from one cluster to
    /// another moves every new job that asks for it; running jobs are untouched. Switch-GenieCluster does it as a plan of steps:
    /// (1) check that the -To cluster is UP; (2) check that a job asking for exactly those tags would be sent to -To once they
    /// moved (Genie 4 selection: some ACTIVE command's cluster criteria, merged with the tags, match -To first); (3) add the tags
    /// to -To; (4) remove them from -From. Adding before removing means that for a moment both clusters carry the tags (a job
    /// submitted then may land on either), never neither. With -Drain it then (5) waits until -From runs no active job, at most
    /// -DrainTimeout seconds, and (6) sets -From OUT_OF_SERVICE.</para>
    /// <para type="description">Without -Tag the tags moved are the ones -From has and -To lacks, except Genie's own genie.* tags.
    /// A -Tag that neither cluster carries is refused (a typo guard); tags already moved are skipped, so a switch can be run
    /// again.</para>
    /// <para type="description">Rollback: if a check fails, nothing is changed (GenieSwitchPreconditionFailed). If a tag step
    /// fails or the command is stopped (Ctrl+C) half-way, the tag changes made so far are undone in reverse order, both tag sets
    /// are read back and compared with how they were before, and a GenieSwitchFailed error says which step failed, what was
    /// undone and whether the rollback fully succeeded ($error[0].Exception.Result has every step). The drain comes after the
    /// switch has taken effect and does not undo it: a drain timeout writes a GenieDrainTimeout error, keeps the tags moved and
    /// leaves -From UP.</para>
    /// <para type="description">-WhatIf shows the whole plan, step by step, with what each check sees now, and changes nothing.
    /// -Verbose logs every step as it runs. Medium impact: runbooks are never prompted.</para>
    /// </summary>
    /// <example>
    /// <code>Switch-GenieCluster -From red -To black -Tag sched:adhoc -WhatIf</code>
    /// <para>Shows the plan: the checks, the tag moves, and what each check sees now. Nothing is changed.</para>
    /// </example>
    /// <example>
    /// <code>Switch-GenieCluster -From red -To black -Tag sched:adhoc -Drain -DrainTimeout 1800 -PassThru -Verbose</code>
    /// <para>Moves ad-hoc traffic from red to black, waits up to 30 minutes for red's jobs to finish, sets red
    /// OUT_OF_SERVICE, and returns the result with every step.</para>
    /// </example>
    /// <example>
    /// <code>Switch-GenieCluster -From black -To red</code>
    /// <para>Switches back: every tag black has and red lacks (genie.* aside) moves to red.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Switch, "GenieCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieSwitchResult))]
    public sealed class SwitchGenieClusterCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The cluster that carries the tags now (id or name): the one traffic moves away from.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string From { get; set; } = "";

        /// <summary><para type="description">The cluster that gets the tags (id or name): it must be UP and selectable for them.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieClusterCompleter))]
        public string To { get; set; } = "";

        /// <summary><para type="description">The tags to move, e.g. sched:adhoc. Default: every tag -From has and -To lacks, except
        /// Genie's own genie.* tags (genie.id:, genie.name:), which are never moved.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">After the switch, wait until -From runs no active job, then set it OUT_OF_SERVICE.</para></summary>
        [Parameter]
        public SwitchParameter Drain { get; set; }

        /// <summary><para type="description">With -Drain: seconds to wait at most for -From's jobs (default 3600). When they still run
        /// then, a GenieDrainTimeout error is written, the tags stay moved and -From stays UP.</para></summary>
        [Parameter]
        [Alias("DrainTimeoutSec")]
        [ValidateRange(1, int.MaxValue)]
        public int DrainTimeout { get; set; } = (int)TagSwap.DefaultDrainTimeout.TotalSeconds;

        /// <summary><para type="description">Emit a GenieSwitchResult (From, To, TagsMoved, Drained, Steps).</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(DrainTimeout)) && !Drain)
                ThrowTerminatingError(NewError(new ArgumentException("-DrainTimeout applies only with -Drain."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, DrainTimeout, "Add -Drain, or leave -DrainTimeout out."));
            RunSwitch(GenieResourceKind.Cluster, From,
                ops => TagSwap.PlanClusterSwitchAsync(ops, From, To, Tag, Drain, TimeSpan.FromSeconds(DrainTimeout), Token), PassThru);
        }
    }
}
