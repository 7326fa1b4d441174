using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using Sheriff.Core.Genie;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>What completion needs to know about one cluster, command or application.</summary>
    internal sealed class CompletionResource
    {
        public CompletionResource(string id, string? name, IReadOnlyList<string> tags)
        {
            Id = id;
            Name = name;
            Tags = tags;
        }

        public string Id { get; }
        public string? Name { get; }
        public IReadOnlyList<string> Tags { get; }
    }

    /// <summary>
    /// The registered clusters, commands and applications of each server, as tab completion sees them: fetched at most
    /// once a minute per server and kind, with a one-second budget, and never an exception. A failed fetch is remembered
    /// for ten seconds, so that pressing Tab against a server that is down costs nothing. Cmdlets that change resources
    /// call <see cref="Invalidate"/>.
    /// </summary>
    internal sealed class ResourceCompletionCache
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
        public static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(10);
        public static readonly TimeSpan FetchBudget = TimeSpan.FromSeconds(1);

        private sealed class Entry
        {
            public DateTime Expires;
            public IReadOnlyList<CompletionResource> Items = Array.Empty<CompletionResource>();
        }

        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);

        private static string Key(Uri server, GenieResourceKind kind) => kind + "|" + GenieClient.NormalizeBaseUri(server);

        public void Invalidate(Uri server)
        {
            lock (_entries)
                foreach (GenieResourceKind kind in Enum.GetValues(typeof(GenieResourceKind)))
                    _entries.Remove(Key(server, kind));
        }

        /// <summary>The resources of <paramref name="kind"/> on the session's server; empty on any failure.</summary>
        public IReadOnlyList<CompletionResource> Get(CompletionSession session, GenieResourceKind kind)
        {
            try
            {
                var key = Key(session.Uri, kind);
                lock (_entries)
                {
                    if (_entries.TryGetValue(key, out var cached) && cached.Expires > DateTime.UtcNow) return cached.Items;
                }
                IReadOnlyList<CompletionResource> items;
                var ok = true;
                try { items = Fetch(session, kind); }
                catch (Exception)
                {
                    // A completer never throws and never waits long: no server, a slow one, or a bad answer all mean "nothing".
                    items = Array.Empty<CompletionResource>();
                    ok = false;
                }
                lock (_entries) _entries[key] = new Entry { Items = items, Expires = DateTime.UtcNow + (ok ? Lifetime : FailureLifetime) };
                return items;
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResource>();
            }
        }

        private static IReadOnlyList<CompletionResource> Fetch(CompletionSession session, GenieResourceKind kind)
        {
            using var cts = new CancellationTokenSource(FetchBudget);
            var admin = new GenieAdminClient(session.Client);
            var query = new ResourceSearchQuery { Size = 500 };
            IEnumerable<GenieResourceDto> all = kind switch
            {
                GenieResourceKind.Cluster => admin.SearchClusters(query, cts.Token),
                GenieResourceKind.Command => admin.SearchCommands(query, cts.Token),
                _ => admin.SearchApplications(query, cts.Token),
            };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var list = new List<CompletionResource>();
            foreach (var r in all)
            {
                if (string.IsNullOrEmpty(r.Id) || !seen.Add(r.Id!)) continue;
                list.Add(new CompletionResource(r.Id!, r.Name, (r.Tags ?? new List<string>()).Where(t => !string.IsNullOrWhiteSpace(t) && !GenieResource.IsSynthesizedTag(t)).ToList()));
            }
            return list;
        }
    }

    /// <summary>The server a completion asks: -Session if already typed, else the runspace default, $env:SHERIFF_GENIE_URI or the default profile.</summary>
    internal sealed class CompletionSession : IDisposable
    {
        private readonly GenieClient? _owned;

        private CompletionSession(Uri uri, GenieClient client, GenieClient? owned)
        {
            Uri = uri;
            Client = client;
            _owned = owned;
        }

        public Uri Uri { get; }
        public GenieClient Client { get; }

        public static CompletionSession? Find(IDictionary? fakeBoundParameters)
        {
            try
            {
                object? given = fakeBoundParameters != null && fakeBoundParameters.Contains("Session") ? fakeBoundParameters["Session"] : null;
                if (given is PSObject pso) given = pso.BaseObject;
                var session = given as GenieSession ?? RunspaceState.Current.DefaultSession;
                if (session != null) return new CompletionSession(session.Uri, session.Client, null);
                GenieClient? client = null;
                var fromEnv = Environment.GetEnvironmentVariable(GenieCmdletBase.UriVariable);
                if (!string.IsNullOrWhiteSpace(fromEnv) && Uri.TryCreate(fromEnv, UriKind.Absolute, out var envUri))
                {
                    client = new GenieClient(envUri, new Core.Genie.Transport.GenieClientOptions
                    {
                        RequestTimeout = ResourceCompletionCache.FetchBudget,
                        Retry = Core.Genie.Transport.RetryPolicy.None,
                    });
                }
                else
                {
                    // The default profile, with its credentials and TLS settings, but a short budget and no retries:
                    // completion must never keep the user waiting.
                    var config = Core.Config.SheriffConfig.Load();
                    if (config.DefaultProfile != null && config.Profiles.TryGetValue(config.DefaultProfile, out var profile))
                    {
                        var options = profile.Transport.ToOptions(ResourceCompletionCache.FetchBudget);
                        options.Retry = Core.Genie.Transport.RetryPolicy.None;
                        client = new GenieClient(profile.Uri, options);
                    }
                }
                if (client == null) return null;
                return new CompletionSession(client.BaseUri, client, client);
            }
            catch (Exception)
            {
                return null;
            }
        }

        public void Dispose() => _owned?.Dispose();
    }

    /// <summary>Shared pieces of the resource completers.</summary>
    internal static class CompletionText
    {
        private static readonly char[] Special = { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',', '@', '#', '|', '&', '<', '>' };

        /// <summary>The word without its opening quote (and closing one, if typed), and the quote character used.</summary>
        public static string Unquote(string? word, out char quote)
        {
            var w = word ?? "";
            quote = w.Length > 0 && (w[0] == '\'' || w[0] == '"') ? w[0] : '\0';
            if (quote == '\0') return w;
            w = w.Substring(1);
            if (w.Length > 0 && w[w.Length - 1] == quote) w = w.Substring(0, w.Length - 1);
            return w;
        }

        public static string Quote(string text, char quote, bool force = false)
        {
            if (quote == '"') return "\"" + text.Replace("`", "``").Replace("\"", "`\"").Replace("$", "`$") + "\"";
            if (quote == '\'' || force || text.IndexOfAny(Special) >= 0) return "'" + text.Replace("'", "''") + "'";
            return text;
        }

        public static GenieResourceKind? KindFrom(IDictionary? fakeBoundParameters)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains("Kind")) return null;
            var value = fakeBoundParameters["Kind"];
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is GenieResourceKind kind) return kind;
            return Enum.TryParse<GenieResourceKind>(value?.ToString(), true, out var parsed) ? parsed : (GenieResourceKind?)null;
        }

        public static GenieResourceKind? KindFromCommandName(string? commandName)
        {
            if (commandName == null) return null;
            if (commandName.IndexOf("Cluster", StringComparison.OrdinalIgnoreCase) >= 0) return GenieResourceKind.Cluster;
            if (commandName.IndexOf("Command", StringComparison.OrdinalIgnoreCase) >= 0) return GenieResourceKind.Command;
            if (commandName.IndexOf("Application", StringComparison.OrdinalIgnoreCase) >= 0) return GenieResourceKind.Application;
            return null;
        }

        public static string[] Strings(IDictionary? fakeBoundParameters, string name)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains(name)) return Array.Empty<string>();
            var value = fakeBoundParameters[name];
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is string s) return new[] { s };
            if (value is IEnumerable e) return e.Cast<object?>().Select(o => (o is PSObject p ? p.BaseObject : o)?.ToString()).Where(x => x != null).Select(x => x!).ToArray();
            return value == null ? Array.Empty<string>() : new[] { value.ToString() ?? "" };
        }
    }

    /// <summary>
    /// Completes tags registered on Genie: -ClusterTags from the clusters' tags, -CommandTags from the commands', and
    /// -Tag from the kind the cmdlet works on (Add-GenieTag/Remove-GenieTag: -Kind; Remove-GenieTag: only the tags the
    /// given -Id carries). Inside a quoted comma-separated set ('sched:sla,ty…) it completes the last tag and keeps the
    /// set. genie.id:/genie.name: tags are offered once "genie." is typed. Cached per server for a minute; a
    /// one-second budget; never throws.
    /// </summary>
    public sealed class GenieTagCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var kind = string.Equals(parameterName, "ClusterTags", StringComparison.OrdinalIgnoreCase) ? GenieResourceKind.Cluster
                    : string.Equals(parameterName, "CommandTags", StringComparison.OrdinalIgnoreCase) ? GenieResourceKind.Command
                    : CompletionText.KindFrom(fakeBoundParameters) ?? CompletionText.KindFromCommandName(commandName);
                if (kind == null) return Array.Empty<CompletionResult>();
                using var session = CompletionSession.Find(fakeBoundParameters);
                if (session == null) return Array.Empty<CompletionResult>();
                IEnumerable<CompletionResource> resources = RunspaceState.Current.ResourceCache.Get(session, kind.Value);
                var ids = CompletionText.Strings(fakeBoundParameters, "Id");
                if (ids.Length > 0 && commandName != null && commandName.StartsWith("Remove-", StringComparison.OrdinalIgnoreCase))
                    resources = resources.Where(r => ids.Contains(r.Id, StringComparer.Ordinal));
                var list = resources.ToList();

                var text = CompletionText.Unquote(wordToComplete, out var quote);
                var comma = text.LastIndexOf(',');
                var head = comma >= 0 ? text.Substring(0, comma + 1) : "";
                var partial = (comma >= 0 ? text.Substring(comma + 1) : text).TrimStart();
                var already = new HashSet<string>(head.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0), StringComparer.Ordinal);

                var counts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                void Add(string tag, string owner)
                {
                    if (!counts.TryGetValue(tag, out var owners)) counts[tag] = owners = new List<string>();
                    owners.Add(owner);
                }
                foreach (var r in list)
                {
                    foreach (var tag in r.Tags) Add(tag, r.Id);
                    if (partial.StartsWith("genie.", StringComparison.OrdinalIgnoreCase))
                    {
                        Add(GenieResource.IdTagPrefix + r.Id, r.Id);
                        if (!string.IsNullOrEmpty(r.Name)) Add(GenieResource.NameTagPrefix + r.Name, r.Id);
                    }
                }
                var noun = GenieResource.KindName(kind.Value);
                return counts.Keys
                    .Where(t => t.StartsWith(partial, StringComparison.OrdinalIgnoreCase) && !already.Contains(t))
                    .OrderBy(t => t, StringComparer.OrdinalIgnoreCase)
                    .Select(t => new CompletionResult(CompletionText.Quote(head + t, quote, force: head.Length > 0), t, CompletionResultType.ParameterValue,
                        $"{t}: on {counts[t].Count} {noun}(s): {string.Join(", ", counts[t].Take(10))}{(counts[t].Count > 10 ? ", …" : "")}"))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>
    /// Completes ids (and, for -Cluster, names too) of registered clusters, commands or applications, from the same
    /// per-server cache as <see cref="GenieTagCompleter"/>. Never throws.
    /// </summary>
    public abstract class GenieResourceCompleter : IArgumentCompleter
    {
        /// <summary>The kind to complete; null: from the -Kind already typed.</summary>
        protected abstract GenieResourceKind? Kind { get; }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var kind = Kind ?? CompletionText.KindFrom(fakeBoundParameters);
                if (kind == null) return Array.Empty<CompletionResult>();
                using var session = CompletionSession.Find(fakeBoundParameters);
                if (session == null) return Array.Empty<CompletionResult>();
                var resources = RunspaceState.Current.ResourceCache.Get(session, kind.Value);
                var prefix = CompletionText.Unquote(wordToComplete, out var quote);
                var withNames = string.Equals(parameterName, "Cluster", StringComparison.OrdinalIgnoreCase);
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var r in resources)
                {
                    values[r.Id] = string.IsNullOrEmpty(r.Name) || r.Name == r.Id ? r.Id : $"{r.Id} ({r.Name})";
                    if (withNames && !string.IsNullOrEmpty(r.Name) && !values.ContainsKey(r.Name!)) values[r.Name!] = $"name of {r.Id}";
                }
                return values
                    .Where(v => v.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(v => v.Key, StringComparer.OrdinalIgnoreCase)
                    .Select(v => new CompletionResult(CompletionText.Quote(v.Key, quote), v.Key, CompletionResultType.ParameterValue, v.Value))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>Completes cluster ids (and names for -Cluster).</summary>
    public sealed class GenieClusterCompleter : GenieResourceCompleter
    {
        protected override GenieResourceKind? Kind => GenieResourceKind.Cluster;
    }

    /// <summary>Completes command ids.</summary>
    public sealed class GenieCommandCompleter : GenieResourceCompleter
    {
        protected override GenieResourceKind? Kind => GenieResourceKind.Command;
    }

    /// <summary>Completes application ids.</summary>
    public sealed class GenieApplicationCompleter : GenieResourceCompleter
    {
        protected override GenieResourceKind? Kind => GenieResourceKind.Application;
    }

    /// <summary>Completes ids of the kind named by the -Kind already typed (Add-GenieTag, Remove-GenieTag).</summary>
    public sealed class GenieAnyResourceCompleter : GenieResourceCompleter
    {
        protected override GenieResourceKind? Kind => null;
    }
}
