using System.Globalization;
using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;
using Sheriff.GenieLocal.Resolution;

namespace Sheriff.GenieLocal.Api;

/// <summary>
/// Links between resources: command applications, command cluster criteria (G4), the cluster command list
/// (G3 real, G4 no-op) and the derived lists (genie-api.md §5.3–5.5).
/// </summary>
internal static class RelationEndpoints
{
    public static void Map(WebApplication app, GenieServer server)
    {
        const string cmd = "/api/v3/commands/{id}";
        app.MapGet(cmd + "/applications", ctx => CommandApplications(ctx, server));
        app.MapPost(cmd + "/applications", ctx => EditCommandApplications(ctx, server, replace: false));
        app.MapPut(cmd + "/applications", ctx => EditCommandApplications(ctx, server, replace: true));
        app.MapDelete(cmd + "/applications", ctx => ClearCommandApplications(ctx, server));
        app.MapDelete(cmd + "/applications/{appId}", ctx => RemoveCommandApplication(ctx, server));
        app.MapGet(cmd + "/clusters", ctx => CommandClusters(ctx, server));
        app.MapGet(cmd + "/clusterCriteria", ctx => GetCriteria(ctx, server));
        app.MapPost(cmd + "/clusterCriteria", ctx => AddCriterion(ctx, server));
        app.MapPut(cmd + "/clusterCriteria", ctx => ReplaceCriteria(ctx, server));
        app.MapDelete(cmd + "/clusterCriteria", ctx => ClearCriteria(ctx, server));
        app.MapPut(cmd + "/clusterCriteria/{priority}", ctx => InsertCriterion(ctx, server));
        app.MapDelete(cmd + "/clusterCriteria/{priority}", ctx => RemoveCriterion(ctx, server));
        app.MapGet(cmd + "/resolvedClusters", ctx => ResolvedClusters(ctx, server));

        app.MapGet("/api/v3/applications/{id}/commands", ctx => ApplicationCommands(ctx, server));

        const string cl = "/api/v3/clusters/{id}";
        app.MapGet(cl + "/commands", ctx => ClusterCommands(ctx, server));
        app.MapPost(cl + "/commands", ctx => EditClusterCommands(ctx, server, replace: false));
        app.MapPut(cl + "/commands", ctx => EditClusterCommands(ctx, server, replace: true));
        app.MapDelete(cl + "/commands", ctx => ClearClusterCommands(ctx, server));
        app.MapDelete(cl + "/commands/{commandId}", ctx => RemoveClusterCommand(ctx, server));
    }

    private static Task ListAsync(HttpContext ctx, GenieServer server, IEnumerable<Resource> resources) =>
        Http.WriteJsonAsync(
            ctx,
            200,
            new JsonArray(resources.Select(r => (JsonNode?)Http.WithLinkArray(ctx, r, server.Generation)).ToArray()),
            Http.Hal);

    private static async Task<List<string>> ReadIds(HttpContext ctx, string what)
    {
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        return (JsonInput.StringList(body, what) ?? []).Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!).ToList();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Command applications

    private static Task CommandApplications(HttpContext ctx, GenieServer server)
    {
        var command = ResourceEndpoints.Require(server, ResourceKind.Command, Http.RouteString(ctx, "id"));
        var apps = command.ApplicationIds.Select(id => server.Store.Get(ResourceKind.Application, id)).Where(a => a != null).Select(a => a!);
        return ListAsync(ctx, server, apps);
    }

    private static async Task EditCommandApplications(HttpContext ctx, GenieServer server, bool replace)
    {
        var id = Http.RouteString(ctx, "id");
        var ids = await ReadIds(ctx, "applicationIds").ConfigureAwait(false);
        lock (server.Store.Gate)
        {
            ResourceEndpoints.Require(server, ResourceKind.Command, id);
            if (!replace && ids.Count == 0)
            {
                throw GenieApiException.Precondition("No application ids entered. Unable to add applications.");
            }

            foreach (var appId in ids)
            {
                ResourceEndpoints.Require(server, ResourceKind.Application, appId);
            }

            server.Store.Update(ResourceKind.Command, id, c =>
            {
                if (replace)
                {
                    c.ApplicationIds.Clear();
                }

                foreach (var appId in ids.Where(a => !c.ApplicationIds.Contains(a)))
                {
                    c.ApplicationIds.Add(appId);
                }
            }, TimeFormat.NowMs());
        }

        await Http.EmptyAsync(ctx, 204).ConfigureAwait(false);
    }

