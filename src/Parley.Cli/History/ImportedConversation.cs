using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// A conversation read for <c>parley history import</c>: an OpenAI messages array, or Parley's own JSON export (whose
/// <c>title</c>, <c>model</c>, <c>provider</c> and <c>context_policy</c> are kept). A leading system message becomes the
/// conversation's system prompt, as in a conversation Parley saved itself.
/// </summary>
internal sealed record ImportedConversation(NewConversation Conversation, IReadOnlyList<ChatMessage> Messages)
{
    /// <exception cref="CliUsageException">The text is not a messages array or an object with <c>messages</c>, or there is no message besides the system prompt.</exception>
    public static ImportedConversation Parse(string json, string source)
    {
        var messages = MessagesFileReader.Parse(json, source).ToList();
        string? title = null, model = null, provider = null, policy = null;
        using (var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = Text(document.RootElement, "title");
                model = Text(document.RootElement, "model");
                provider = Text(document.RootElement, "provider");
                policy = Text(document.RootElement, "context_policy");
            }
        }

        string? systemPrompt = null;
        if (messages.Count > 0 && messages[0].Role == ChatRole.System)
        {
            systemPrompt = messages[0].Text;
            messages.RemoveAt(0);
        }

        if (messages.Count == 0)
        {
            throw new CliUsageException($"{source}: there is no message to import");
        }

        var conversation = new NewConversation
        {
            Title = title,
            Model = model,
            Provider = provider,
            ContextPolicy = policy,
            SystemPrompt = systemPrompt,
        };
        return new ImportedConversation(conversation, messages);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
