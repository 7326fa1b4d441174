using System.Globalization;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Api;

namespace Sheriff.GenieLocal.Json;

/// <summary>RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over a <see cref="JsonNode"/> document.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode patch)
    {
        var ops = patch as JsonArray ?? throw GenieApiException.BadRequest("A JSON Patch body must be an array of operations");
        var root = new JsonObject { ["doc"] = document.DeepClone() };
        foreach (var opNode in ops)
        {
            var op = opNode as JsonObject ?? throw GenieApiException.BadRequest("Each JSON Patch operation must be an object");
            var name = JsonInput.String(op, "op") ?? throw GenieApiException.BadRequest("JSON Patch operation without 'op'");
            var path = JsonInput.String(op, "path") ?? throw GenieApiException.BadRequest("JSON Patch operation without 'path'");
            switch (name)
            {
                case "add":
                    Add(root, path, RequireValue(op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, RequireValue(op));
                    break;
                case "move":
                {
                    var from = JsonInput.String(op, "from") ?? throw GenieApiException.BadRequest("JSON Patch 'move' without 'from'");
                    var value = Get(root, from)?.DeepClone();
                    Remove(root, from);
                    Add(root, path, value);
                    break;
                }

                case "copy":
                {
                    var from = JsonInput.String(op, "from") ?? throw GenieApiException.BadRequest("JSON Patch 'copy' without 'from'");
                    Add(root, path, Get(root, from)?.DeepClone());
                    break;
                }

                case "test":
                {
                    var expected = RequireValue(op);
                    var actual = Get(root, path);
                    if (!JsonNode.DeepEquals(actual, expected))
                    {
                        throw GenieApiException.BadRequest($"JSON Patch test failed at {path}");
                    }

                    break;
                }

                default:
                    throw GenieApiException.BadRequest($"Unsupported JSON Patch operation '{name}'");
            }
        }

        return root["doc"] ?? new JsonObject();
    }

    private static JsonNode? RequireValue(JsonObject op)
    {
        if (!op.TryGetPropertyValue("value", out var v))
        {
            throw GenieApiException.BadRequest("JSON Patch operation without 'value'");
        }

        return v?.DeepClone();
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw GenieApiException.BadRequest($"Invalid JSON pointer '{pointer}'");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static (JsonNode Parent, string Last) Locate(JsonObject root, string pointer)
    {
        var tokens = Tokens(pointer);
        tokens.Insert(0, "doc");
        JsonNode current = root;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            current = Child(current, tokens[i], pointer) ?? throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
        }

        return (current, tokens[^1]);
    }

    private static JsonNode? Child(JsonNode node, string token, string pointer)
    {
        switch (node)
        {
            case JsonObject o:
                if (!o.TryGetPropertyValue(token, out var v))
                {
                    throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
                }

                return v;
            case JsonArray a:
                var idx = Index(token, a.Count, false, pointer);
                return a[idx];
            default:
                throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
        }
    }

    private static int Index(string token, int count, bool allowEnd, string pointer)
    {
        if (allowEnd && token == "-")
        {
            return count;
        }

        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) || idx > count || (!allowEnd && idx == count))
        {
            throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' has an invalid array index");
        }

        return idx;
    }

    private static JsonNode? Get(JsonObject root, string pointer)
    {
        var (parent, last) = Locate(root, pointer);
        return Child(parent, last, pointer);
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, last) = Locate(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                a.Insert(Index(last, a.Count, true, pointer), value);
                break;
            default:
                throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
        }
    }

    private static void Remove(JsonObject root, string pointer)
    {
        var (parent, last) = Locate(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                if (!o.Remove(last))
                {
                    throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
                }

                break;
            case JsonArray a:
                a.RemoveAt(Index(last, a.Count, false, pointer));
                break;
            default:
                throw GenieApiException.BadRequest($"JSON Patch path '{pointer}' does not exist");
        }
    }
}
