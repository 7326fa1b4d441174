using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes (unregisters) Genie applications.</para>
    /// <para type="description">Deletes each application (DELETE /api/v3/applications/{id}) after checking that it exists, so an
    /// unknown id writes GenieApplicationNotFound on every Genie generation. Genie 4 refuses to remove an application a command still uses (GenieRequestFailed). -Id binds from the pipeline, so applications
    /// from Get-GenieApplication pipe in. Supports -WhatIf and -Confirm (medium impact, so non-interactive runbooks are never
    /// prompted).</para>
    /// </summary>
    /// <example>
    /// <code>Remove-GenieApplication -Id spark-2.4.8</code>
    /// <para>Unregisters an application no command uses any more.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "GenieApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveGenieApplicationCommand : GenieCmdletBase
    {
        /// <summary><para type="description">Ids of the applications to remove. Binds from the pipeline and from an Id or ApplicationId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ApplicationId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieApplicationCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            foreach (var id in Id) RemoveResource(session, GenieResourceKind.Application, id);
        }
    }
}
