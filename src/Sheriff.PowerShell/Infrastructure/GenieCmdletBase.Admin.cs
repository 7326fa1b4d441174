using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    // Shared by the cluster, command and application cmdlets (Get-/New-/Set-/Remove-Genie*, Add-/Remove-GenieTag,
    // Set-GenieClusterStatus, Resolve-GenieJob): error mapping per kind, fetching one resource, search filters.
    public abstract partial class GenieCmdletBase
    {
        protected static string NotFoundErrorId(GenieResourceKind kind) => kind switch
        {
            GenieResourceKind.Cluster => ErrorIds.GenieClusterNotFound,
            GenieResourceKind.Command => ErrorIds.GenieCommandNotFound,
            _ => ErrorIds.GenieApplicationNotFound,
        };

        /// <summary>"Get-GenieCluster" etc., for recommended actions.</summary>
        protected static string GetCmdletName(GenieResourceKind kind) => "Get-Genie" + kind;

        /// <summary>
        /// Maps a failure on a cluster/command/application: 404 → Genie&lt;Kind&gt;NotFound, 409 → GenieResourceExists,
        /// anything else as <see cref="SheriffCmdlet.GenieError"/> does.
        /// </summary>
        protected static ErrorRecord ResourceError(GenieException ex, GenieResourceKind kind, object? target)
        {
            if (ex is GenieApiException api && api.StatusCode == HttpStatusCode.Conflict)
                return NewError(ex, ErrorIds.GenieResourceExists, ErrorCategory.ResourceExists, target,
                    $"Choose another -Id, or change the existing {GenieResource.KindName(kind)} with Set-Genie{kind}.");
            return GenieError(ex, target, NotFoundErrorId(kind), $"Check the id; {GetCmdletName(kind)} lists the registered {GenieResource.KindName(kind)}s.");
        }

        protected static GenieAdminClient AdminOf(GenieSession session) => new GenieAdminClient(session.Client);

        /// <summary>GET one resource as its public model.</summary>
        protected GenieResource FetchResource(GenieSession session, GenieResourceKind kind, string id)
        {
            var admin = AdminOf(session);
            return kind switch
            {
                GenieResourceKind.Cluster => GenieCluster.FromDto(Await(admin.GetClusterAsync(id, Token)), session.Uri),
                GenieResourceKind.Command => GenieCommand.FromDto(Await(admin.GetCommandAsync(id, Token)), session.Uri),
                _ => (GenieResource)GenieApplication.FromDto(Await(admin.GetApplicationAsync(id, Token)), session.Uri),
            };
        }

        /// <summary>GET one resource and write it, or write the kind's not-found error.</summary>
        protected void EmitResource(GenieSession session, GenieResourceKind kind, string id)
        {
            try { WriteObject(FetchResource(session, kind, id)); }
            catch (GenieException ex) { WriteError(ResourceError(ex, kind, id)); }
        }

        /// <summary>New-Genie*: ShouldProcess, POST, then write the created resource as Genie stored it.</summary>
        protected void CreateResource(GenieSession session, GenieResourceKind kind, ExecutionEnvironmentDto dto)
        {
            var noun = GenieResource.KindName(kind);
            var target = string.IsNullOrEmpty(dto.Id) ? $"{noun} '{dto.Name}'" : $"{noun} '{dto.Id}' ({dto.Name})";
            if (!ShouldProcess(target, $"Create Genie {noun}")) return;
            string id;
            try { id = Await(AdminOf(session).CreateAsync(kind, dto, Token)); }
            catch (GenieException ex)
            {
                WriteError(ResourceError(ex, kind, string.IsNullOrEmpty(dto.Id) ? dto.Name : dto.Id));
                return;
            }
            ResourcesChanged(session);
            WriteVerbose($"Genie created {noun} {id}.");
            EmitResource(session, kind, id);
        }

        /// <summary>Set-Genie*: ShouldProcess, GET, change the given fields, PUT (the whole resource, unknown fields kept).</summary>
        protected void UpdateResource(GenieSession session, GenieResourceKind kind, string id, System.Collections.IDictionary bound,
            IReadOnlyList<string> changes, bool passThru)
        {
            var noun = GenieResource.KindName(kind);
            if (!ShouldProcess($"{noun} '{id}'", $"Set {string.Join(", ", changes)} of Genie {noun}")) return;
            var admin = AdminOf(session);
            try
            {
                ExecutionEnvironmentDto dto = kind switch
                {
                    GenieResourceKind.Cluster => Await(admin.GetClusterAsync(id, Token)),
                    GenieResourceKind.Command => Await(admin.GetCommandAsync(id, Token)),
                    _ => Await(admin.GetApplicationAsync(id, Token)),
                };
                dto.Id ??= id;
                // Only Genie 4 sends executableAndArguments, and only Genie 4 has cluster criteria.
                var genie4 = dto is CommandDto fetched && fetched.ExecutableAndArguments != null;
                ResourceFields.ForUpdate(dto);
                ResourceFields.Apply(dto, bound);
                Await(admin.UpdateAsync(kind, dto, Token));
                // Genie 4 also has a dedicated endpoint for a command's criteria; use it too, so the change holds whichever
                // of the two a server honours.
                if (dto is CommandDto command && bound.Contains("ClusterCriteria"))
                {
                    if (genie4) Await(admin.SetCommandClusterCriteriaAsync(id, command.ClusterCriteria, Token));
                    else WriteWarning($"Command {id} comes from a Genie 3 server, which has no cluster criteria: -ClusterCriteria has no effect there.");
                }
            }
            catch (GenieException ex)
            {
                WriteError(ResourceError(ex, kind, id));
                return;
            }
            ResourcesChanged(session);
            WriteVerbose($"Genie updated {noun} {id} ({string.Join(", ", changes)}).");
            if (passThru) EmitResource(session, kind, id);
        }

        /// <summary>Remove-Genie*: ShouldProcess, GET (so an unknown id is an error on every Genie), DELETE.</summary>
        protected void RemoveResource(GenieSession session, GenieResourceKind kind, string id)
        {
            var noun = GenieResource.KindName(kind);
            if (!ShouldProcess($"{noun} '{id}'", $"Remove Genie {noun}")) return;
            try
            {
                FetchResource(session, kind, id);
                Await(AdminOf(session).DeleteAsync(kind, id, Token));
            }
            catch (GenieException ex)
            {
                WriteError(ResourceError(ex, kind, id));
                return;
            }
            ResourcesChanged(session);
            WriteVerbose($"Genie removed {noun} {id}.");
        }

        /// <summary>Forget what tab completion cached for this server (after a change).</summary>
        protected static void ResourcesChanged(GenieSession session) => RunspaceState.Current.ResourceCache.Invalidate(session.Uri);

        /// <summary>The search query for -Name (wildcards become Genie's %), -Status and -Tag.</summary>
        protected static ResourceSearchQuery SearchQuery(string? name, string[]? status, string[]? tag) => new ResourceSearchQuery
        {
            Name = Commands.GetGenieJobCommand.ServerPattern(name),
            Status = status?.Select(s => s.ToUpperInvariant()).Distinct().ToArray(),
            Tag = tag?.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray(),
            Size = 100,
        };

        /// <summary>An exact PowerShell wildcard filter for -Name (null when the name has no wildcard: Genie matched it exactly).</summary>
        protected static WildcardPattern? NameFilter(string? name)
            => name != null && WildcardPattern.ContainsWildcardCharacters(name) ? new WildcardPattern(name, WildcardOptions.IgnoreCase) : null;

        protected static bool NameMatches(WildcardPattern? filter, string? value) => filter == null || (value != null && filter.IsMatch(value));

        /// <summary>Statuses in upper case, or null.</summary>
        protected static string? Upper(string? status) => status?.ToUpperInvariant();

        /// <summary>Tags given on the command line, trimmed and without blanks or duplicates.</summary>
        protected static List<string> CleanTags(IEnumerable<string>? tags)
            => (tags ?? Enumerable.Empty<string>()).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>Resource tags given on the command line or by property: cleaned, and without the genie.id:/genie.name: tags Genie derives itself.</summary>
        protected static List<string> ResourceTags(IEnumerable<string>? tags) => CleanTags(tags).Where(t => !GenieResource.IsSynthesizedTag(t)).ToList();

        /// <summary>Terminating InvalidParameterValue when a tag is one Genie synthesizes (genie.id:/genie.name:).</summary>
        protected void RejectSynthesizedTags(IEnumerable<string>? tags, string parameter)
        {
            var bad = (tags ?? Enumerable.Empty<string>()).FirstOrDefault(GenieResource.IsSynthesizedTag);
            if (bad != null)
                ThrowTerminatingError(NewError(new ArgumentException($"-{parameter} '{bad}': genie.id: and genie.name: tags are Genie's own (derived from the id and name) and cannot be set."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, bad));
        }
    }
}
