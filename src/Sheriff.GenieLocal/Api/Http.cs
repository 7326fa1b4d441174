using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Api;

/// <summary>Response writing, link building and query-string helpers shared by the endpoint groups.</summary>
internal static class Http
{
    public const string Hal = "application/hal+json;charset=UTF-8";
    public const string Json = "application/json;charset=UTF-8";

    public static readonly JsonSerializerOptions WriteOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Origin(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host.Value}";

    public static string Api(HttpContext ctx) => Origin(ctx) + "/api/v3";

    public static string Enc(string segment) => Uri.EscapeDataString(segment);

    public static string RouteString(HttpContext ctx, string name) =>
        ctx.Request.RouteValues.TryGetValue(name, out var v) && v is string s ? s : "";

    public static async Task WriteJsonAsync(HttpContext ctx, int status, JsonNode? body, string contentType = Json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body?.ToJsonString(WriteOptions) ?? "null");
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
    }

    public static Task HalAsync(HttpContext ctx, JsonNode body) => WriteJsonAsync(ctx, 200, body, Hal);

    public static Task EmptyAsync(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static async Task WriteErrorAsync(HttpContext ctx, GenieApiException e, GenieGeneration generation)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }

        ctx.Response.Clear();
        JsonObject body;
        if (generation == GenieGeneration.G3)
        {
            body = new JsonObject
            {
                ["timestamp"] = TimeFormat.NowMs(),
                ["status"] = e.Status,
                ["error"] = ReasonPhrases.GetReasonPhrase(e.Status),
                ["exception"] = e.JavaException ?? "com.netflix.genie.common.exceptions.GenieException",
                ["message"] = e.Message,
                ["path"] = ctx.Request.Path.Value,
            };
        }
        else if (e.LegacyFamily)
        {
            body = new JsonObject { ["errorCode"] = e.Status, ["message"] = e.Message };
        }
        else
        {
            body = new JsonObject { ["message"] = e.Message };
        }

        await WriteJsonAsync(ctx, e.Status, body).ConfigureAwait(false);
    }

    public static JsonObject Link(string href, bool templated = false)
    {
        var o = new JsonObject { ["href"] = href };
        if (templated)
        {
            o["templated"] = true;
        }

        return o;
    }

    public static string ResourcePath(ResourceKind kind) => kind switch
    {
        ResourceKind.Application => "applications",
        ResourceKind.Cluster => "clusters",
        _ => "commands",
    };

    /// <summary>(rel, href, templated) triples of a resource (genie-api.md §3.1).</summary>
    public static List<(string Rel, string Href, bool Templated)> ResourceLinkList(HttpContext ctx, Resource r)
    {
        var self = $"{Api(ctx)}/{ResourcePath(r.Kind)}/{Enc(r.Id)}";
        var list = new List<(string, string, bool)> { ("self", self, false) };
        switch (r.Kind)
        {
            case ResourceKind.Application:
            case ResourceKind.Cluster:
                list.Add(("commands", self + "/commands{?status}", true));
                break;
            case ResourceKind.Command:
                list.Add(("applications", self + "/applications", false));
                list.Add(("clusters", self + "/clusters{?status}", true));
                break;
        }

        return list;
    }

    /// <summary>Resource JSON with HAL <c>_links</c>.</summary>
    public static JsonObject WithLinks(HttpContext ctx, Resource r, GenieGeneration generation)
    {
        var o = ResourceJson.ToJson(r, generation);
        var links = new JsonObject();
        foreach (var (rel, href, templated) in ResourceLinkList(ctx, r))
        {
            links[rel] = Link(href, templated);
        }

        o["_links"] = links;
        return o;
    }

    /// <summary>Resource JSON with a plain <c>links</c> array, for bare-array list endpoints (§3.2).</summary>
    public static JsonObject WithLinkArray(HttpContext ctx, Resource r, GenieGeneration generation)
    {
        var o = ResourceJson.ToJson(r, generation);
        o["links"] = LinkArray(ResourceLinkList(ctx, r));
        return o;
    }

    public static JsonArray LinkArray(IEnumerable<(string Rel, string Href, bool Templated)> links) =>
        new(links.Select(l => (JsonNode?)new JsonObject { ["rel"] = l.Rel, ["href"] = l.Href }).ToArray());

    // ----------------------------------------------------------------------------------------------------------
    // Query strings

    public static List<string> Multi(HttpContext ctx, string name)
    {
        var list = new List<string>();
        if (ctx.Request.Query.TryGetValue(name, out var values))
        {
            foreach (var v in values)
            {
                if (v != null)
                {
                    list.Add(v);
                }
            }
        }

        return list;
    }

    public static string? Single(HttpContext ctx, string name)
    {
        var v = Multi(ctx, name);
        return v.Count == 0 ? null : v[0];
    }

    /// <summary>Parses repeatable status filters case-insensitively; an unknown value is a 412.</summary>
    public static List<string> StatusFilter(HttpContext ctx, string[] allowed)
    {
        var result = new List<string>();
        foreach (var raw in Multi(ctx, "status"))
        {
            foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = allowed.FirstOrDefault(a => string.Equals(a, part, StringComparison.OrdinalIgnoreCase))
                    ?? throw GenieApiException.Precondition($"{part} is not a valid status. Valid values: {string.Join(", ", allowed)}");
                if (!result.Contains(match))
                {
                    result.Add(match);
                }
            }
        }

        return result;
    }

    public static long? EpochMs(HttpContext ctx, string name)
    {
        var v = Single(ctx, name);
        if (string.IsNullOrEmpty(v))
        {
            return null;
        }

        if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        throw GenieApiException.BadRequest($"Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long' for parameter '{name}': '{v}'");
    }

    /// <summary>Equality, or SQL LIKE when the pattern contains '%' ('%' any run, '_' one character).</summary>
    public static bool LikeOrEquals(string? value, string? pattern)
    {
        if (pattern == null)
        {
            return true;
        }

        if (value == null)
        {
            return false;
        }

        if (!pattern.Contains('%', StringComparison.Ordinal))
        {
            return string.Equals(value, pattern, StringComparison.Ordinal);
        }

        return Like(value, 0, pattern, 0);
    }

    private static bool Like(string s, int si, string p, int pi)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '%')
            {
                while (pi < p.Length && p[pi] == '%')
                {
                    pi++;
                }

                if (pi == p.Length)
                {
                    return true;
                }

                for (var k = si; k <= s.Length; k++)
                {
                    if (Like(s, k, p, pi))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (si >= s.Length || (c != '_' && c != s[si]))
            {
                return false;
            }

            si++;
            pi++;
        }

        return si == s.Length;
    }
}
