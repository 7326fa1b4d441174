using System.Globalization;
using System.Net;
using Sheriff.GenieLocal.Faults;

namespace Sheriff.GenieLocal;

/// <summary>Which Genie server generation the local server imitates (genie-api.md §11).</summary>
internal enum GenieGeneration
{
    G3 = 3,
    G4 = 4,
}

/// <summary>How a cluster or command is picked among several candidates.</summary>
internal enum SelectorMode
{
    /// <summary>Sort candidates by id (ordinal) and take the first: repeatable tests.</summary>
    First,

    /// <summary>Uniformly random, Genie's default behaviour.</summary>
    Random,
}

/// <summary>Command-line options of sheriff-genie-local. The CLI is a fixed contract shared with the tests.</summary>
internal sealed class ServerOptions
{
    public int Port { get; private set; } = 8080;

    public string Bind { get; private set; } = "127.0.0.1";

    public IPAddress BindAddress { get; private set; } = IPAddress.Loopback;

    public string DataDir { get; private set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sheriff", "genielocal");

    public string? SeedFile { get; private set; }

    public bool NoDefaultSeed { get; private set; }

    public string? Token { get; private set; }

    /// <summary>Basic-auth user (<c>--basic-user</c>); its password comes from <c>--basic-password-file</c>.</summary>
    public string? BasicUser { get; private set; }

    public string? BasicPassword { get; private set; }

    /// <summary>OAuth2 client id of the token endpoint (<c>--oauth-client</c>); its secret comes from <c>--oauth-secret-file</c>.</summary>
    public string? OAuthClient { get; private set; }

    public string? OAuthSecret { get; private set; }

    /// <summary>Lifetime of issued access tokens in seconds (<c>--oauth-token-ttl</c>, default 3600).</summary>
    public int OAuthTokenTtlSeconds { get; private set; } = 3600;

    /// <summary>Serve HTTPS with a generated self-signed certificate kept in the data directory (<c>--https</c>).</summary>
    public bool Https { get; private set; }

    public GenieGeneration Generation { get; private set; } = GenieGeneration.G4;

    public SelectorMode Selector { get; private set; } = SelectorMode.First;

    public int MaxRunning { get; private set; } = 4;

    public string? S3Endpoint { get; private set; }

    public long MaxAttachmentSize { get; private set; } = 100L * 1024 * 1024;

    public long MaxTotalAttachmentSize { get; private set; } = 150L * 1024 * 1024;

    public int ClaimDelayMs { get; private set; } = 50;

    /// <summary>Fault injection (--fault-rate, --faults, --fault-seed, --fault-latency-ms, --fault-paths); off by default.</summary>
    public FaultSettings Faults { get; } = new();

    public bool IsG4 => Generation == GenieGeneration.G4;

    /// <summary>The SQL engine's warehouse (--warehouse), by default &lt;data-dir&gt;/warehouse.</summary>
    public string Warehouse => _warehouse ?? Path.Combine(DataDir, "warehouse");

    private string? _warehouse;

    public string JobsDir => Path.Combine(DataDir, "jobs");

    public string AttachmentsDir => Path.Combine(DataDir, "attachments");

    public const string Usage =
        "usage: sheriff-genie-local [--port N] [--bind ADDR] [--data-dir DIR] [--seed FILE] [--no-default-seed] " +
        "[--token T | --token-file F] [--basic-user U --basic-password-file F] " +
        "[--oauth-client ID --oauth-secret-file F [--oauth-token-ttl SECONDS]] [--https] [--generation 4|3] [--selector first|random] [--max-running N] [--s3-endpoint URL] [--warehouse DIR] " +
        "[--max-attachment-size BYTES] [--max-total-attachment-size BYTES] [--claim-delay MS] " +
        "[--fault-rate 0..1] [--faults 503,503-before,503-after,429,reset,reset-before,reset-after,latency,truncate] " +
        "[--fault-seed N] [--fault-latency-ms MS] [--fault-paths /api/*,...]";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    public static ServerOptions Parse(IReadOnlyList<string> args)
    {
        var o = new ServerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline != null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"option {arg} needs a value");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--port":
                    o.Port = ParseInt(arg, Value(), 0, 65535);
                    break;
                case "--bind":
                    o.Bind = Value();
                    break;
                case "--data-dir":
                    o.DataDir = Path.GetFullPath(ExpandHome(Value()));
                    break;
                case "--warehouse":
                    o._warehouse = Path.GetFullPath(ExpandHome(Value()));
                    break;
                case "--seed":
                    o.SeedFile = Path.GetFullPath(ExpandHome(Value()));
                    break;
                case "--no-default-seed":
                    o.NoDefaultSeed = true;
                    break;
                case "--token":
                    o.Token = Value();
                    if (o.Token.Length == 0)
                    {
                        throw new ArgumentException("--token must not be empty");
                    }

                    break;
                case "--token-file":
                    o.Token = ReadSecretFile(arg, Value());
                    break;
                case "--basic-user":
                    o.BasicUser = Value();
                    if (o.BasicUser.Length == 0 || o.BasicUser.Contains(':', StringComparison.Ordinal))
                    {
                        throw new ArgumentException("--basic-user must be non-empty and cannot contain ':'");
                    }

                    break;
                case "--basic-password-file":
                    o.BasicPassword = ReadSecretFile(arg, Value());
                    break;
                case "--oauth-client":
                    o.OAuthClient = Value();
                    if (o.OAuthClient.Length == 0)
                    {
                        throw new ArgumentException("--oauth-client must not be empty");
                    }

                    break;
                case "--oauth-secret-file":
                    o.OAuthSecret = ReadSecretFile(arg, Value());
                    break;
                case "--oauth-token-ttl":
                    o.OAuthTokenTtlSeconds = ParseInt(arg, Value(), 1, 86_400);
                    break;
                case "--https":
                    o.Https = true;
                    break;
                case "--generation":
                    o.Generation = Value() switch
                    {
                        "4" => GenieGeneration.G4,
                        "3" => GenieGeneration.G3,
                        var v => throw new ArgumentException($"--generation must be 4 or 3, not '{v}'"),
                    };
                    break;
                case "--selector":
                    o.Selector = Value().ToLowerInvariant() switch
                    {
                        "first" => SelectorMode.First,
                        "random" => SelectorMode.Random,
                        var v => throw new ArgumentException($"--selector must be first or random, not '{v}'"),
                    };
                    break;
                case "--max-running":
                    o.MaxRunning = ParseInt(arg, Value(), 1, 10_000);
                    break;
                case "--s3-endpoint":
                    o.S3Endpoint = Value();
                    break;
                case "--max-attachment-size":
                    o.MaxAttachmentSize = ParseLong(arg, Value());
                    break;
                case "--max-total-attachment-size":
                    o.MaxTotalAttachmentSize = ParseLong(arg, Value());
                    break;
                case "--claim-delay":
                    o.ClaimDelayMs = ParseInt(arg, Value(), 0, 3_600_000);
                    break;
                case "--fault-rate":
                    o.Faults.Rate = FaultSettings.ParseRate(Value());
                    break;
                case "--faults":
                    o.Faults.Kinds = FaultSettings.ParseKinds(Value());
                    break;
                case "--fault-seed":
                    o.Faults.Seed = FaultSettings.ParseSeed(Value());
                    break;
                case "--fault-latency-ms":
                    o.Faults.LatencyMs = FaultSettings.ParseLatency(Value());
                    break;
                case "--fault-paths":
                    o.Faults.Paths = FaultSettings.ParsePaths(Value());
                    break;
                case "-h":
                case "--help":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }

