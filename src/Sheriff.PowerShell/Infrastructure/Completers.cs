using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>Completes job ids seen in this runspace. Never touches the network.</summary>
    public sealed class JobIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return RunspaceState.Current.RecentJobIds()
                .Where(id => id.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(id => new CompletionResult(Quote(id), id, CompletionResultType.ParameterValue, id));
        }

        private static string Quote(string id) => id.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',' }) >= 0 ? "'" + id.Replace("'", "''") + "'" : id;
    }

    /// <summary>Completes profile names from the local config file; never throws.</summary>
    public sealed class ProfileCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<string> names;
            try { names = Core.Config.SheriffConfig.Load().Profiles.Keys.ToList(); }
            catch (System.Exception) { return Enumerable.Empty<CompletionResult>(); }
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return names.Where(n => n.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase)).OrderBy(n => n)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