    private static Task ClearCommandApplications(HttpContext ctx, GenieServer server)
    {
        var id = Http.RouteString(ctx, "id");
        if (server.Store.Update(ResourceKind.Command, id, c => c.ApplicationIds.Clear(), TimeFormat.NowMs()) == null)
        {
            throw GenieApiException.NotFound(ResourceEndpoints.NotFoundMessage(ResourceKind.Command, id));
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static Task RemoveCommandApplication(HttpContext ctx, GenieServer server)
    {
        var id = Http.RouteString(ctx, "id");
        var appId = Http.RouteString(ctx, "appId");
        if (server.Store.Update(ResourceKind.Command, id, c => c.ApplicationIds.RemoveAll(a => a == appId), TimeFormat.NowMs()) == null)
        {
            throw GenieApiException.NotFound(ResourceEndpoints.NotFoundMessage(ResourceKind.Command, id));
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static Task ApplicationCommands(HttpContext ctx, GenieServer server)
    {
        var app = ResourceEndpoints.Require(server, ResourceKind.Application, Http.RouteString(ctx, "id"));
        var statuses = Http.StatusFilter(ctx, Statuses.Command);
        var commands = server.Store.All(ResourceKind.Command)
            .Where(c => c.ApplicationIds.Contains(app.Id) && (statuses.Count == 0 || statuses.Contains(c.Status)))
            .OrderBy(c => c.Id, StringComparer.Ordinal);
        return ListAsync(ctx, server, commands);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Command clusters / criteria

    private static Task CommandClusters(HttpContext ctx, GenieServer server)
    {
        var command = ResourceEndpoints.Require(server, ResourceKind.Command, Http.RouteString(ctx, "id"));
        var statuses = Http.StatusFilter(ctx, Statuses.Cluster);
        var clusters = server.Store.All(ResourceKind.Cluster);
        IEnumerable<Resource> matched = server.IsG4
            ? clusters.Where(c => command.ClusterCriteria.Any(cr => JobResolver.Matches(c, cr, null)))
            : clusters.Where(c => c.CommandIds.Contains(command.Id));
        matched = matched.Where(c => statuses.Count == 0 || statuses.Contains(c.Status)).OrderBy(c => c.Id, StringComparer.Ordinal);
        return ListAsync(ctx, server, matched);
    }

    private static Task GetCriteria(HttpContext ctx, GenieServer server)
    {
        var command = ResourceEndpoints.Require(server, ResourceKind.Command, Http.RouteString(ctx, "id"));
        return Http.WriteJsonAsync(ctx, 200, new JsonArray(command.ClusterCriteria.Select(c => (JsonNode?)ResourceJson.CriterionJson(c)).ToArray()));
    }

    private static Task EditCriteria(HttpContext ctx, GenieServer server, Action<List<Criterion>> edit)
    {
        var id = Http.RouteString(ctx, "id");
        if (server.Store.Update(ResourceKind.Command, id, c => edit(c.ClusterCriteria), TimeFormat.NowMs()) == null)
        {
            throw GenieApiException.NotFound(ResourceEndpoints.NotFoundMessage(ResourceKind.Command, id));
        }

        return Http.EmptyAsync(ctx, 200);
    }

    private static async Task AddCriterion(HttpContext ctx, GenieServer server)
    {
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var criterion = ResourceJson.ParseCriterion(body);
        await EditCriteria(ctx, server, list => list.Add(criterion)).ConfigureAwait(false);
    }

    private static async Task ReplaceCriteria(HttpContext ctx, GenieServer server)
    {
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var criteria = JsonInput.AsArray(body, "clusterCriteria").Select(ResourceJson.ParseCriterion).ToList();
        await EditCriteria(ctx, server, list =>
        {
            list.Clear();
            list.AddRange(criteria);
        }).ConfigureAwait(false);
    }

    private static Task ClearCriteria(HttpContext ctx, GenieServer server) => EditCriteria(ctx, server, list => list.Clear());

    private static int Priority(HttpContext ctx)
    {
        var raw = Http.RouteString(ctx, "priority");
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) || p < 0)
        {
            throw GenieApiException.BadRequest($"Invalid priority '{raw}': must be a non-negative integer");
        }

        return p;
    }

    private static async Task InsertCriterion(HttpContext ctx, GenieServer server)
    {
        var priority = Priority(ctx);
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var criterion = ResourceJson.ParseCriterion(body);
        await EditCriteria(ctx, server, list => list.Insert(Math.Min(priority, list.Count), criterion)).ConfigureAwait(false);
    }

    private static Task RemoveCriterion(HttpContext ctx, GenieServer server)
    {
        var priority = Priority(ctx);
        var id = Http.RouteString(ctx, "id");
        lock (server.Store.Gate)
        {
            var command = ResourceEndpoints.Require(server, ResourceKind.Command, id);
            if (priority >= command.ClusterCriteria.Count)
            {
                throw GenieApiException.NotFound($"No criterion with priority {priority} exists for command {id}");
            }

            return EditCriteria(ctx, server, list => list.RemoveAt(priority));
        }
    }

    private static Task ResolvedClusters(HttpContext ctx, GenieServer server)
    {
        var command = ResourceEndpoints.Require(server, ResourceKind.Command, Http.RouteString(ctx, "id"));
        var addDefault = !string.Equals(Http.Single(ctx, "addDefaultStatus"), "false", StringComparison.OrdinalIgnoreCase);
        var clusters = server.Store.All(ResourceKind.Cluster).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        var result = new JsonArray();
        foreach (var c in command.ClusterCriteria)
        {
            var criterion = c.Clone();
            if (addDefault && criterion.Status == null)
            {
                criterion.Status = "UP";
            }

            result.Add(new JsonObject
            {
                ["criterion"] = ResourceJson.CriterionJson(criterion),
                ["resources"] = new JsonArray(clusters.Where(x => JobResolver.Matches(x, criterion, null))
                    .Select(x => (JsonNode?)ResourceJson.ToJson(x, server.Generation)).ToArray()),
            });
        }

        return Http.WriteJsonAsync(ctx, 200, result);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Cluster commands: G3 ordered list, G4 no-ops

    private static Task ClusterCommands(HttpContext ctx, GenieServer server)
    {
        var cluster = ResourceEndpoints.Require(server, ResourceKind.Cluster, Http.RouteString(ctx, "id"));
        var statuses = Http.StatusFilter(ctx, Statuses.Command);
        if (server.IsG4)
        {
            return ListAsync(ctx, server, []);
        }

        var commands = cluster.CommandIds.Select(id => server.Store.Get(ResourceKind.Command, id))
            .Where(c => c != null && (statuses.Count == 0 || statuses.Contains(c.Status))).Select(c => c!);
        return ListAsync(ctx, server, commands);
    }

    private static async Task EditClusterCommands(HttpContext ctx, GenieServer server, bool replace)
    {
        var id = Http.RouteString(ctx, "id");
        var ids = await ReadIds(ctx, "commandIds").ConfigureAwait(false);
        lock (server.Store.Gate)
        {
            ResourceEndpoints.Require(server, ResourceKind.Cluster, id);
            if (!server.IsG4)
            {
                if (!replace && ids.Count == 0)
                {
                    throw GenieApiException.Precondition("No command ids entered. Unable to add commands.");
                }

                foreach (var commandId in ids)
                {
                    if (server.Store.Get(ResourceKind.Command, commandId) == null)
                    {
                        throw GenieApiException.Precondition($"No command with id {commandId} exists");
                    }
                }

                server.Store.Update(ResourceKind.Cluster, id, c =>
                {
                    if (replace)
                    {
                        c.CommandIds.Clear();
                    }

                    foreach (var commandId in ids.Where(x => !c.CommandIds.Contains(x)))
                    {
                        c.CommandIds.Add(commandId);
                    }
                }, TimeFormat.NowMs());
            }
        }

        await Http.EmptyAsync(ctx, 204).ConfigureAwait(false);
    }

    private static Task ClearClusterCommands(HttpContext ctx, GenieServer server)
    {
        var id = Http.RouteString(ctx, "id");
        ResourceEndpoints.Require(server, ResourceKind.Cluster, id);
        if (!server.IsG4)
        {
            server.Store.Update(ResourceKind.Cluster, id, c => c.CommandIds.Clear(), TimeFormat.NowMs());
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static Task RemoveClusterCommand(HttpContext ctx, GenieServer server)
    {
        var id = Http.RouteString(ctx, "id");
        var commandId = Http.RouteString(ctx, "commandId");
        ResourceEndpoints.Require(server, ResourceKind.Cluster, id);
        if (!server.IsG4)
        {
            server.Store.Update(ResourceKind.Cluster, id, c => c.CommandIds.RemoveAll(x => x == commandId), TimeFormat.NowMs());
        }

        return Http.EmptyAsync(ctx, 204);
    }
}
