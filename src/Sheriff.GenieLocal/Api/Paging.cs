using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Sheriff.GenieLocal.Api;

/// <summary>One sort order: a property and a direction.</summary>
internal readonly record struct SortOrder(string Property, bool Descending);

/// <summary>Spring-Data-style paging (page, size, sort) and the HAL paged envelope (genie-api.md §3.3).</summary>
internal sealed class Paging
{
    public const int MaxSize = 2000;

    private Paging(int page, int size, List<SortOrder> sort)
    {
        Page = page;
        Size = size;
        Sort = sort;
    }

    public int Page { get; }

    public int Size { get; }

    public List<SortOrder> Sort { get; }

    public static Paging Parse(HttpContext ctx, int defaultSize, SortOrder defaultSort, IReadOnlyCollection<string> sortable)
    {
        var page = 0;
        var p = Http.Single(ctx, "page");
        if (!string.IsNullOrEmpty(p) && int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pv) && pv > 0)
        {
            page = pv;
        }

        var size = defaultSize;
        var s = Http.Single(ctx, "size");
        if (!string.IsNullOrEmpty(s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sv) && sv > 0)
        {
            size = Math.Min(sv, MaxSize);
        }

        var orders = new List<SortOrder>();
        foreach (var raw in Http.Multi(ctx, "sort"))
        {
            var parts = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            if (parts.Count == 0)
            {
                continue;
            }

            var desc = false;
            var last = parts[^1];
            if (string.Equals(last, "desc", StringComparison.OrdinalIgnoreCase) || string.Equals(last, "asc", StringComparison.OrdinalIgnoreCase))
            {
                desc = string.Equals(last, "desc", StringComparison.OrdinalIgnoreCase);
                parts.RemoveAt(parts.Count - 1);
            }

            foreach (var prop in parts)
            {
                if (!sortable.Contains(prop))
                {
                    throw GenieApiException.BadRequest($"No property '{prop}' found to sort by. Sortable: {string.Join(", ", sortable)}");
                }

                orders.Add(new SortOrder(prop, desc));
            }
        }

        if (orders.Count == 0)
        {
            orders.Add(defaultSort);
        }

        return new Paging(page, size, orders);
    }

    /// <summary>Sorts with the requested orders (nulls first ascending, like MySQL), then pages.</summary>
    public List<T> Apply<T>(IEnumerable<T> items, Func<T, string, IComparable?> key, Func<T, long> tieBreak)
    {
        var list = items.ToList();
        list.Sort((a, b) =>
        {
            foreach (var order in Sort)
            {
                var c = CompareNullable(key(a, order.Property), key(b, order.Property));
                if (c != 0)
                {
                    return order.Descending ? -c : c;
                }
            }

            var t = tieBreak(a).CompareTo(tieBreak(b));
            return Sort[0].Descending ? -t : t;
        });
        return list.Skip((int)Math.Min((long)Page * Size, int.MaxValue)).Take(Size).ToList();
    }

    private static int CompareNullable(IComparable? a, IComparable? b)
    {
        if (a == null)
        {
            return b == null ? 0 : -1;
        }

        if (b == null)
        {
            return 1;
        }

        if (a is string sa && b is string sb)
        {
            return string.CompareOrdinal(sa, sb);
        }

        return a.CompareTo(b);
    }

    /// <summary>
    /// Builds the paged HAL body. <paramref name="filterParams"/> are the filter parameters as given (name, values),
    /// <paramref name="filterNames"/> all filter names the endpoint knows (for the templated self link).
    /// </summary>
    public JsonObject Envelope(
        HttpContext ctx,
        string listKey,
        IReadOnlyList<JsonNode> items,
        long total,
        IReadOnlyList<(string Name, string Value)> filterParams,
        IReadOnlyList<string> filterNames)
    {
        var baseUrl = Http.Origin(ctx) + ctx.Request.Path.Value?.TrimEnd('/');
        var totalPages = (int)((total + Size - 1) / Size);
        var body = new JsonObject();
        if (items.Count > 0)
        {
            body["_embedded"] = new JsonObject { [listKey] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()) };
        }

        var filterQuery = string.Join("&", filterParams.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
        string PageHref(int n)
        {
            var sb = new StringBuilder(baseUrl).Append('?');
            if (filterQuery.Length > 0)
            {
                sb.Append(filterQuery).Append('&');
            }

            sb.Append("page=").Append(n.ToString(CultureInfo.InvariantCulture))
              .Append("&size=").Append(Size.ToString(CultureInfo.InvariantCulture));
            foreach (var o in Sort)
            {
                sb.Append("&sort=").Append(Uri.EscapeDataString(o.Property)).Append(',').Append(o.Descending ? "desc" : "asc");
            }

            return sb.ToString();
        }

        var given = new HashSet<string>(filterParams.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var n in new[] { "page", "size", "sort" })
        {
            if (ctx.Request.Query.ContainsKey(n))
            {
                given.Add(n);
            }
        }

        var unused = filterNames.Concat(["page", "size", "sort"]).Where(n => !given.Contains(n)).ToList();
        var selfQuery = string.Join("&", ctx.Request.Query.SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}")));
        var self = baseUrl;
        if (selfQuery.Length > 0)
        {
            self += "?" + selfQuery;
        }

        if (unused.Count > 0)
        {
            self += (selfQuery.Length > 0 ? "{&" : "{?") + string.Join(",", unused) + "}";
        }

        var links = new JsonObject();
        var hasPrev = Page > 0;
        var hasNext = Page < totalPages - 1;
        if (hasPrev || hasNext)
        {
            links["first"] = Http.Link(PageHref(0));
        }

        if (hasPrev)
        {
            links["prev"] = Http.Link(PageHref(Page - 1));
        }

        links["self"] = Http.Link(self, unused.Count > 0);
        if (hasNext)
        {
            links["next"] = Http.Link(PageHref(Page + 1));
        }

        if (hasPrev || hasNext)
        {
            links["last"] = Http.Link(PageHref(Math.Max(totalPages - 1, 0)));
        }

        body["_links"] = links;
        body["page"] = new JsonObject
        {
            ["size"] = Size,
            ["totalElements"] = total,
            ["totalPages"] = totalPages,
            ["number"] = Page,
        };
        return body;
    }
}
