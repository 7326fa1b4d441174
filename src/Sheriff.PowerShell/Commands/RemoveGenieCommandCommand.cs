using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes (unregisters) Genie commands.</para>
    /// <para type="description">Deletes each command (DELETE /api/v3/commands/{id}) after checking that it exists, so an
    /// unknown id writes GenieCommandNotFound on every Genie generation. To stop new jobs from using a command but keep it, use Set-GenieCommand -Status DEPRECATED. -Id binds from the pipeline, so commands
    /// from Get-GenieCommand pipe in. Supports -WhatIf and -Confirm (medium impact, so non-interactive runbooks are never
    /// prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Remove-GenieCommand -Id spark-2.4</code>
    /// <para>Unregisters an old Spark version.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCommand -Status INACTIVE | Remove-GenieCommand -Confirm:$false</code>
    /// <para>Unregisters every inactive command without asking.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "GenieCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveGenieCommandCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the commands to remove. Binds from the pipeline and from an Id or CommandId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CommandId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id) RemoveResource(session, GenieResourceKind.Command, id);
        }
    }
}
