using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits until Genie jobs finish, and emits each one as it finishes.</para>
    /// <para type="description">Collects the jobs from -Id or the pipeline, then polls Genie until every job has finished
    /// (or the first one with -Any). Polling starts quick and slows down for long waits, and never sends more than
    /// -MaxRequestsPerSecond requests whatever the number of jobs: many jobs are followed with one search of recently
    /// finished jobs. A job that ends FAILED, KILLED or INVALID is emitted and also writes a non-terminating
    /// GenieJobFailed error; a job still running at -Timeout writes GenieJobWaitTimeout (and is stopped with
    /// -StopOnTimeout). With -ErrorAction Stop a runbook therefore fails loudly. Ctrl+C stops waiting at once
    /// (the jobs keep running).</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieJob -Status RUNNING -Mine | Wait-GenieJob | Get-GenieJobOutput -Tail 20</code>
    /// <para>Waits for your running jobs and shows the end of each one's output as it finishes.</para>
    /// </example>
    /// <example>
    /// <code>Wait-GenieJob -Id $id -Timeout 3600 -StopOnTimeout -ErrorAction Stop</code>
    /// <para>In a runbook: wait at most an hour, kill the job if it is still running, and fail the runbook on any error.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Wait, "GenieJob", DefaultParameterSetName = IdSet)]
    [OutputType(typeof(GenieJob))]
    public sealed class WaitGenieJobCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string JobSet = "Job";

        /// <summary><para type="description">Ids of the jobs to wait for. Binds from the pipeline and from an Id or JobId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Job objects to wait for (for example from Get-GenieJob); what they already tell saves requests.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = JobSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public GenieJob[] InputObject { get; set; } = Array.Empty<GenieJob>();

        /// <summary><para type="description">Seconds to wait at most (default: no limit). Jobs still running then write GenieJobWaitTimeout errors.</para></summary>
        [Parameter]
        [Alias("TimeoutSec")]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; } = -1;

        /// <summary><para type="description">Return as soon as any one job finishes.</para></summary>
        [Parameter]
        public SwitchParameter Any { get; set; }

        /// <summary><para type="description">The slowest polling interval in seconds (default 10). Polling starts at half a second and slows towards this for long waits.</para></summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double PollInterval { get; set; } = 10;

        /// <summary><para type="description">The most requests per second sent to Genie, whatever the number of jobs (default 10).</para></summary>
        [Parameter]
        [ValidateRange(0.1, 1000)]
        public double MaxRequestsPerSecond { get; set; } = 10;

        /// <summary><para type="description">Stop (kill) the jobs still running when -Timeout expires.</para></summary>
        [Parameter]
        public SwitchParameter StopOnTimeout { get; set; }

        private readonly List<KeyValuePair<string, GenieJob?>> _jobs = new List<KeyValuePair<string, GenieJob?>>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == JobSet)
                foreach (var job in InputObject) _jobs.Add(new KeyValuePair<string, GenieJob?>(job.Id, job));
            else
                foreach (var id in Id) _jobs.Add(new KeyValuePair<string, GenieJob?>(id, null));
        }

        protected override void EndProcessing()
        {
            if (_jobs.Count == 0) return;
            WaitAndEmit(ResolveSession(), _jobs, new JobWaitSettings
            {
                Timeout = Timeout < 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(Timeout),
                Any = Any,
                PollInterval = TimeSpan.FromSeconds(PollInterval),
                MaxRequestsPerSecond = MaxRequestsPerSecond,
                StopOnTimeout = StopOnTimeout,
            });
        }
    }

}
