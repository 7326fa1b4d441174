using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.Core.Genie.Admin;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Moves a version alias tag (e.g. ver:3.5) from one Genie command to another, with rollback.</para>
    /// <para type="description">Version indirection: Spark commands carry type:spark-submit, a full version tag (ver:3.5.0) and
    /// a major.minor alias (ver:3.5). Jobs that ask for ver:3.5 get whichever ACTIVE command carries it, so moving the alias
    /// from spark-3.5.0 to spark-3.5.1 upgrades every new ver:3.5 job at once, and moving it back downgrades them; jobs that
    /// pin ver:3.5.0 are not affected. The plan: (1) check that -To is ACTIVE; (2) check that -To has cluster criteria that
    /// match at least one UP cluster (a Genie 4 command without them is never selected); (3) add the tags to -To; (4) remove
    /// them from -From. A warning is shown when other ACTIVE commands also carry the tags (Genie would pick among them).</para>
    /// <para type="description">-Tag is required: a command's other tags (type:, its full version) describe the command itself
    /// and must not move. Rollback, errors and -WhatIf work as for Switch-GenieCluster: a failed check changes nothing
    /// (GenieSwitchPreconditionFailed); a failed or stopped tag step is undone and reported (GenieSwitchFailed).</para>
    /// </summary>
    /// <example>
    /// <code>Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -WhatIf</code>
    /// <para>Shows the plan of the Spark 3.5 upgrade. Nothing is changed.</para>
    /// </example>
    /// <example>
    /// <code>Switch-GenieCommand -Tag ver:3.5 -From spark-3.5.0 -To spark-3.5.1 -PassThru</code>
    /// <para>Jobs asking for ver:3.5 now get Spark 3.5.1; returns the result with every step.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Switch, "GenieCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieSwitchResult))]
    public sealed class SwitchGenieCommandCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The tags to move, e.g. ver:3.5.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] Tag { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">The command that carries the tags now (id or name; a name must be unique).</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string From { get; set; } = "";

        /// <summary><para type="description">The command that gets the tags (id or name): it must be ACTIVE and runnable.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string To { get; set; } = "";

        /// <summary><para type="description">Emit a GenieSwitchResult (From, To, TagsMoved, Steps).</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
            => RunSwitch(GenieResourceKind.Command, From, ops => TagSwap.PlanCommandSwitchAsync(ops, From, To, Tag, Token), PassThru);
    }
}
