using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Api;

/// <summary>The API root (genie-api.md §5.1) and the non-Genie benchmark ping.</summary>
internal static class RootEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/v3", Root);
        app.MapGet("/genielocal/ping", async ctx =>
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            ctx.Response.ContentLength = 4;
            await ctx.Response.WriteAsync("pong", ctx.RequestAborted).ConfigureAwait(false);
        });
    }

    private static Task Root(HttpContext ctx)
    {
        var api = Http.Api(ctx);
        var body = new JsonObject
        {
            ["description"] = "Genie V3 API",
            ["_links"] = new JsonObject
            {
                ["self"] = Http.Link(api),
                ["applications"] = Http.Link(api + "/applications"),
                ["commands"] = Http.Link(api + "/commands"),
                ["clusters"] = Http.Link(api + "/clusters"),
                ["jobs"] = Http.Link(api + "/jobs"),
            },
        };
        return Http.HalAsync(ctx, body);
    }
}
