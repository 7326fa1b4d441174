using System;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers a new command with Genie.</para>
    /// <para type="description">Creates a command (POST /api/v3/commands) and emits it as Genie stored it. A command is
    /// what runs a job: -Executable is its command line (the job's arguments are appended), or -ExecutableAndArguments
    /// the same as a list (Genie 4; it wins when both are given). Jobs find commands by tag (type:spark-submit,
    /// ver:3.5), and Genie 4 runs a command only on clusters matching its -ClusterCriteria, tried in order: each entry is
    /// one set of tags separated by commas ('type:yarn,sched:sla'), genie.id:X or genie.name:N pin a cluster, and a
    /// hashtable such as @{ Tags = 'type:yarn'; Status = 'UP' } sets the other criterion fields. A command without
    /// cluster criteria is never selected by Genie 4 (a warning says so). The status defaults to ACTIVE, the only status
    /// that runs jobs. -Id is optional; an id already taken writes GenieResourceExists. Supports -WhatIf and -Confirm
    /// (medium impact).</para>
    /// </summary>
    /// <example>
    /// <code>New-GenieCommand -Id spark-3.5 -Name spark-submit -Version 3.5.1 -Executable '${SPARK_HOME}/bin/spark-submit --master yarn' -Tag type:spark-submit, ver:3.5, ver:3.5.1 -ClusterCriteria 'type:yarn'</code>
    /// <para>Registers Spark 3.5.1 for every YARN cluster.</para>
    /// </example>
    /// <example>
    /// <code>New-GenieCommand -Name hello -ExecutableAndArguments bash, -c -Tag type:shell -ClusterCriteria 'sched:adhoc,type:local', 'type:local' -Status INACTIVE</code>
    /// <para>A shell command that prefers ad-hoc local clusters, registered inactive.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "GenieCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GenieCommand))]
    public sealed class NewGenieCommandCommand : GenieCmdletBase
    {
        /// <summary><para type="description">The command's name (jobs show it as their command name).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary><para type="description">The command's id (default: Genie generates a UUID).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Id { get; set; }

        /// <summary><para type="description">The command's version, e.g. the Spark release 3.5.1 (default NA).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Version { get; set; }

        /// <summary><para type="description">The owning user (default: the current user).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary><para type="description">ACTIVE (default), DEPRECATED or INACTIVE. Only ACTIVE commands run jobs.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("ACTIVE", "DEPRECATED", "INACTIVE", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary><para type="description">The command's tags, e.g. type:spark-submit, ver:3.5 (jobs select commands by tag).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        [AllowEmptyCollection]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">A description of the command.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Description { get; set; }

        /// <summary><para type="description">The command line, e.g. '${SPARK_HOME}/bin/spark-submit --master yarn'; the job's arguments follow it.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Executable { get; set; }

        /// <summary><para type="description">The command line as a list (Genie 4), e.g. 'bash', '-c'; wins over -Executable.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[]? ExecutableAndArguments { get; set; }

        /// <summary><para type="description">Genie 4: the clusters this command may run on, in priority order. Each entry is one criterion: comma-separated tags ('type:yarn,sched:sla'), with genie.id:X / genie.name:N for a cluster's id / name, or a hashtable with Tags, Id, Name, Version, Status.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public GenieCriterion[]? ClusterCriteria { get; set; }

        /// <summary><para type="description">Default memory in MB of jobs that use this command.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public int? Memory { get; set; }

        /// <summary><para type="description">Genie 3: milliseconds between checks of a running job (default 10000; Genie 4 ignores it).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public long? CheckDelay { get; set; }

        /// <summary><para type="description">URI of a bash file every job using this command sources before it runs.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? SetupFile { get; set; }

        /// <summary><para type="description">URIs of configuration files downloaded into each job's directory.</para></summary>
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
            var argv = ExecutableAndArguments?.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
            if (string.IsNullOrWhiteSpace(Executable) && (argv == null || argv.Count == 0))
                ThrowTerminatingError(NewError(new ArgumentException("A command needs -Executable or -ExecutableAndArguments."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, Name));
            // Checked here rather than with [ValidateRange], which rejects the null a piped command without memory binds.
            if (Memory < 1 || CheckDelay < 1)
                ThrowTerminatingError(NewError(new ArgumentException(Memory < 1 ? "-Memory must be at least 1 (MB)." : "-CheckDelay must be at least 1 (ms)."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, Memory < 1 ? (object?)Memory : CheckDelay));
            var criteria = ClusterCriteria ?? Array.Empty<GenieCriterion>();
            if (criteria.Any(c => c == null || c.IsEmpty))
                ThrowTerminatingError(NewError(new ArgumentException("-ClusterCriteria has an empty criterion: each needs a tag, an id, a name, a version or a status."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, ClusterCriteria));
            if (criteria.Length == 0)
                WriteWarning($"Command '{Id ?? Name}' has no -ClusterCriteria: Genie 4 never selects a command without cluster criteria.");

            var session = ResolveSession();
            var dto = new CommandDto
            {
                Id = Id,
                Name = Name,
                Version = Version ?? "NA",
                User = User ?? Environment.UserName,
                Status = Upper(Status) ?? "ACTIVE",
                Tags = ResourceTags(Tag),
                Description = string.IsNullOrWhiteSpace(Description) ? null : Description,
                SetupFile = string.IsNullOrWhiteSpace(SetupFile) ? null : SetupFile,
                Configs = CleanTags(Configs),
                Dependencies = CleanTags(Dependencies),
                // Genie 3 reads only 'executable'; Genie 4 prefers the list when both are sent.
                Executable = string.IsNullOrWhiteSpace(Executable) ? string.Join(" ", argv!) : Executable,
                ExecutableAndArguments = argv != null && argv.Count > 0 ? argv : null,
                ClusterCriteria = criteria.Select(c => c.ToDto()).ToList(),
                Memory = Memory,
                CheckDelay = CheckDelay ?? 10000,
            };
            CreateResource(session, GenieResourceKind.Command, dto);
        }
    }
}
