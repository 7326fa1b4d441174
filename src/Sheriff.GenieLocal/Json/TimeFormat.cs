using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Json;

/// <summary>Timestamp and duration text exactly as Genie renders them (genie-api.md §0).</summary>
internal static class TimeFormat
{
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>
    /// G4: millisecond-truncated Instant text, no fraction when the millisecond part is 0 (…50Z), else three
    /// digits (…50.500Z). G3: always three digits.
    /// </summary>
    public static string Timestamp(long epochMs, GenieGeneration generation)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime;
        var basePart = t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ms = t.Millisecond;
        if (generation == GenieGeneration.G4 && ms == 0)
        {
            return basePart + "Z";
        }

        return basePart + "." + ms.ToString("D3", CultureInfo.InvariantCulture) + "Z";
    }

    /// <summary>The G3 JobExecution.timeout oddity: <c>2019-04-23T17:13:50.512+0000</c>.</summary>
    public static string G3Offset(long epochMs)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime;
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";
    }

    public static JsonNode? TimestampNode(long? epochMs, GenieGeneration generation) =>
        epochMs.HasValue ? JsonValue.Create(Timestamp(epochMs.Value, generation)) : null;

    /// <summary>ISO-8601 duration text as java.time.Duration.toString() prints it: PT0S, PT7M26.769S, PT2H5S.</summary>
    public static string Duration(long millis)
    {
        if (millis <= 0)
        {
            return "PT0S";
        }

        var hours = millis / 3_600_000;
        var minutes = millis % 3_600_000 / 60_000;
        var seconds = millis % 60_000 / 1000;
        var ms = millis % 1000;
        var sb = new StringBuilder("PT");
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('H');
        }

        if (minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
        }

        if (seconds > 0 || ms > 0)
        {
            sb.Append(seconds.ToString(CultureInfo.InvariantCulture));
            if (ms > 0)
            {
                sb.Append('.').Append(ms.ToString("D3", CultureInfo.InvariantCulture).TrimEnd('0'));
            }

            sb.Append('S');
        }

        return sb.ToString();
    }

    /// <summary>Java-style Duration text for started/finished per Genie's TimeUtils.getDuration.</summary>
    public static string Runtime(long? started, long? finished)
    {
        if (started == null)
        {
            return "PT0S";
        }

        var end = finished ?? NowMs();
        return Duration(end - started.Value);
    }
}
