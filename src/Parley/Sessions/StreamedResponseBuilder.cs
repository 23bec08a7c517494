using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Folds a stream of updates into the turn's response as they arrive, keeping only what the turn needs (text, refusal,
/// ids, finish reason, usage and any non-text content) instead of every update and its raw SDK object until the end.
/// A tool loop streams several messages (the assistant's tool calls, the tool's results, the answer): a new message
/// starts where the role or the message id changes, as <c>ToChatResponse</c> splits them.
/// </summary>
internal sealed class StreamedResponseBuilder
{
    private readonly StringBuilder _text = new();
    private StringBuilder? _refusal;
    private readonly List<StreamedMessage> _messages = [];
    private StringBuilder? _reasoning;
    private UsageDetails? _usage;
    private string? _responseId;
    private string? _modelId;
    private ChatFinishReason? _finishReason;
    private DateTimeOffset? _createdAt;

    /// <summary>How many updates arrived.</summary>
    public int Count { get; private set; }

    /// <summary>How many messages the updates so far carry (more than one after a tool round).</summary>
    public int MessageCount => _messages.Count;

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
            (MessageFor(update).Refusal ??= new StringBuilder()).Append(dropped);
            return dropped;
        }

        StreamedMessage? message = null; // an update with only usage or reasoning starts no message
        for (var i = 0; i < contents.Count; i++) // an index, not an interface enumerator: no allocation per update
        {
            var content = contents[i];
            switch (content)
            {
                case TextContent t:
                    _text.Append(t.Text);
                    (message ??= MessageFor(update)).Text.Append(t.Text);
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
                    ((message ??= MessageFor(update)).Refusal ??= new StringBuilder()).Append(piece);
                    text += piece;
                    break;
                default:
                    (message ??= MessageFor(update)).Other.Add(content);
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
        List<ChatMessage> messages = [];
        foreach (var message in _messages)
        {
            List<AIContent> contents = [];
            if (message.Text.Length > 0)
            {
                contents.Add(new TextContent(message.Text.ToString()));
            }

            if (message.Refusal is { Length: > 0 } refusal)
            {
                contents.Add(ModelRefusal.ToContent(refusal.ToString()));
            }

            contents.AddRange(message.Other);
            if (contents.Count > 0)
            {
                messages.Add(new ChatMessage(message.Role, contents) { MessageId = message.MessageId, AuthorName = message.AuthorName });
            }
        }

        if (messages.Count == 0)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, []));
        }

        if (_reasoning is { Length: > 0 })
        {
            // With the answer, first, as Microsoft.Extensions.AI orders it (the session keeps it out of the history).
            messages[^1].Contents.Insert(0, new TextReasoningContent(_reasoning.ToString()));
        }

        return new ChatResponse(messages)
        {
            ResponseId = _responseId,
            ModelId = _modelId,
            FinishReason = _finishReason,
            Usage = _usage,
            CreatedAt = _createdAt,
        };
    }

    // The message an update belongs to: the current one, or a new one where the role or the message id changes.
    private StreamedMessage MessageFor(ChatResponseUpdate update)
    {
        if (_messages.Count > 0)
        {
            var current = _messages[^1];
            var otherRole = update.Role is { } role && role != current.Role;
            var otherId = update.MessageId is { Length: > 0 } id && current.MessageId is { Length: > 0 } currentId && !string.Equals(id, currentId, StringComparison.Ordinal);
            if (!otherRole && !otherId)
            {
                current.MessageId ??= update.MessageId is { Length: > 0 } ? update.MessageId : null;
                return current;
            }
        }

        var message = new StreamedMessage(update.Role ?? ChatRole.Assistant)
        {
            MessageId = update.MessageId is { Length: > 0 } ? update.MessageId : null,
            AuthorName = update.AuthorName,
        };
        _messages.Add(message);
        return message;
    }

    private sealed class StreamedMessage(ChatRole role)
    {
        public ChatRole Role { get; } = role;

        public string? MessageId { get; set; }

        public string? AuthorName { get; init; }

        public StringBuilder Text { get; } = new();

        public StringBuilder? Refusal { get; set; }

        public List<AIContent> Other { get; } = [];
    }
}
