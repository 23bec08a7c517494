using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Folds a stream of updates into the turn's response as they arrive, keeping only what the turn needs (text, refusal,
/// ids, finish reason, usage and any non-text content) instead of every update and its raw SDK object until the end.
/// </summary>
internal sealed class StreamedResponseBuilder
{
    private readonly StringBuilder _text = new();
    private StringBuilder? _refusal;
    private StringBuilder? _reasoning;
    private readonly List<AIContent> _other = [];
    private UsageDetails? _usage;
    private string? _responseId;
    private string? _modelId;
    private ChatFinishReason? _finishReason;
    private DateTimeOffset? _createdAt;

    /// <summary>How many updates arrived.</summary>
    public int Count { get; private set; }

    /// <summary>The text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>The finish reason, once the server sent it (the answer is complete then).</summary>
    public ChatFinishReason? FinishReason => _finishReason;

    /// <summary>The refusal so far (<see cref="ModelRefusal"/>), or null when there is none.</summary>
    public string? Refusal => _refusal?.ToString();

    /// <summary>Adds one update; returns what it carries for the reader: its text, or a piece of a refusal.</summary>
    public string Add(ChatResponseUpdate update)
    {
        Count++;
        _responseId ??= update.ResponseId;
        _modelId ??= update.ModelId;
        _createdAt ??= update.CreatedAt;
        _finishReason = update.FinishReason ?? _finishReason;
        var text = string.Empty;
        var contents = update.Contents;
        if (contents.Count == 0 && ModelRefusal.FromRaw(update) is { } dropped)
        {
            // A refusal piece Microsoft.Extensions.AI.OpenAI left out of the update (it drops streamed refusals).
            (_refusal ??= new StringBuilder()).Append(dropped);
            return dropped;
        }

        for (var i = 0; i < contents.Count; i++) // an index, not an interface enumerator: no allocation per update
        {
            var content = contents[i];
            switch (content)
            {
                case TextContent t:
                    _text.Append(t.Text);
                    text = text.Length == 0 ? t.Text : text + t.Text;
                    break;
                case UsageContent { Details: { } details }:
                    (_usage ??= new UsageDetails()).Add(details);
                    break;
                case TextReasoningContent { Text: { Length: > 0 } reasoning }:
                    (_reasoning ??= new StringBuilder()).Append(reasoning);
                    break;
                case TextReasoningContent:
                    break;
                case ErrorContent when ModelRefusal.FromContent(content) is { } piece:
                    (_refusal ??= new StringBuilder()).Append(piece);
                    text += piece;
                    break;
                default:
                    _other.Add(content);
                    break;
            }
        }

        return text;
    }

    /// <summary>
    /// The response as <see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/> would build it
    /// for a text answer; a refusal is one <see cref="ErrorContent"/> (<see cref="ModelRefusal.ToContent"/>), as in a
    /// complete response.
    /// </summary>
    public ChatResponse Build()
    {
        List<AIContent> contents = [];
        if (_text.Length > 0)
        {
            contents.Add(new TextContent(_text.ToString()));
        }

        if (_refusal is { Length: > 0 })
        {
            contents.Add(ModelRefusal.ToContent(_refusal.ToString()));
        }

        if (_reasoning is { Length: > 0 })
        {
            contents.Insert(0, new TextReasoningContent(_reasoning.ToString())); // first, as Microsoft.Extensions.AI orders it
        }

        contents.AddRange(_other);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = _responseId,
            ModelId = _modelId,
            FinishReason = _finishReason,
            Usage = _usage,
            CreatedAt = _createdAt,
        };
    }
}
