using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Sheriff.GenieLocal.Tests.Infrastructure;

public static class Json
{
    public static JsonArray Arr(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static JsonArray Arr(IEnumerable<string> items) => Arr(items.ToArray());

    public static StringContent Content(JsonNode body)
    {
        var c = new StringContent(body.ToJsonString(), Encoding.UTF8);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return c;
    }

    public static string? Str(this JsonNode? node, string key)
    {
        var v = node?[key];
        return v?.GetValue<string>();
    }

    public static List<string> Strs(this JsonNode? node, string key)
        => Assert.IsType<JsonArray>(node?[key]).Select(n => n!.GetValue<string>()).ToList();

    public static bool Has(this JsonNode? node, string key) => node is JsonObject o && o.ContainsKey(key);

    public static async Task<JsonNode> ReadJson(this HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        try
        {
            return JsonNode.Parse(text) ?? throw new InvalidOperationException("null JSON");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidOperationException($"response {(int)r.StatusCode} is not JSON ({e.Message}): [{text}]");
        }
    }

    public static string MediaType(this HttpResponseMessage r) => r.Content.Headers.ContentType?.MediaType ?? "";

    /// <summary>Assert an error response: given status, JSON body with a non-empty string `message`; returns it.</summary>
    public static async Task<string> AssertError(this HttpResponseMessage r, HttpStatusCode status)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: [{text}]");
        Assert.True(r.MediaType().Contains("json"), $"error Content-Type should be JSON, got [{r.MediaType()}] body [{text}]");
        var node = JsonNode.Parse(text);
        var message = node?["message"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message), $"error body lacks a message: [{text}]");
        Assert.DoesNotContain("   at ", text);
        return message!;
    }

    public static async Task AssertStatus(this HttpResponseMessage r, HttpStatusCode status)
    {
        if (r.StatusCode != status)
        {
            Assert.Fail($"expected {(int)status}, got {(int)r.StatusCode}: [{await r.Content.ReadAsStringAsync()}]");
        }
    }

    public static async Task AssertEmptyBody(this HttpResponseMessage r)
    {
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length == 0, $"expected empty body, got [{Encoding.UTF8.GetString(bytes)}]");
    }

    // G4 timestamp: seconds precision when ms == 0, else exactly 3 fractional digits.
    public static readonly Regex G4Timestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$", RegexOptions.Compiled);
    public static readonly Regex G3Timestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", RegexOptions.Compiled);
    public static readonly Regex IsoDuration = new(@"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,9})?S)?$", RegexOptions.Compiled);

    public static DateTimeOffset Time(this JsonNode? node, string key)
    {
        var s = node.Str(key);
        Assert.False(s is null, $"{key} is null in {node?.ToJsonString()}");
        return DateTimeOffset.Parse(s!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    public static long EpochMs(this JsonNode? node, string key) => node.Time(key).ToUnixTimeMilliseconds();

    public static TimeSpan Duration(string iso) => System.Xml.XmlConvert.ToTimeSpan(iso);

    public static void AssertG4Timestamp(string? s, string what)
    {
        Assert.False(s is null, $"{what} is null");
        Assert.True(G4Timestamp.IsMatch(s!), $"{what} = [{s}] is not a G4 timestamp");
        Assert.False(s!.EndsWith(".000Z", StringComparison.Ordinal), $"{what} = [{s}]: G4 drops the fraction when ms == 0");
    }

    /// <summary>Multipart submit body: `request` part + one `attachment` part per file.</summary>
    public static MultipartFormDataContent Multipart(JsonNode request, params (string Name, byte[] Bytes)[] attachments)
    {
        var m = new MultipartFormDataContent();
        var req = new StringContent(request.ToJsonString(), Encoding.UTF8);
        req.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"request\"" };
        m.Add(req);
        foreach (var (name, bytes) in attachments)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"attachment\"", FileName = "\"" + name + "\"" };
            m.Add(part);
        }

        return m;
    }
}
