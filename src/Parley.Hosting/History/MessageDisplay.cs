using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// A message's contents as lines to read: its text, each tool call (<c>→ tool get_weather {"city":"Paris"}</c>), each tool
/// result on one line (<c>← get_weather: …</c>) and each attachment (<c>[image: cat.png, image/png, 12.3 KB]</c>). The
/// one rendering of <c>parley history show</c>, the Markdown export and the REPL's <c>/history</c>.
/// </summary>
internal static class MessageDisplay
{
    /// <summary>The longest tool result shown, in characters; longer results end with an ellipsis.</summary>
    public const int ResultWidth = 100;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // The mark of the text the store puts in place of an attachment it kept only as a reference whose file is gone
    // (MessageParts.MissingAttachmentProperty in the core): shown like an attachment, on a line of its own.
    private const string NotKeptProperty = "parley.attachment_not_kept";

    /// <summary>The tool names of every call in <paramref name="messages"/> by call id, so a result can name its tool.</summary>
    public static Dictionary<string, string> ToolNames(IEnumerable<ChatMessage> messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var call in messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            names[call.CallId] = call.Name;
        }

        return names;
    }

    /// <summary>The message as text: its parts in order, text as it is, every other part on a line of its own.</summary>
    public static string Text(ChatMessage message, IReadOnlyDictionary<string, string> toolNames)
    {
        var text = new StringBuilder();
        var lineStart = true;
        foreach (var content in message.Contents)
        {
            if (content is TextContent { Text: var piece } textContent && !IsNotKept(textContent))
            {
                text.Append(piece);
                lineStart = piece.Length == 0 ? lineStart : piece.EndsWith('\n');
                continue;
            }

            if (Line(content, toolNames) is not { } line)
            {
                continue;
            }

            if (!lineStart)
            {
                text.Append('\n');
            }

            text.Append(line).Append('\n');
            lineStart = true;
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>One line for a part other than text, or null for a part that is not shown (reasoning, usage).</summary>
    public static string? Line(AIContent content, IReadOnlyDictionary<string, string> toolNames) => content switch
    {
        FunctionCallContent call => $"→ tool {call.Name} {(call.Arguments is null ? "{}" : JsonValues.ToJson(call.Arguments))}",
        FunctionResultContent result => $"← {toolNames.GetValueOrDefault(result.CallId, result.CallId)}{(result.Exception is null ? ":" : " failed:")} {OneLine(ResultText(result))}",
        DataContent data => $"[{Kind(data.MediaType)}: {(data.Name is { Length: > 0 } name ? name + ", " : string.Empty)}{data.MediaType}, {Size(data.Data.Length)}]",
        UriContent uri => $"[{Kind(uri.MediaType)}: {uri.Uri.OriginalString}, {uri.MediaType}]",
        TextContent notKept when IsNotKept(notKept) => notKept.Text,
        _ => null,
    };

    private static bool IsNotKept(TextContent content) => content.AdditionalProperties?.ContainsKey(NotKeptProperty) == true;

    /// <summary>A tool result as text: a string as it is, JSON as JSON, the text of content parts; a failure's message.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        _ when result.Exception is { } exception && result.Result is null => exception.Message,
        null => string.Empty,
        string text => text,
        AIContent single => PartsText([single]),
        IEnumerable<AIContent> parts => PartsText(parts),
        var value => JsonValues.ToJson(value),
    };

    /// <summary><c>image</c> for an image media type, else <c>file</c>.</summary>
    public static string Kind(string? mediaType) =>
        mediaType is not null && mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image" : "file";

    /// <summary>A size for people: <c>512 B</c>, <c>12.3 KB</c>, <c>4.5 MB</c> (1 KB = 1024 bytes).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(Invariant) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", Invariant) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.0", Invariant) + " MB",
    };

    private static string PartsText(IEnumerable<AIContent> parts) =>
        string.Join(" ", parts.Select(p => p is TextContent t ? t.Text : Line(p, new Dictionary<string, string>()) ?? string.Empty).Where(t => t.Length > 0));

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= ResultWidth ? line : line[..(ResultWidth - 1)].TrimEnd() + "…";
    }
}
