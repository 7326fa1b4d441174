using System.Globalization;
using System.Net;

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

    public GenieGeneration Generation { get; private set; } = GenieGeneration.G4;

    public SelectorMode Selector { get; private set; } = SelectorMode.First;

    public int MaxRunning { get; private set; } = 4;

    public string? S3Endpoint { get; private set; }

    public long MaxAttachmentSize { get; private set; } = 100L * 1024 * 1024;

    public long MaxTotalAttachmentSize { get; private set; } = 150L * 1024 * 1024;

    public int ClaimDelayMs { get; private set; } = 50;

    public bool IsG4 => Generation == GenieGeneration.G4;

    public string JobsDir => Path.Combine(DataDir, "jobs");

    public string AttachmentsDir => Path.Combine(DataDir, "attachments");

    public const string Usage =
        "usage: sheriff-genie-local [--port N] [--bind ADDR] [--data-dir DIR] [--seed FILE] [--no-default-seed] " +
        "[--token T] [--generation 4|3] [--selector first|random] [--max-running N] [--s3-endpoint URL] " +
        "[--max-attachment-size BYTES] [--max-total-attachment-size BYTES] [--claim-delay MS]";

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
                case "-h":
                case "--help":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }

        o.BindAddress = ResolveBind(o.Bind);
        if (!IPAddress.IsLoopback(o.BindAddress) && o.Token == null)
        {
            throw new ArgumentException(
                $"refusing to listen on non-loopback address {o.Bind} without --token (anyone on the network could run commands)");
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
