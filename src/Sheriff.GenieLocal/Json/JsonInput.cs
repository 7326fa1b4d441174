using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;

namespace Sheriff.GenieLocal.Json;

/// <summary>
/// Tolerant, typed reads from request JSON, the way Jackson binds Genie's DTOs: unknown fields are ignored,
/// scalars coerce to strings, wrong structural types are a 400.
/// </summary>
internal static class JsonInput
{
    /// <summary>Reads a JSON request body; a non-JSON Content-Type is a 415 (a missing one is tolerated).</summary>
    public static async Task<JsonNode> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrWhiteSpace(contentType) && !IsJsonMediaType(contentType))
        {
            throw new GenieApiException(415, $"Content type '{contentType}' not supported", legacyFamily: false);
        }

        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, ct).ConfigureAwait(false);
        return Parse(ms.ToArray());
    }

    public static bool IsJsonMediaType(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               media.Equals("text/json", StringComparison.OrdinalIgnoreCase) ||
               (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    public static JsonNode Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Trim((byte)' ').IsEmpty)
        {
            throw GenieApiException.BadRequest("Required request body is missing");
        }

        try
        {
            var node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 256 });
            return node ?? throw GenieApiException.BadRequest("Required request body is missing");
        }
        catch (JsonException e)
        {
            throw GenieApiException.BadRequest("JSON parse error: " + e.Message);
        }
    }

    public static JsonObject AsObject(JsonNode? node, string what)
    {
        if (node is JsonObject o)
        {
            return o;
        }

        throw GenieApiException.BadRequest($"JSON parse error: expected an object for {what}");
    }

    public static JsonArray AsArray(JsonNode? node, string what)
    {
        if (node is JsonArray a)
        {
            return a;
        }

        throw GenieApiException.BadRequest($"JSON parse error: expected an array for {what}");
    }

    public static bool Has(JsonObject o, string name) => o.TryGetPropertyValue(name, out var v) && v != null;

    public static string? String(JsonObject o, string name) => Scalar(o[name], name);

    public static string? Scalar(JsonNode? v, string name)
    {
        if (v == null)
        {
            return null;
        }

        if (v is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    return value.GetValue<string>();
                case JsonValueKind.Number:
                    return value.ToJsonString();
                case JsonValueKind.True:
                    return "true";
                case JsonValueKind.False:
                    return "false";
                case JsonValueKind.Null:
                    return null;
            }
        }

        throw GenieApiException.BadRequest($"JSON parse error: cannot deserialize a string from {KindName(v)} for field '{name}'");
    }

    public static long? Long(JsonObject o, string name)
    {
        var v = o[name];
        if (v == null)
        {
            return null;
        }

        if (v is JsonValue value)
        {
            var kind = value.GetValueKind();
            if (kind == JsonValueKind.Number)
            {
                if (value.TryGetValue<long>(out var l))
                {
                    return l;
                }

                var text = value.ToJsonString();
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) &&
                    Math.Abs(d % 1) < double.Epsilon && d >= long.MinValue && d <= long.MaxValue)
                {
                    return (long)d;
                }
            }
            else if (kind == JsonValueKind.String)
            {
                var s = value.GetValue<string>();
                if (s.Length == 0)
                {
                    return null;
                }

                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }
            }
            else if (kind == JsonValueKind.Null)
            {
                return null;
            }
        }

        throw GenieApiException.BadRequest($"JSON parse error: cannot deserialize an integer from {KindName(v)} for field '{name}'");
    }

    public static int? Int(JsonObject o, string name)
    {
        var l = Long(o, name);
        if (l == null)
        {
            return null;
        }

        if (l.Value < int.MinValue || l.Value > int.MaxValue)
        {
            throw GenieApiException.BadRequest($"JSON parse error: numeric value out of range of int for field '{name}'");
        }

        return (int)l.Value;
    }

    public static bool? Bool(JsonObject o, string name)
    {
        var v = o[name];
        if (v == null)
        {
            return null;
        }

        if (v is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.String:
                    var s = value.GetValue<string>();
                    if (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    if (string.Equals(s, "false", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    break;
            }
        }

        throw GenieApiException.BadRequest($"JSON parse error: cannot deserialize a boolean from {KindName(v)} for field '{name}'");
    }

    /// <summary>An array of strings; null/absent → null. Null elements are kept as null.</summary>
    public static List<string?>? StringList(JsonObject o, string name) => StringList(o[name], name);

    public static List<string?>? StringList(JsonNode? v, string name)
    {
        if (v == null)
        {
            return null;
        }

        if (v is not JsonArray a)
        {
            throw GenieApiException.BadRequest($"JSON parse error: cannot deserialize an array from {KindName(v)} for field '{name}'");
        }

        var list = new List<string?>(a.Count);
        foreach (var e in a)
        {
            list.Add(Scalar(e, name));
        }

        return list;
    }

    /// <summary>An arbitrary JSON value, deep-cloned (metadata, runtime).</summary>
    public static JsonNode? Any(JsonObject o, string name)
    {
        var v = o[name];
        return v?.DeepClone();
    }

    private static string KindName(JsonNode v) => v switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        _ => v.GetValueKind().ToString().ToLowerInvariant(),
    };
}
