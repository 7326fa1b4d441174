using System;
using System.Collections.Generic;

namespace Sheriff.GenieLocal.Sql;

/// <summary>
/// The argv of <c>sheriff-genie-local sql-engine</c>: <c>[--warehouse DIR]</c>, then exactly what spark-submit would
/// get for a Sheriff SQL job (sql-format.md): spark-submit options are skipped (every <c>--xxx value</c> pair, the
/// switches <c>--verbose -v --supervise --help -h --version</c>, <c>--conf k=v</c> / <c>-c k=v</c> / <c>--xxx=value</c>),
/// the first positional argument ending in <c>.py</c> is the driver (ignored), the next argument is the request file.
/// Arguments after the request file are kept in <see cref="ExtraArguments"/> and otherwise ignored.
/// </summary>
internal sealed class SqlArgs
{
    /// <summary>spark-submit switches that take no value.</summary>
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal)
    {
        "--verbose", "-v", "--supervise", "--help", "-h", "--version",
    };

    public const string Usage =
        "usage: sheriff-genie-local sql-engine [--warehouse DIR] [spark-submit options] sheriff_sql_driver.py sheriff-sql.json";

    private SqlArgs(string? warehouse, string driver, string requestFile, IReadOnlyList<KeyValuePair<string, string>> conf,
        IReadOnlyList<string> skipped, IReadOnlyList<string> extra)
    {
        Warehouse = warehouse;
        Driver = driver;
        RequestFile = requestFile;
        Conf = conf;
        SkippedPositionals = skipped;
        ExtraArguments = extra;
    }

    /// <summary>The warehouse folder given with <c>--warehouse</c>, or null for the default.</summary>
    public string? Warehouse { get; }

    /// <summary>The driver script named in the argv (never run: the engine is in-process).</summary>
    public string Driver { get; }

    /// <summary>The request file, relative to the working directory unless rooted.</summary>
    public string RequestFile { get; }

    /// <summary>The <c>--conf</c> pairs, in order (informational).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Conf { get; }

    /// <summary>Positional arguments before the driver that did not end in <c>.py</c> (ignored).</summary>
    public IReadOnlyList<string> SkippedPositionals { get; }

    /// <summary>Arguments after the request file (ignored).</summary>
    public IReadOnlyList<string> ExtraArguments { get; }

    /// <summary>Parses the argv that follows <c>sql-engine</c>; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public static SqlArgs Parse(IReadOnlyList<string> args)
    {
        string? warehouse = null;
        string? driver = null;
        string? request = null;
        var conf = new List<KeyValuePair<string, string>>();
        var skipped = new List<string>();
        var extra = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (driver != null)
            {
                if (request == null)
                {
                    request = arg;
                }
                else
                {
                    extra.Add(arg);
                }

                continue;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                if (Switches.Contains(arg))
                {
                    continue;
                }

                var name = arg;
                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }

                string value;
                if (inline != null)
                {
                    value = inline;
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new ArgumentException($"option {name} needs a value\n{Usage}");
                }

                switch (name)
                {
                    case "--warehouse":
                        if (value.Length == 0)
                        {
                            throw new ArgumentException("--warehouse must not be empty");
                        }

                        warehouse = value;
                        break;
                    case "--conf":
                    case "-c":
                        var kv = value.IndexOf('=', StringComparison.Ordinal);
                        if (kv <= 0)
                        {
                            throw new ArgumentException($"Spark config without '=': {value}");
                        }

                        conf.Add(new KeyValuePair<string, string>(value[..kv], value[(kv + 1)..]));
                        break;
                }

                continue;
            }

            if (arg.EndsWith(".py", StringComparison.OrdinalIgnoreCase))
            {
                driver = arg;
            }
            else
            {
                skipped.Add(arg);
            }
        }

        if (driver == null)
        {
            throw new ArgumentException($"no driver script (an argument ending in .py) in the arguments\n{Usage}");
        }

        if (request == null)
        {
            throw new ArgumentException($"no request file after the driver script {driver}\n{Usage}");
        }

        if (request.Length == 0)
        {
            throw new ArgumentException("the request file name is empty");
        }

        return new SqlArgs(warehouse, driver, request, conf, skipped, extra);
    }
}
