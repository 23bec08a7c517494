using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley;

/// <summary>
/// Writes the values of a tool call's arguments and of a tool's result as JSON without reflection: JSON values,
/// strings, numbers, booleans, dictionaries and lists as themselves, anything else as its text. Linked into
/// Parley.Postgres and Parley.Hosting, so the history, the exports and the gateway write them alike.
/// </summary>
internal static class JsonValues
{
    /// <summary>Writes <paramref name="value"/> as a JSON value.</summary>
    public static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(json);
                break;
            case JsonNode node:
                node.WriteTo(json);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(json);
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                json.WriteNumberValue(big);
                break;
            case float or double:
                json.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case decimal number:
                json.WriteNumberValue(number);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                json.WriteStartObject();
                foreach (var (key, item) in pairs)
                {
                    json.WritePropertyName(key);
                    Write(json, item);
                }

                json.WriteEndObject();
                break;
            case IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }


    /// <summary><paramref name="value"/> as compact JSON text.</summary>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(json, value);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
