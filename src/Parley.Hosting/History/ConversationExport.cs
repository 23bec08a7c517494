using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// A saved conversation as the <c>parley</c> CLI shows and exports it — the same text from <c>parley history</c> and from
/// the gateway's <c>/v1/parley/conversations/{id}/export</c>: the system prompt, then every message in order, each answer
/// with its turn's usage and cost.
/// </summary>
public static class ConversationExport
{
    /// <summary>A Markdown document: the title, a settings list, then a section per message with its usage in italics.</summary>
    /// <param name="conversation">The conversation, as <see cref="IConversationLog.LoadAsync"/> returns it.</param>
    /// <returns>The Markdown, ending with a newline.</returns>
    public static string ToMarkdown(StoredConversation conversation) => TranscriptText.Markdown(Transcript.From(conversation));

    /// <summary>
    /// JSON that <c>parley history import</c> reads back: the settings, the OpenAI messages array the conversation would
    /// send, and every turn with its usage (<c>user_index</c>/<c>assistant_index</c> point into <c>messages</c>).
    /// </summary>
    /// <param name="conversation">The conversation, as <see cref="IConversationLog.LoadAsync"/> returns it.</param>
    /// <returns>The JSON, indented, without a final newline.</returns>
    public static string ToJson(StoredConversation conversation) => TranscriptJson.Conversation(Transcript.From(conversation));

    /// <summary>Plain text for a terminal: a header line, then one <c>Role: text</c> block per message with <c>[usage]</c> after each answer.</summary>
    /// <param name="conversation">The conversation, as <see cref="IConversationLog.LoadAsync"/> returns it.</param>
    /// <returns>The text, ending with a newline.</returns>
    public static string ToText(StoredConversation conversation) => TranscriptText.Plain(Transcript.From(conversation));

    /// <summary>
    /// Messages in memory (a session's history) as the CLI's <c>/history</c> shows them: one <c>Role: text</c> block per
    /// message, system messages left out, tool calls, tool results and attachments on lines of their own.
    /// </summary>
    /// <param name="messages">The messages, in order.</param>
    /// <returns>The text; empty when there is no message besides system messages.</returns>
    public static string ToText(IReadOnlyList<ChatMessage> messages) => TranscriptText.Plain(messages);
}
