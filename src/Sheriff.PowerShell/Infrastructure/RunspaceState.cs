using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Sheriff.Core.Genie;
using Sheriff.Core.Local;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// State that belongs to one runspace (never to the process): the default Genie session, the GenieLocal this
    /// runspace started, job ids seen recently (for tab completion). Parallel runspaces never see each other's.
    /// </summary>
    internal sealed class RunspaceState
    {
        private static readonly ConditionalWeakTable<Runspace, RunspaceState> States = new ConditionalWeakTable<Runspace, RunspaceState>();
        private static readonly RunspaceState Detached = new RunspaceState();

        public static RunspaceState Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? Detached : States.GetValue(runspace, _ => new RunspaceState());
            }
        }

        public GenieSession? DefaultSession { get; set; }
        public GenieLocalServer? LocalServer { get; set; }

        /// <summary>Clusters, commands and applications fetched for tab completion, per server, for a minute.</summary>
        public ResourceCompletionCache ResourceCache { get; } = new ResourceCompletionCache();

        private readonly LinkedList<string> _recentJobIds = new LinkedList<string>();

        public void RememberJobId(string id)
        {
            lock (_recentJobIds)
            {
                _recentJobIds.Remove(id);
                _recentJobIds.AddFirst(id);
                while (_recentJobIds.Count > 500) _recentJobIds.RemoveLast();
            }
        }

        public string[] RecentJobIds()
        {
            lock (_recentJobIds)
            {
                var copy = new string[_recentJobIds.Count];
                _recentJobIds.CopyTo(copy, 0);
                return copy;
            }
        }
    }
}
