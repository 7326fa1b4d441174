using System.Globalization;

namespace Sheriff.GenieLocal.Faults;

/// <summary>
/// A fault the injector can produce. "Before" faults answer (or drop) the request without processing it; "after"
/// faults let the server do the work first (a submitted job exists) and then spoil the answer, which is what an
/// idempotent client must survive.
/// </summary>
internal enum FaultKind
{
    /// <summary>503 with a Genie-shaped JSON error, request not processed.</summary>
    ServiceUnavailableBefore,

    /// <summary>Request processed, then its answer replaced by a 503.</summary>
    ServiceUnavailableAfter,

    /// <summary>429 with <c>Retry-After: 1</c>, request not processed.</summary>
    TooManyRequests,

    /// <summary>Connection aborted without any response, request not processed.</summary>
    ResetBefore,

    /// <summary>Request processed, then the connection aborted without any response.</summary>
    ResetAfter,

    /// <summary>A delay (<see cref="FaultSettings.LatencyMs"/>), then normal processing.</summary>
    Latency,

    /// <summary>Request processed; status and headers sent, the body cut mid-way and the connection aborted.</summary>
    Truncate,
}

/// <summary>The fault-injection options (<c>--fault-*</c>) and the names of kinds on the command line and in JSON.</summary>
internal sealed class FaultSettings
{
    /// <summary>Kind names accepted by <c>--faults</c>; "503" and "reset" pick before/after at random per fault.</summary>
    public static readonly string[] Names =
        ["503", "503-before", "503-after", "429", "reset", "reset-before", "reset-after", "latency", "truncate"];

    /// <summary>The mix used when <c>--faults</c> is not given: every kind, including post-processing resets.</summary>
    public static readonly string[] DefaultMix = ["503", "429", "reset", "latency", "truncate"];

    public static readonly string[] DefaultPaths = ["/api/*"];

    /// <summary>Probability in [0, 1] that an eligible request gets a fault; 0 turns injection off.</summary>
    public double Rate { get; set; }

    /// <summary>The listed kind names (see <see cref="Names"/>); each is equally likely.</summary>
    public IReadOnlyList<string> Kinds { get; set; } = DefaultMix;

    /// <summary>Seed of the fault sequence; null picks one at start-up (reported by GET /genielocal/faults).</summary>
    public int? Seed { get; set; }

    public int LatencyMs { get; set; } = 2000;

    /// <summary>Request path patterns ('*' matches any run of characters) that may get faults.</summary>
    public IReadOnlyList<string> Paths { get; set; } = DefaultPaths;

    public FaultSettings Clone() => (FaultSettings)MemberwiseClone();

    public static string KindName(FaultKind kind) => kind switch
    {
        FaultKind.ServiceUnavailableBefore => "503-before",
        FaultKind.ServiceUnavailableAfter => "503-after",
        FaultKind.TooManyRequests => "429",
        FaultKind.ResetBefore => "reset-before",
        FaultKind.ResetAfter => "reset-after",
        FaultKind.Latency => "latency",
        _ => "truncate",
    };

    public static double ParseRate(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentException($"--fault-rate must be a number between 0 and 1, not '{value}'");
        }

        return rate;
    }

    public static IReadOnlyList<string> ParseKinds(string value)
    {
        var kinds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => k.ToLowerInvariant()).ToList();
        if (kinds.Count == 0)
        {
            throw new ArgumentException("--faults needs at least one kind: " + string.Join(",", Names));
        }

        foreach (var k in kinds)
        {
            if (!Names.Contains(k, StringComparer.Ordinal))
            {
                throw new ArgumentException($"--faults: unknown kind '{k}' (kinds: {string.Join(",", Names)})");
            }
        }

        return kinds;
    }

    public static IReadOnlyList<string> ParsePaths(string value)
    {
        var paths = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (paths.Count == 0 || paths.Any(p => !p.StartsWith('/')))
        {
            throw new ArgumentException($"--fault-paths must be comma-separated paths starting with '/', not '{value}'");
        }

        return paths;
    }

    public static int ParseLatency(string value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) || ms < 0 || ms > 600_000)
        {
            throw new ArgumentException($"--fault-latency-ms must be an integer between 0 and 600000, not '{value}'");
        }

        return ms;
    }

    public static int ParseSeed(string value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
        {
            throw new ArgumentException($"--fault-seed must be an integer, not '{value}'");
        }

        return seed;
    }

    /// <summary>True when <paramref name="path"/> matches one of the patterns ('*' = any run, ordinal).</summary>
    public static bool PathMatches(IReadOnlyList<string> patterns, string path)
    {
        foreach (var p in patterns)
        {
            if (Glob(path, 0, p, 0))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Glob(string s, int si, string p, int pi)
    {
        while (pi < p.Length)
        {
            if (p[pi] == '*')
            {
                while (pi < p.Length && p[pi] == '*')
                {
                    pi++;
                }

                if (pi == p.Length)
                {
                    return true;
                }

                for (var k = si; k <= s.Length; k++)
                {
                    if (Glob(s, k, p, pi))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (si >= s.Length || s[si] != p[pi])
            {
                return false;
            }

            si++;
            pi++;
        }

        return si == s.Length;
    }
}
