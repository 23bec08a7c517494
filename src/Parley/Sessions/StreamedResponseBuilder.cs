using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Folds a stream of updates into the turn's response as they arrive, keeping only what the turn needs (text,
/// ids, finish reason, usage and any non-text content) instead of every update and its raw SDK object until the end.
/// </summary>
internal sealed class StreamedResponseBuilder
{
    private readonly StringBuilder _text = new();
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

    /// <summary>Adds one update; returns its text.</summary>
    public string Add(ChatResponseUpdate update)
    {
        Count++;
        _responseId ??= update.ResponseId;
        _modelId ??= update.ModelId;
        _createdAt ??= update.CreatedAt;
        _finishReason = update.FinishReason ?? _finishReason;
        var text = string.Empty;
        var contents = update.Contents;
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
                case TextReasoningContent:
                    break;
                default:
                    _other.Add(content);
                    break;
            }
        }

        return text;
    }

    /// <summary>The response as <see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/> would build it for a text answer.</summary>
    public ChatResponse Build()
    {
        List<AIContent> contents = [];
        if (_text.Length > 0)
        {
            contents.Add(new TextContent(_text.ToString()));
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
