using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Renders function tools the way OpenAI injects them into the prompt (a TypeScript <c>namespace functions</c>),
/// the method published by hmarr/openai-chat-tokens: count the rendering, add 9, and when the prompt has a system
/// message, pad it with a newline and subtract 4. On the recorded requests it is exact or one token over.
/// </summary>
internal static class ToolDefinitionRenderer
{
    /// <summary>Tokens added on top of the rendered definitions.</summary>
    public const int DefinitionOverhead = 9;

    /// <summary>Tokens taken back when a system (or developer) message exists, which the definitions then reuse.</summary>
    public const int SystemMessageDiscount = 4;

    /// <summary>Renders the definitions, or returns null when there is no function tool.</summary>
    public static string? Render(IEnumerable<AITool> tools, out bool skippedTools)
    {
        skippedTools = false;
        var lines = new List<string> { "namespace functions {", string.Empty };
        int functions = 0;
        foreach (AITool tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                // Hosted tools (web search, code interpreter) are billed in ways no public formula describes.
                skippedTools = true;
                continue;
            }

            functions++;
            if (!string.IsNullOrEmpty(function.Description))
            {
                lines.Add("// " + function.Description);
            }

            JsonElement schema = function.JsonSchema;
            if (schema.ValueKind == JsonValueKind.Object
                && schema.TryGetProperty("properties", out JsonElement properties)
                && properties.ValueKind == JsonValueKind.Object
                && properties.EnumerateObject().Any())
            {
                lines.Add($"type {function.Name} = (_: {{");
                lines.Add(FormatObject(schema, 0));
                lines.Add("}) => any;");
            }
            else
            {
                lines.Add($"type {function.Name} = () => any;");
            }

            lines.Add(string.Empty);
        }

        if (functions == 0)
        {
            return null;
        }

        lines.Add("} // namespace functions");
        return string.Join('\n', lines);
    }

    private static string FormatObject(JsonElement schema, int indent)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out JsonElement req) && req.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement name in req.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String)
                {
                    required.Add(name.GetString()!);
                }
            }
        }

        var builder = new StringBuilder();
        string pad = new(' ', indent);
        if (schema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                if (indent < 2 && property.Value.ValueKind == JsonValueKind.Object
                    && property.Value.TryGetProperty("description", out JsonElement description)
                    && description.ValueKind == JsonValueKind.String && description.GetString() is { Length: > 0 } text)
                {
                    Append(builder, pad + "// " + text);
                }

                string optional = required.Contains(property.Name) ? string.Empty : "?";
                Append(builder, $"{pad}{property.Name}{optional}: {FormatType(property.Value, indent)},");
            }
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string line)
    {
        if (builder.Length > 0)
        {
            builder.Append('\n');
        }

        builder.Append(line);
    }

    private static string FormatType(JsonElement schema, int indent)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "any";
        }

        if (schema.TryGetProperty("enum", out JsonElement values) && values.ValueKind == JsonValueKind.Array)
        {
            return string.Join(" | ", values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? $"\"{v.GetString()}\"" : v.GetRawText()));
        }

        if (!schema.TryGetProperty("type", out JsonElement type))
        {
            return "any";
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            return string.Join(" | ", type.EnumerateArray().Select(t => Simple(t.GetString(), schema, indent)));
        }

        return Simple(type.GetString(), schema, indent);
    }

    private static string Simple(string? type, JsonElement schema, int indent) => type switch
    {
        "string" => "string",
        "number" or "integer" => "number",
        "boolean" => "boolean",
        "null" => "null",
        "object" => "{\n" + FormatObject(schema, indent + 2) + "\n}",
        "array" => schema.TryGetProperty("items", out JsonElement items) ? FormatType(items, indent) + "[]" : "any[]",
        _ => "any",
    };
}