        if ((o.BasicUser == null) != (o.BasicPassword == null))
        {
            throw new ArgumentException("--basic-user and --basic-password-file go together");
        }

        if ((o.OAuthClient == null) != (o.OAuthSecret == null))
        {
            throw new ArgumentException("--oauth-client and --oauth-secret-file go together");
        }

        o.BindAddress = ResolveBind(o.Bind);
        if (!IPAddress.IsLoopback(o.BindAddress) && o.Token == null && o.BasicUser == null && o.OAuthClient == null)
        {
            throw new ArgumentException(
                $"refusing to listen on non-loopback address {o.Bind} without --token, --basic-user or --oauth-client (anyone on the network could run commands)");
        }

        return o;
    }

    private static IPAddress ResolveBind(string bind)
    {
        if (string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(bind.Trim('[', ']'), out var ip))
        {
            return ip;
        }

        throw new ArgumentException($"--bind must be an IP address (or localhost), not '{bind}'");
    }

    /// <summary>A secret from a file: its content without the trailing line end; the file must exist and not be empty.</summary>
    private static string ReadSecretFile(string name, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.GetFullPath(ExpandHome(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{name}: cannot read '{path}': {e.Message}");
        }

        text = text.TrimEnd('\r', '\n');
        if (text.Length == 0)
        {
            throw new ArgumentException($"{name}: '{path}' is empty");
        }

        return text;
    }

    private static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        return path;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new ArgumentException($"{name} must be an integer between {min} and {max}, not '{value}'");
        }

        return n;
    }

    private static long ParseLong(string name, string value)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            throw new ArgumentException($"{name} must be a non-negative integer, not '{value}'");
        }

        return n;
    }
}
