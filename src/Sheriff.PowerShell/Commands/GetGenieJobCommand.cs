using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sheriff.Core.Genie;
using Sheriff.PowerShell.Infrastructure;

namespace Sheriff.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets Genie jobs by id, or searches them by name, status, tag, user, cluster and time.</para>
    /// <para type="description">With -Id (positional, from the pipeline, or from any object's Id or JobId property) it
    /// returns each job in full. Without -Id it searches: results stream as Genie's pages arrive, and a search result
    /// carries the summary fields (id, name, user, status, cluster, command, times); add -Detailed for full jobs.
    /// -Name takes PowerShell wildcards. -First and -Skip page through the results.</para>
    /// </summary>
    /// <example>
    /// <code>Get-GenieJob -Id 3f2c9a10</code>
    /// <para>Gets one job.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJob -Status RUNNING -Mine -First 20</code>
    /// <para>Your 20 newest running jobs.</para>
    /// </example>
    /// <example>
    /// <code>Get-GenieJob -Name 'daily-*' -Tag team:finance -After (Get-Date).AddDays(-1)</code>
    /// <para>Finance's daily jobs started in the last day.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "GenieJob", DefaultParameterSetName = SearchSet, SupportsPaging = true)]
    [OutputType(typeof(GenieJob))]
    public sealed class GetGenieJobCommand : GenieCmdletBase
    {
        private const string IdSet = "Id";
        private const string SearchSet = "Search";

        /// <summary><para type="description">One or more job ids. Binds from the pipeline and from an Id or JobId property.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary><para type="description">Job name; PowerShell wildcards (* and ?) are allowed.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary><para type="description">One or more statuses (any of them matches).</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateSet("RESERVED", "RESOLVED", "ACCEPTED", "CLAIMED", "INIT", "RUNNING", "SUCCEEDED", "KILLED", "FAILED", "INVALID", IgnoreCase = true)]
        public string[]? Status { get; set; }

        /// <summary><para type="description">Tags the jobs must all carry.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Tag { get; set; }

        /// <summary><para type="description">The submitting user (default: every user).</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary><para type="description">Only the current user's jobs.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        public SwitchParameter Mine { get; set; }

        /// <summary><para type="description">The cluster's name (wildcards allowed).</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? ClusterName { get; set; }

        /// <summary><para type="description">The command's name (wildcards allowed).</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? CommandName { get; set; }

        /// <summary><para type="description">Only jobs started at or after this time.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        public DateTime? After { get; set; }

        /// <summary><para type="description">Only jobs started before this time.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        public DateTime? Before { get; set; }

        /// <summary><para type="description">How many results to ask Genie for per page (default: enough for -First and -Skip, at most 500).</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        [ValidateRange(1, 2000)]
        public int PageSize { get; set; }

        /// <summary><para type="description">Fetch each search result in full (tags, status message, arguments): one more request per job.</para></summary>
        [Parameter(ParameterSetName = SearchSet)]
        public SwitchParameter Detailed { get; set; }

        protected override void ProcessRecord()
        {
            var session = ResolveSession();
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id)
                {
                    try
                    {
                        Emit(Await(session.Client.GetJobAsync(id, Token)));
                    }
                    catch (GenieException ex)
                    {
                        WriteError(GenieError(ex, id, ErrorIds.GenieJobNotFound, "Check the id; Get-GenieJob -Mine lists your recent jobs."));
                    }
                }
                return;
            }

            if (After.HasValue && Before.HasValue && After.Value >= Before.Value)
                ThrowTerminatingError(NewError(new ArgumentException("-After must be earlier than -Before."),
                    ErrorIds.InvalidParameterValue, ErrorCategory.InvalidArgument, After));

            var badPattern = WildcardCheck.Validate(Name, nameof(Name)) ?? WildcardCheck.Validate(ClusterName, nameof(ClusterName))
                ?? WildcardCheck.Validate(CommandName, nameof(CommandName));
            if (badPattern != null) ThrowTerminatingError(badPattern);
            var nameFilter = Wildcard(Name);
            var clusterFilter = Wildcard(ClusterName);
            var commandFilter = Wildcard(CommandName);
            var skip = PagingParameters.Skip;
            var first = PagingParameters.First;
            var query = new JobSearchQuery
            {
                Name = ServerPattern(Name),
                ClusterName = ServerPattern(ClusterName),
                CommandName = ServerPattern(CommandName),
                User = Mine ? Environment.UserName : User,
                Status = Status?.Select(s => s.ToUpperInvariant()).Distinct().ToArray(),
                Tag = Tag,
                MinStarted = After.HasValue ? new DateTimeOffset(After.Value.ToUniversalTime()).ToUnixTimeMilliseconds() : (long?)null,
                MaxStarted = Before.HasValue ? new DateTimeOffset(Before.Value.ToUniversalTime()).ToUnixTimeMilliseconds() : (long?)null,
                Size = PageSize > 0 ? PageSize : (int)Math.Max(10, Math.Min(500, first == ulong.MaxValue ? 100 : first + skip)),
            };

            if (PagingParameters.IncludeTotalCount) WriteVerbose("-IncludeTotalCount: the total is counted as results stream.");
            ulong seen = 0, written = 0;
            try
            {
                foreach (var job in session.Client.SearchJobs(query, Token))
                {
                    if (!Matches(nameFilter, job.Name) || !Matches(clusterFilter, job.ClusterName) || !Matches(commandFilter, job.CommandName)) continue;
                    seen++;
                    if (seen <= skip) continue;
                    if (written >= first) { if (!PagingParameters.IncludeTotalCount) break; continue; }
                    written++;
                    Emit(Detailed ? Await(session.Client.GetJobAsync(job.Id, Token)) : job);
                }
            }
            catch (GenieException ex)
            {
                ThrowTerminatingError(GenieError(ex, query));
            }
            if (PagingParameters.IncludeTotalCount) WriteObject(PagingParameters.NewTotalCount(seen, 1.0));
        }

        private void Emit(GenieJob job)
        {
            RunspaceState.Current.RememberJobId(job.Id);
            WriteObject(job);
        }

        private static WildcardPattern? Wildcard(string? pattern)
            => pattern != null && WildcardPattern.ContainsWildcardCharacters(pattern) ? new WildcardPattern(pattern, WildcardOptions.IgnoreCase) : null;

        private static bool Matches(WildcardPattern? pattern, string? value) => pattern == null || (value != null && pattern.IsMatch(value));

        /// <summary>
        /// Genie matches with SQL LIKE only when the value holds '%': map * and ? to '%' (a superset), and let the
        /// exact PowerShell wildcard filter the results client-side.
        /// </summary>
        internal static string? ServerPattern(string? pattern)
        {
            if (pattern == null || !WildcardPattern.ContainsWildcardCharacters(pattern)) return pattern == null ? null : WildcardPattern.Unescape(pattern);
            var chars = new System.Text.StringBuilder();
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '`' && i + 1 < pattern.Length) { chars.Append(pattern[++i]); continue; }
                if (c == '*' || c == '?') { if (chars.Length == 0 || chars[chars.Length - 1] != '%') chars.Append('%'); continue; }
                if (c == '[') { var end = pattern.IndexOf(']', i + 1); if (end > i) { i = end; chars.Append('%'); continue; } }
                chars.Append(c);
            }
            return chars.ToString();
        }
    }
}
