using System.Text.Json.Nodes;
using Sheriff.GenieLocal.Json;
using Sheriff.GenieLocal.Model;

namespace Sheriff.GenieLocal.Api;

/// <summary>
/// CRUD, search and configs/dependencies/tags sub-collections shared by /applications, /clusters and /commands
/// (genie-api.md §5.3–5.5).
/// </summary>
internal static class ResourceEndpoints
{
    private static readonly string[] Sortable = ["id", "created", "updated", "name", "user", "version", "status", "type", "description"];

    public static void Map(WebApplication app, GenieServer server, ResourceKind kind)
    {
        var root = "/api/v3/" + Http.ResourcePath(kind);
        app.MapPost(root, ctx => Create(ctx, server, kind));
        app.MapGet(root, ctx => Search(ctx, server, kind));
        app.MapDelete(root, ctx => DeleteAll(ctx, server, kind));
        app.MapGet(root + "/{id}", ctx => GetOne(ctx, server, kind));
        app.MapPut(root + "/{id}", ctx => Update(ctx, server, kind));
        app.MapPatch(root + "/{id}", ctx => Patch(ctx, server, kind));
        app.MapDelete(root + "/{id}", ctx => DeleteOne(ctx, server, kind));
        foreach (var collection in new[] { "configs", "dependencies", "tags" })
        {
            var route = root + "/{id}/" + collection;
            app.MapGet(route, ctx => GetCollection(ctx, server, kind, collection));
            app.MapPost(route, ctx => EditCollection(ctx, server, kind, collection, replace: false));
            app.MapPut(route, ctx => EditCollection(ctx, server, kind, collection, replace: true));
            app.MapDelete(route, ctx => ClearCollection(ctx, server, kind, collection));
        }

        app.MapDelete(root + "/{id}/tags/{tag}", ctx => RemoveTag(ctx, server, kind));
    }

    public static string NotFoundMessage(ResourceKind kind, string id) => $"No {ResourceJson.Noun(kind)} with id {id} exists";

    public static Resource Require(GenieServer server, ResourceKind kind, string id) =>
        server.Store.Get(kind, id) ?? throw GenieApiException.NotFound(NotFoundMessage(kind, id));

    private static async Task Create(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var r = ResourceJson.Parse(kind, body, server.Generation);
        if (string.IsNullOrWhiteSpace(r.Id))
        {
            r.Id = Guid.NewGuid().ToString();
        }

        r.Created = r.Updated = TimeFormat.NowMs();
        if (!server.Store.TryAdd(r))
        {
            throw GenieApiException.Conflict($"{(kind == ResourceKind.Application ? "An" : "A")} {ResourceJson.Noun(kind)} with id {r.Id} already exists");
        }

        ctx.Response.Headers.Location = $"{Http.Api(ctx)}/{Http.ResourcePath(kind)}/{Http.Enc(r.Id)}";
        await Http.EmptyAsync(ctx, 201).ConfigureAwait(false);
    }

    private static Task GetOne(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var r = Require(server, kind, Http.RouteString(ctx, "id"));
        return Http.HalAsync(ctx, Http.WithLinks(ctx, r, server.Generation));
    }

    private static async Task Update(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var id = Http.RouteString(ctx, "id");
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var parsed = ResourceJson.Parse(kind, body, server.Generation);
        Replace(server, kind, id, parsed);
        await Http.EmptyAsync(ctx, 204).ConfigureAwait(false);
    }

    private static void Replace(GenieServer server, ResourceKind kind, string id, Resource parsed)
    {
        if (parsed.Id.Length > 0 && !string.Equals(parsed.Id, id, StringComparison.Ordinal))
        {
            throw GenieApiException.BadRequest($"{ResourceJson.Title(kind)} id {parsed.Id} inconsistent with id passed in ({id}).");
        }

        var updated = server.Store.Update(kind, id, r =>
        {
            r.Name = parsed.Name;
            r.User = parsed.User;
            r.Version = parsed.Version;
            r.Description = parsed.Description;
            r.Metadata = parsed.Metadata;
            r.Tags = parsed.Tags;
            r.Configs = parsed.Configs;
            r.Dependencies = parsed.Dependencies;
            r.SetupFile = parsed.SetupFile;
            r.Status = parsed.Status;
            r.Type = parsed.Type;
            r.ExecutableAndArguments = parsed.ExecutableAndArguments;
            r.CheckDelay = parsed.CheckDelay;
            r.Memory = parsed.Memory;
            r.Runtime = parsed.Runtime;
            if (server.IsG4)
            {
                r.ClusterCriteria = parsed.ClusterCriteria;
            }
        }, TimeFormat.NowMs());
        if (updated == null)
        {
            throw GenieApiException.NotFound(NotFoundMessage(kind, id));
        }
    }

