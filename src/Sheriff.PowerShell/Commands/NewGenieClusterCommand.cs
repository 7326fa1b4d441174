using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers a new cluster with Genie.</para>
    /// <para type="description">Creates a cluster (POST /api/v3/clusters) and emits it as Genie stored it. Jobs reach a
    /// cluster through its tags (e.g. sched:sla, type:yarn), so give the tags the job and command criteria ask for. The
    /// status defaults to UP, which makes the cluster eligible for new jobs at once; give -Status OUT_OF_SERVICE to
    /// register it without taking jobs yet. -Id is optional (Genie generates one); an id already taken writes
    /// GenieResourceExists. Parameters also bind from object properties, so clusters piped from Get-GenieCluster on one
    /// server can be copied to another with -Session. Supports -WhatIf and -Confirm (medium impact, so non-interactive
    /// runbooks are never prompted).</para>
    /// </summary>
    /// <example>
    /// <code>New-GenieCluster -Name prod-yarn-c -Version 3.3 -Tag type:yarn, sched:adhoc -Status OUT_OF_SERVICE</code>
    /// <para>Registers a YARN cluster that takes no jobs until Set-GenieClusterStatus prod-yarn-c UP.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieCluster -Session $staging -Name 'test-*' | New-GenieCluster -Session $local</code>
    /// <para>Copies clusters from one Genie to another.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "GenieCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCluster))]
    public sealed class NewGenieClusterCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The cluster's name.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary><para type="description">The cluster's id (default: Genie generates a UUID).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Id { get; set; }

        /// <summary><para type="description">The cluster's version, e.g. the Hadoop or EMR release (default NA).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Version { get; set; }

        /// <summary><para type="description">The owning user (default: the current user).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary><para type="description">UP (default), OUT_OF_SERVICE or TERMINATED. Only UP clusters receive jobs.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("UP", "OUT_OF_SERVICE", "TERMINATED", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">The cluster's tags, e.g. type:yarn, sched:sla (jobs select clusters by tag).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A description of the cluster.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Description { get; set; }

        /// <summary><para type="description">URI of a bash file every job on this cluster sources before it runs.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? SetupFile { get; set; }

        /// <summary><para type="description">URIs of configuration files (e.g. core-site.xml) downloaded into each job's directory.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[]? Configs { get; set; }

        /// <summary><para type="description">URIs of larger files (binaries, archives) downloaded for each job.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[]? Dependencies { get; set; }

        protected override void BeginProcessing() => RejectSynthesizedTags(Tag, nameof(Tag));

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var dto = new ClusterDto
            {
                Id = Id,
                Name = Name,
                Version = Version ?? "NA",
                User = User ?? Environment.UserName,
                Status = Upper(Status) ?? "UP",
                Tags = ResourceTags(Tag),
                Description = string.IsNullOrWhiteSpace(Description) ? null : Description,
                SetupFile = string.IsNullOrWhiteSpace(SetupFile) ? null : SetupFile,
                Configs = CleanTags(Configs),
                Dependencies = CleanTags(Dependencies),
            };
            CreateResource(session, GenieResourceKind.Cluster, dto);
        }
    }
}
