using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets Genie applications by id, searches them by name, type, status and tag, or lists a command's applications.</para>
    /// <para type="description">With -Id (positional, from the pipeline, or from any object's Id or ApplicationId
    /// property) it returns each application. Without -Id it searches the registered applications: -Name and -Type take
    /// PowerShell wildcards, -Status any of several statuses, -Tag tags an application must all carry; results stream as
    /// Genie's pages arrive. With -Command it lists the applications that command sets up, in setup order. The objects
    /// pipe into Set-GenieApplication, Remove-GenieApplication, Add-GenieTag and Remove-GenieTag.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieApplication -Type spark</code>
    /// <para>Every registered Spark distribution.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieApplication -Command spark-3.5</code>
    /// <para>What the command spark-3.5 sets up before it runs, in order.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "GenieApplication", DefaultParameterSetName = SearchSet)]
    [OutputType(typeof(GenieApplication))]
    public sealed class GetGenieApplicationCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string SearchSet = "Search";
        private const string CommandSet = "Command";

        /// <summary><para type="description">One or more application ids. Binds from the pipeline and from an Id or ApplicationId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ApplicationId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieApplicationCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Application name; PowerShell wildcards (* and ?) are allowed.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">Application type (e.g. spark, hadoop); PowerShell wildcards are allowed.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Type { get; set; }

        /// <summary><para type="description">One or more statuses (any of them matches): ACTIVE, DEPRECATED, INACTIVE.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string[]? Status { get; set; }

        /// <summary><para type="description">Tags the applications must all carry.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieTagCompleter))]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A command id: list the applications that command sets up, in order.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = CommandSet)]
        [Alias("CommandId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GenieCommandCompleter))]
        public string? Command { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            switch (ParameterSetName)
            {
                case IdSet:
                    foreach (var id in Id) EmitResource(session, GenieResourceKind.Application, id);
                    return;
                case CommandSet:
                    try
                    {
                        foreach (var dto in Await(AdminOf(session).GetCommandApplicationsAsync(Command!, Token)))
                            WriteObject(GenieApplication.FromDto(dto, session.Uri));
                    }
                    catch (GenieException ex)
                    {
                        WriteError(ResourceError(ex, GenieResourceKind.Command, Command));
                    }
                    return;
            }

            var badPattern = WildcardCheck.Validate(Name, nameof(Name)) ?? WildcardCheck.Validate(Type, nameof(Type));
            if (badPattern != null) ThrowTerminatingError(badPattern);
            var nameFilter = NameFilter(Name);
            var typeFilter = NameFilter(Type);
            var query = SearchQuery(Name, Status, Tag);
            query.Type = GetGenieJobCommand.ServerPattern(Type);
            try
            {
                foreach (var dto in AdminOf(session).SearchApplications(query, Token))
                    if (NameMatches(nameFilter, dto.Name) && NameMatches(typeFilter, dto.Type)) WriteObject(GenieApplication.FromDto(dto, session.Uri));
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, query));
            }
        }
    }
}
