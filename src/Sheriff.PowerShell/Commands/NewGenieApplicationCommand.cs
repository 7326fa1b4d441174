using System;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers a new application with Genie.</para>
    /// <para type="description">Creates an application (POST /api/v3/applications) and emits it as Genie stored it. An
    /// application is a set of files a command sets up before a job runs (a Spark or Hadoop distribution): -SetupFile,
    /// -Configs and -Dependencies name them, -Type classifies it (spark, hadoop). The status defaults to ACTIVE. -Id is
    /// optional; an id already taken writes GenieResourceExists. Supports -WhatIf and -Confirm (medium impact).</para>
    /// </summary>
    /// <example>
    /// <code>New-GenieApplication -Id spark-3.5.1 -Name spark -Version 3.5.1 -Type spark -Dependencies s3://dist/spark-3.5.1.tgz -SetupFile s3://dist/spark-setup.sh</code>
    /// <para>Registers a Spark distribution that commands can set up.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "GenieApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieApplication))]
    public sealed class NewGenieApplicationCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The application's name.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary><para type="description">The application's id (default: Genie generates a UUID).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Id { get; set; }

        /// <summary><para type="description">The application's version, e.g. 3.5.1 (default NA).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Version { get; set; }

        /// <summary><para type="description">The owning user (default: the current user).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary><para type="description">ACTIVE (default), DEPRECATED or INACTIVE.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">The application's type, e.g. spark or hadoop.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Type { get; set; }

        /// <summary><para type="description">The application's tags.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A description of the application.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Description { get; set; }

        /// <summary><para type="description">URI of a bash file sourced to set the application up (e.g. exports SPARK_HOME).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? SetupFile { get; set; }

        /// <summary><para type="description">URIs of configuration files downloaded into each job's directory.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[]? Configs { get; set; }

        /// <summary><para type="description">URIs of larger files (the distribution itself) downloaded for each job.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[]? Dependencies { get; set; }

        protected override void BeginProcessing() => RejectSynthesizedTags(Tag, nameof(Tag));

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            var dto = new ApplicationDto
            {
                Id = Id,
                Name = Name,
                Version = Version ?? "NA",
                User = User ?? Environment.UserName,
                Status = Upper(Status) ?? "ACTIVE",
                Type = string.IsNullOrWhiteSpace(Type) ? null : Type,
                Tags = ResourceTags(Tag),
                Description = string.IsNullOrWhiteSpace(Description) ? null : Description,
                SetupFile = string.IsNullOrWhiteSpace(SetupFile) ? null : SetupFile,
                Configs = CleanTags(Configs),
                Dependencies = CleanTags(Dependencies),
            };
            CreateResource(session, GenieResourceKind.Application, dto);
        }
    }
}
