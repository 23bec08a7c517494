using System.Globalization;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// Structured output through Microsoft.Extensions.AI's own <see cref="ChatResponseFormat"/>: reads a JSON schema into a
/// <see cref="ChatResponseFormatJson"/> (refusing one that is not a valid schema before anything is sent), and checks an
/// answer against the format it was asked for — valid JSON, a JSON object, and for a schema every keyword of it
/// (validated with JsonSchema.Net). Checking never calls a model: an invalid answer is reported, not repaired.
/// </summary>
public static class StructuredOutput
{
    /// <summary>The schema name sent when none is given (OpenAI requires one).</summary>
    public const string DefaultSchemaName = "response";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// A strict JSON schema response format (<c>response_format: {type: "json_schema", json_schema: {name, schema, strict: true}}</c>
    /// for OpenAI, <c>format: schema</c> for Ollama) from the schema's text.
    /// </summary>
    /// <param name="schemaJson">The JSON schema: a JSON object.</param>
    /// <param name="name">The schema's name (letters, digits, <c>_</c> and <c>-</c>); null: <see cref="DefaultSchemaName"/>.</param>
    /// <param name="description">What the answer is, for the model (null: none).</param>
    /// <returns>The format, to set as <see cref="ChatOptions.ResponseFormat"/>.</returns>
    /// <exception cref="FormatException">Not JSON, not an object, or not a valid JSON schema (the reason in the message).</exception>
    public static ChatResponseFormatJson ForSchema(string schemaJson, string? name = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        JsonElement schema;
        try
        {
            using var document = JsonDocument.Parse(schemaJson, DocumentOptions);
            schema = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"the schema is not valid JSON ({Where(e)})", e);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the schema must be a JSON object, not {Kind(schema)}");
        }

        _ = Build(schema);
        return ChatResponseFormat.ForJsonSchema(schema, name ?? DefaultSchemaName, description);
    }

    /// <summary>
    /// Checks <paramref name="answer"/> against <paramref name="format"/>: for a schema, that it is JSON and matches the
    /// schema; for a plain JSON format, that it is a JSON object; any other format accepts every answer.
    /// </summary>
    /// <param name="format">The format the answer was asked for.</param>
    /// <param name="answer">The model's answer text.</param>
    /// <returns>Null when the answer is valid; otherwise the reason, e.g. <c>the answer does not match the schema at $.age: …</c>.</returns>
    /// <exception cref="FormatException"><paramref name="format"/>'s schema is not a valid JSON schema.</exception>
    public static string? Validate(ChatResponseFormat format, string answer)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(answer);
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        JsonElement value;
        try
        {
            using var document = JsonDocument.Parse(answer, DocumentOptions);
            value = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return answer.Length == 0 ? "the answer is empty, not JSON" : $"the answer is not valid JSON ({Where(e)})";
        }

        if (json.Schema is not { } schema)
        {
            return value.ValueKind == JsonValueKind.Object ? null : $"the answer is {Kind(value)}, not a JSON object";
        }

        var results = Build(schema).Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        var (location, message) = FirstError(results);
        return $"the answer does not match the schema at {location}: {message}";
    }

    private static JsonSchema Build(JsonElement schema)
    {
        try
        {
            // A registry of its own: a schema's $id must not collide with one built earlier in the process.
            return JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or RefResolutionException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"the schema is not a valid JSON schema: {e.Message}", e);
        }
    }

    private static (string Location, string Message) FirstError(EvaluationResults results)
    {
        foreach (var node in (results.Details ?? []).Prepend(results))
        {
            if (node.Errors is { Count: > 0 } errors)
            {
                return (JsonPath(node.InstanceLocation.ToString()), errors.First().Value);
            }
        }

        return ("$", "the answer does not match");
    }

    // "/items/0/name" -> "$.items[0].name" (a JSON pointer as a JSON path, which people read more easily).
    private static string JsonPath(string pointer)
    {
        var path = new StringBuilder("$");
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (segment.All(char.IsAsciiDigit))
            {
                path.Append('[').Append(segment).Append(']');
            }
            else
            {
                path.Append('.').Append(segment);
            }
        }

        return path.ToString();
    }

    private static string Where(JsonException e) => string.Create(CultureInfo.InvariantCulture,
        $"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}