    private static async Task Patch(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var id = Http.RouteString(ctx, "id");
        var patch = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var current = Require(server, kind, id);
        var before = ResourceJson.ToJson(current, server.Generation);
        var after = JsonPatch.Apply(before, patch);
        if (kind == ResourceKind.Command && server.IsG4 && after is JsonObject a &&
            !JsonNode.DeepEquals(a["executable"], before["executable"]) &&
            JsonNode.DeepEquals(a["executableAndArguments"], before["executableAndArguments"]))
        {
            // Only 'executable' was patched: it must win over the unchanged list form.
            a.Remove("executableAndArguments");
        }

        var parsed = ResourceJson.Parse(kind, after, server.Generation);
        if (parsed.Id.Length == 0)
        {
            parsed.Id = id;
        }

        Replace(server, kind, id, parsed);
        await Http.EmptyAsync(ctx, 204).ConfigureAwait(false);
    }

    private static Task DeleteOne(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var id = Http.RouteString(ctx, "id");
        lock (server.Store.Gate)
        {
            var existing = server.Store.Get(kind, id);
            if (existing == null)
            {
                if (!server.IsG4 || kind == ResourceKind.Command)
                {
                    throw GenieApiException.NotFound(NotFoundMessage(kind, id));
                }

                return Http.EmptyAsync(ctx, 204);
            }

            DeleteChecked(server, existing);
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static Task DeleteAll(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        lock (server.Store.Gate)
        {
            var all = server.Store.All(kind);
            if (kind == ResourceKind.Application && server.IsG4)
            {
                foreach (var a in all)
                {
                    EnsureUnused(server, a);
                }
            }

            foreach (var r in all)
            {
                DeleteChecked(server, r);
            }
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static void EnsureUnused(GenieServer server, Resource application)
    {
        var users = server.Store.All(ResourceKind.Command).Where(c => c.ApplicationIds.Contains(application.Id)).Select(c => c.Id).ToList();
        if (users.Count > 0)
        {
            throw GenieApiException.BadRequest(
                $"Unable to delete application {application.Id} as it is still used by commands: {string.Join(", ", users.OrderBy(x => x, StringComparer.Ordinal))}");
        }
    }

    private static void DeleteChecked(GenieServer server, Resource r)
    {
        var now = TimeFormat.NowMs();
        switch (r.Kind)
        {
            case ResourceKind.Application:
                if (server.IsG4)
                {
                    EnsureUnused(server, r);
                }
                else
                {
                    foreach (var c in server.Store.All(ResourceKind.Command).Where(c => c.ApplicationIds.Contains(r.Id)))
                    {
                        server.Store.Update(ResourceKind.Command, c.Id, x => x.ApplicationIds.RemoveAll(a => a == r.Id), now);
                    }
                }

                break;
            case ResourceKind.Command:
                foreach (var cl in server.Store.All(ResourceKind.Cluster).Where(c => c.CommandIds.Contains(r.Id)))
                {
                    server.Store.Update(ResourceKind.Cluster, cl.Id, x => x.CommandIds.RemoveAll(c => c == r.Id), now);
                }

                break;
        }

        server.Store.Delete(r.Kind, r.Id);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Search

    private static Task Search(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var statuses = Http.StatusFilter(ctx, Statuses.For(kind));
        var name = Http.Single(ctx, "name");
        var user = kind == ResourceKind.Cluster ? null : Http.Single(ctx, "user");
        var type = kind == ResourceKind.Application ? Http.Single(ctx, "type") : null;
        var minUpdate = kind == ResourceKind.Cluster ? Http.EpochMs(ctx, "minUpdateTime") : null;
        var maxUpdate = kind == ResourceKind.Cluster ? Http.EpochMs(ctx, "maxUpdateTime") : null;
        var tags = Http.Multi(ctx, "tag").Where(t => t.Length > 0).ToList();
        var defaultSize = kind == ResourceKind.Application ? 10 : 64;
        var paging = Paging.Parse(ctx, defaultSize, new SortOrder("updated", true), Sortable);

        var filterNames = kind switch
        {
            ResourceKind.Application => new[] { "name", "user", "status", "tag", "type" },
            ResourceKind.Cluster => new[] { "name", "status", "tag", "minUpdateTime", "maxUpdateTime" },
            _ => new[] { "name", "user", "status", "tag" },
        };
        var given = new List<(string, string)>();
        foreach (var n in filterNames)
        {
            foreach (var v in Http.Multi(ctx, n))
            {
                given.Add((n, v));
            }
        }

        List<Resource> hits;
        var idTag = server.IsG4 ? tags.FirstOrDefault(t => t.StartsWith(Tags.IdPrefix, StringComparison.Ordinal)) : null;
        if (idTag != null)
        {
            // G4: a genie.id tag short-circuits to a direct lookup; other filters are ignored.
            var r = server.Store.Get(kind, idTag[Tags.IdPrefix.Length..]);
            hits = r == null ? [] : [r];
            var items = hits.Select(x => (JsonNode)Http.WithLinks(ctx, x, server.Generation)).ToList();
            var p = Paging.Parse(ctx, Math.Max(hits.Count, 1), new SortOrder("updated", true), Sortable);
            var listKey = ResourceJson.Noun(kind) + "List";
            return Http.HalAsync(ctx, p.Envelope(ctx, listKey, items, hits.Count, given, filterNames));
        }

        if (server.IsG4)
        {
            var nameTag = tags.FirstOrDefault(t => t.StartsWith(Tags.NamePrefix, StringComparison.Ordinal));
            if (nameTag != null)
            {
                name = nameTag[Tags.NamePrefix.Length..];
                tags = tags.Where(t => !t.StartsWith(Tags.NamePrefix, StringComparison.Ordinal)).ToList();
            }
        }

        hits = server.Store.All(kind).Where(r =>
            Http.LikeOrEquals(r.Name, name) &&
            Http.LikeOrEquals(r.User, user) &&
            (type == null || Http.LikeOrEquals(r.Type, type)) &&
            (statuses.Count == 0 || statuses.Contains(r.Status)) &&
            (minUpdate == null || r.Updated >= minUpdate) &&
            (maxUpdate == null || r.Updated < maxUpdate) &&
            (tags.Count == 0 || tags.All(new HashSet<string>(r.AllTags(), StringComparer.Ordinal).Contains))).ToList();

        var page = paging.Apply(hits, SortKey, r => r.Created);
        var embedded = page.Select(x => (JsonNode)Http.WithLinks(ctx, x, server.Generation)).ToList();
        return Http.HalAsync(ctx, paging.Envelope(ctx, ResourceJson.Noun(kind) + "List", embedded, hits.Count, given, filterNames));
    }

    private static IComparable? SortKey(Resource r, string property) => property switch
    {
        "id" => r.Id,
        "created" => r.Created,
        "updated" => r.Updated,
        "name" => r.Name,
        "user" => r.User,
        "version" => r.Version,
        "status" => r.Status,
        "type" => r.Type,
        "description" => r.Description,
        _ => null,
    };

    // ----------------------------------------------------------------------------------------------------------
    // configs / dependencies / tags

    private static Task GetCollection(HttpContext ctx, GenieServer server, ResourceKind kind, string collection)
    {
        var r = Require(server, kind, Http.RouteString(ctx, "id"));
        var values = collection switch
        {
            "configs" => r.Configs,
            "dependencies" => r.Dependencies,
            _ => r.AllTags(),
        };
        return Http.WriteJsonAsync(ctx, 200, ResourceJson.StringArray(values));
    }

    private static async Task EditCollection(HttpContext ctx, GenieServer server, ResourceKind kind, string collection, bool replace)
    {
        var id = Http.RouteString(ctx, "id");
        var body = await JsonInput.ReadBodyAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        var values = JsonInput.StringList(body, collection) ?? [];
        var clean = collection == "tags" ? Tags.Clean(values) : Tags.CleanSet(values);
        var updated = server.Store.Update(kind, id, r =>
        {
            var list = Collection(r, collection);
            if (replace)
            {
                list.Clear();
            }

            foreach (var v in clean.Where(v => !list.Contains(v, StringComparer.Ordinal)))
            {
                list.Add(v);
            }
        }, TimeFormat.NowMs());
        if (updated == null)
        {
            throw GenieApiException.NotFound(NotFoundMessage(kind, id));
        }

        await Http.EmptyAsync(ctx, 204).ConfigureAwait(false);
    }

    private static Task ClearCollection(HttpContext ctx, GenieServer server, ResourceKind kind, string collection)
    {
        var id = Http.RouteString(ctx, "id");
        if (server.Store.Update(kind, id, r => Collection(r, collection).Clear(), TimeFormat.NowMs()) == null)
        {
            throw GenieApiException.NotFound(NotFoundMessage(kind, id));
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static Task RemoveTag(HttpContext ctx, GenieServer server, ResourceKind kind)
    {
        var id = Http.RouteString(ctx, "id");
        var tag = Http.RouteString(ctx, "tag");
        if (server.Store.Update(kind, id, r => r.Tags.RemoveAll(t => t == tag), TimeFormat.NowMs()) == null)
        {
            throw GenieApiException.NotFound(NotFoundMessage(kind, id));
        }

        return Http.EmptyAsync(ctx, 204);
    }

    private static List<string> Collection(Resource r, string collection) => collection switch
    {
        "configs" => r.Configs,
        "dependencies" => r.Dependencies,
        _ => r.Tags,
    };
}
