using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using Refit;

namespace Sheriff.Core.Genie
{
    /// <summary>JSON conventions for talking to Genie (both generations, see genie-api.md §0).</summary>
    public static class GenieJson
    {
        /// <summary>Settings used on the wire: camelCase, nulls omitted on output, unknown fields ignored, dates kept as text.</summary>
        public static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            NullValueHandling = NullValueHandling.Ignore,
            MissingMemberHandling = MissingMemberHandling.Ignore,
            DateParseHandling = DateParseHandling.None,
            Converters = { new GenieTimestampConverter(), new IsoDurationConverter() },
        };

        private static readonly string[] TimestampFormats =
        {
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
            "yyyy-MM-dd'T'HH:mm:ssK",
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzzz",
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        };

        /// <summary>
        /// Parses the three timestamp forms Genie emits: G3 <c>...50.534Z</c>, G4 <c>...50Z</c> (no millis when zero),
        /// and the G3 <c>...50.512+0000</c> oddity. Returns null for null/empty text.
        /// </summary>
        public static DateTimeOffset? ParseTimestamp(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var s = text!.Trim();
            // "+0000" / "-0530" (no colon) is not accepted by the K specifier on every framework: normalise it.
            if (s.Length > 5 && (s[s.Length - 5] == '+' || s[s.Length - 5] == '-') && IsDigits(s, s.Length - 4, 4) && s.IndexOf('T') > 0)
                s = s.Substring(0, s.Length - 2) + ":" + s.Substring(s.Length - 2);
            if (DateTimeOffset.TryParseExact(s, TimestampFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
                return value;
            if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMs))
                return DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
            throw new FormatException($"'{text}' is not a Genie timestamp.");
        }

        /// <summary>Parses an ISO-8601 duration such as <c>PT7M26.769S</c>; null for null/empty text.</summary>
        public static TimeSpan? ParseDuration(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            return XmlConvert.ToTimeSpan(text!.Trim());
        }

        private static bool IsDigits(string s, int start, int count)
        {
            for (var i = start; i < start + count; i++) if (s[i] < '0' || s[i] > '9') return false;
            return true;
        }

        /// <summary>Reads Genie's error message from either error-body shape (§4.2); null when there is none.</summary>
        public static string? TryReadMessage(string? body)
        {
            if (string.IsNullOrWhiteSpace(body)) return null;
            try
            {
                var token = JToken.Parse(body!);
                if (token is JObject o && o.TryGetValue("message", out var m) && m.Type == JTokenType.String)
                {
                    var text = (string?)m;
                    return string.IsNullOrWhiteSpace(text) ? null : text;
                }
            }
            catch (JsonException)
            {
                // not JSON: a proxy page or plain text; the status code is all we trust.
            }
            return null;
        }
    }

    internal sealed class GenieTimestampConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(DateTimeOffset) || objectType == typeof(DateTimeOffset?);

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            if (reader.TokenType == JsonToken.Null) return null;
            if (reader.TokenType == JsonToken.Integer) return DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.Value, CultureInfo.InvariantCulture));
            return GenieJson.ParseTimestamp(Convert.ToString(reader.Value, CultureInfo.InvariantCulture));
        }

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            if (value is DateTimeOffset d) writer.WriteValue(d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            else writer.WriteNull();
        }
    }

    internal sealed class IsoDurationConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(TimeSpan) || objectType == typeof(TimeSpan?);

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            if (reader.TokenType == JsonToken.Null) return null;
            return GenieJson.ParseDuration(Convert.ToString(reader.Value, CultureInfo.InvariantCulture));
        }

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            if (value is TimeSpan t) writer.WriteValue(XmlConvert.ToString(t));
            else writer.WriteNull();
        }
    }

    /// <summary>Refit content serializer over Newtonsoft.Json (Refit.Newtonsoft.Json is not available to us).</summary>
    public sealed class NewtonsoftContentSerializer : IHttpContentSerializer
    {
        private readonly JsonSerializerSettings _settings;

        public NewtonsoftContentSerializer(JsonSerializerSettings? settings = null) => _settings = settings ?? GenieJson.Settings;

        public HttpContent ToHttpContent<T>(T item)
            => new StringContent(JsonConvert.SerializeObject(item, _settings), Encoding.UTF8, "application/json");

        public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default)
        {
            if (content == null) return default;
#if NET8_0_OR_GREATER
            using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var json = new JsonTextReader(reader);
            return JsonSerializer.Create(_settings).Deserialize<T>(json);
        }

        public string? GetFieldNameForProperty(PropertyInfo propertyInfo)
            => propertyInfo.GetCustomAttribute<JsonPropertyAttribute>(true)?.PropertyName;
    }
}
