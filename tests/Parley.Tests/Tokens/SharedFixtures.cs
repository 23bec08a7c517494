using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Tokens;

/// <summary>
/// The shared recorded fixtures as <see cref="FixtureRoot"/> finds them. Null when there are none: the tests that
/// read them call <see cref="SkipWhenAbsent"/> first and are reported skipped, with the reason.
/// </summary>
internal static class SharedFixtures
{
    public static string? Root => FixtureRoot.Path;

    /// <summary>Skips the calling test (xunit reports it skipped, with the reason) when there are no fixtures.</summary>
    [MemberNotNull(nameof(Root))]
    public static void SkipWhenAbsent()
    {
        string? reason = FixtureRoot.SkipReason;
        Skip.If(reason is not null, reason);
        _ = Root ?? throw new InvalidOperationException("unreachable: the fixtures were found");
    }

    /// <summary>The fixture folder, after <see cref="SkipWhenAbsent"/>.</summary>
    public static string RequireRoot()
    {
        SkipWhenAbsent();
        return Root;
    }

    /// <summary>Every recorded chat request (OpenAI and Ollama) that has a prompt token count in its response.</summary>
    public static IEnumerable<RecordedRequest> Requests()
    {
        if (Root is null)
        {
            yield break;
        }

        foreach (string file in Directory.EnumerateFiles(Root, "*.request.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = file[..^".request.json".Length];
            int? promptTokens = PromptTokens(name);
            if (promptTokens is null)
            {
                continue;
            }

            using JsonDocument request = JsonDocument.Parse(File.ReadAllText(file));
            RecordedRequest? parsed = RecordedRequest.Parse(Path.GetFileName(name), request.RootElement, promptTokens.Value);
            if (parsed is not null)
            {
                yield return parsed;
            }
        }
    }

    private static int? PromptTokens(string name)
    {
        if (File.Exists(name + ".response.json"))
        {
            using JsonDocument response = JsonDocument.Parse(File.ReadAllText(name + ".response.json"));
            return PromptTokens(response.RootElement);
        }

        foreach (string extension in new[] { ".response.sse", ".response.ndjson" })
        {
            if (!File.Exists(name + extension))
            {
                continue;
            }

            int? found = null;
            foreach (string line in File.ReadLines(name + extension))
            {
                string data = line.StartsWith("data:", StringComparison.Ordinal) ? line[5..].Trim() : line.Trim();
                if (data.Length == 0 || data[0] != '{')
                {
                    continue;
                }

                using JsonDocument chunk = JsonDocument.Parse(data);
                found = PromptTokens(chunk.RootElement) ?? found;
            }

            return found;
        }

        return null;
    }

    private static int? PromptTokens(JsonElement body)
    {
        if (body.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object
            && usage.TryGetProperty("prompt_tokens", out JsonElement prompt) && prompt.ValueKind == JsonValueKind.Number)
        {
            return prompt.GetInt32();
        }

        return body.TryGetProperty("prompt_eval_count", out JsonElement evaluated) && evaluated.ValueKind == JsonValueKind.Number
            ? evaluated.GetInt32()
            : null;
    }
}

/// <summary>A recorded request turned into Microsoft.Extensions.AI messages and tools, with the billed prompt tokens.</summary>
internal sealed record RecordedRequest(
    string Name,
    string Model,
    List<ChatMessage> Messages,
    List<AITool> Tools,
    bool HasResponseFormat,
    bool HasImages,
    bool HasToolMessages,
    bool HasUnreadableParts,
    int PromptTokens)
{
    /// <summary>The request's <c>response_format</c> as Microsoft.Extensions.AI carries it (null: none).</summary>
    public ChatResponseFormat? ResponseFormat { get; init; }

    /// <summary>No tools, functions, response_format, images or tool messages.</summary>
    public bool IsTextOnly => Tools.Count == 0 && !HasResponseFormat && !HasImages && !HasToolMessages && !HasUnreadableParts;

    public static RecordedRequest? Parse(string name, JsonElement request, int promptTokens)
    {
        if (!request.TryGetProperty("model", out JsonElement model) || !request.TryGetProperty("messages", out JsonElement messages))
        {
            return null;
        }

        bool images = false, toolMessages = false, unreadable = false;
        var chat = new List<ChatMessage>();
        foreach (JsonElement m in messages.EnumerateArray())
        {
            string role = m.GetProperty("role").GetString()!;
            var contents = new List<AIContent>();
            if (m.TryGetProperty("content", out JsonElement content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    if (role == "tool")
                    {
                        contents.Add(new FunctionResultContent(m.TryGetProperty("tool_call_id", out JsonElement id) ? id.GetString()! : "call", content.GetString()));
                        toolMessages = true;
                    }
                    else
                    {
                        contents.Add(new TextContent(content.GetString()));
                    }
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement part in content.EnumerateArray())
                    {
                        if (part.TryGetProperty("text", out JsonElement text))
                        {
                            contents.Add(new TextContent(text.GetString()));
                        }
                        else if (part.TryGetProperty("image_url", out JsonElement image))
                        {
                            string url = image.ValueKind == JsonValueKind.String ? image.GetString()! : image.GetProperty("url").GetString()!;
                            contents.Add(new UriContent(new Uri(url), "image/*"));
                            images = true;
                        }
                        else
                        {
                            unreadable = true;
                        }
                    }
                }
            }

            if (m.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                toolMessages = true;
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    JsonElement function = call.GetProperty("function");
                    JsonElement arguments = function.GetProperty("arguments");
                    IDictionary<string, object?> parsed = arguments.ValueKind == JsonValueKind.String
                        ? JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments.GetString()!)!
                        : JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments.GetRawText())!;
                    string callId = call.TryGetProperty("id", out JsonElement id) ? id.GetString()! : "call";
                    contents.Add(new FunctionCallContent(callId, function.GetProperty("name").GetString()!, parsed));
                }
            }

            if (role == "tool" && contents.Count == 0)
            {
                toolMessages = true;
            }

            var message = new ChatMessage(new ChatRole(role), contents);
            if (m.TryGetProperty("name", out JsonElement author))
            {
                message.AuthorName = author.GetString();
            }

            chat.Add(message);
        }

        var tools = new List<AITool>();
        foreach (string key in new[] { "tools", "functions" })
        {
            if (!request.TryGetProperty(key, out JsonElement list))
            {
                continue;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                unreadable = true; // described in prose by the recorder, not reproducible
                continue;
            }

            foreach (JsonElement tool in list.EnumerateArray())
            {
                JsonElement function = tool.TryGetProperty("function", out JsonElement f) ? f : tool;
                string? description = function.TryGetProperty("description", out JsonElement d) ? d.GetString() : null;
                JsonElement parameters = function.TryGetProperty("parameters", out JsonElement p) ? p.Clone() : JsonDocument.Parse("{}").RootElement;
                tools.Add(AIFunctionFactory.CreateDeclaration(function.GetProperty("name").GetString()!, description, parameters));
            }
        }

        return new RecordedRequest(
            name,
            model.GetString()!,
            chat,
            tools,
            request.TryGetProperty("response_format", out JsonElement format) && format.ValueKind != JsonValueKind.Null,
            images,
            toolMessages,
            unreadable,
            promptTokens)
        {
            ResponseFormat = request.TryGetProperty("response_format", out JsonElement responseFormat) ? ReadResponseFormat(responseFormat) : null,
        };
    }

    private static ChatResponseFormat? ReadResponseFormat(JsonElement format)
    {
        string? type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
        if (type == "json_object")
        {
            return ChatResponseFormat.Json;
        }

        if (type != "json_schema" || !format.TryGetProperty("json_schema", out JsonElement schema))
        {
            return null;
        }

        return ChatResponseFormat.ForJsonSchema(
            schema.GetProperty("schema").Clone(),
            schema.TryGetProperty("name", out JsonElement name) ? name.GetString() : null,
            schema.TryGetProperty("description", out JsonElement description) ? description.GetString() : null);
    }
}
