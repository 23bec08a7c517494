using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// The readable forms of a stored conversation: <c>Role: text</c> blocks for <c>parley history show</c>, and a Markdown
/// transcript for <c>export --format md</c>; each answer is followed by its turn's usage line.
/// </summary>
internal static class TranscriptText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A header line, then one <c>Role: text</c> block per message with <c>[usage]</c> after each answer.</summary>
    public static string Plain(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var text = new StringBuilder();
        text.Append(Header(transcript)).Append("\n\n");
        var tools = MessageDisplay.ToolNames(transcript.Entries.Select(e => e.Message));
        foreach (var entry in transcript.Entries)
        {
            text.Append(RoleName(entry.Message.Role)).Append(": ").Append(MessageDisplay.Text(entry.Message, tools)).Append('\n');
            if (entry.Turn is { } turn)
            {
                text.Append('[').Append(StoredTurnText.UsageLine(turn)).Append("]\n");
            }

            text.Append('\n');
        }

        foreach (var call in transcript.SummaryCalls)
        {
            text.Append('[').Append(StoredTurnText.UsageLine(call)).Append("]\n");
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>A Markdown document: title, a settings list, then a section per message with its usage in italics.</summary>
    public static string Markdown(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var conversation = transcript.Conversation;
        var text = new StringBuilder();
        text.Append("# ").Append(conversation.Title ?? "Untitled conversation").Append("\n\n");
        text.Append("- id: `").Append(conversation.Id).Append("`\n");
        if (conversation.Model is { Length: > 0 } model)
        {
            text.Append("- model: ").Append(model);
            if (conversation.Provider is { Length: > 0 } provider)
            {
                text.Append(" (").Append(provider).Append(')');
            }

            text.Append('\n');
        }

        if (conversation.KeyName is { } key)
        {
            text.Append("- key: ").Append(key).Append('\n');
        }

        text.Append("- created: ").Append(DisplayTime.Local(conversation.CreatedAt)).Append(", updated: ").Append(DisplayTime.Local(conversation.UpdatedAt)).Append('\n');
        text.Append("- ").Append(Totals(transcript)).Append("\n\n");
        var tools = MessageDisplay.ToolNames(transcript.Entries.Select(e => e.Message));
        foreach (var entry in transcript.Entries)
        {
            text.Append("## ").Append(RoleName(entry.Message.Role)).Append("\n\n");
            text.Append(MessageDisplay.Text(entry.Message, tools).Replace("\n", "  \n", StringComparison.Ordinal)).Append("\n\n");
            if (entry.Turn is { } turn)
            {
                text.Append('*').Append(StoredTurnText.UsageLine(turn)).Append("*\n\n");
            }
        }

        foreach (var call in transcript.SummaryCalls)
        {
            text.Append('*').Append(StoredTurnText.UsageLine(call)).Append("*\n\n");
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Messages in memory (the REPL's <c>/history</c>) as <c>Role: text</c> blocks, system messages left out.</summary>
    public static string Plain(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        var tools = MessageDisplay.ToolNames(messages);
        foreach (var message in messages.Where(m => m.Role != ChatRole.System))
        {
            text.Append(RoleName(message.Role)).Append(": ").Append(MessageDisplay.Text(message, tools)).Append("\n\n");
        }

        return text.ToString();
    }

    private static string Header(Transcript transcript)
    {
        var conversation = transcript.Conversation;
        var parts = new List<string> { "Conversation " + conversation.Id };
        if (conversation.Model is { Length: > 0 } model)
        {
            parts.Add(model);
        }

        if (conversation.KeyName is { } key)
        {
            parts.Add("key " + key);
        }

        parts.Add(Totals(transcript));
        parts.Add("updated " + DisplayTime.Local(conversation.UpdatedAt));
        return string.Join(" · ", parts);
    }

    private static string Totals(Transcript transcript)
    {
        var turns = transcript.Stored.Turns;
        var chatTurns = transcript.ChatTurns.Count();
        var tokens = turns.Sum(t => t.Usage.TotalTokenCount ?? ((t.Usage.InputTokenCount ?? 0) + (t.Usage.OutputTokenCount ?? 0)));
        var line = $"{Wording.Count(chatTurns, "turn")} · {Wording.Count(tokens, "token")}";
        if (turns.Any(t => t.CostUsd is not null))
        {
            line += " · " + CostText.Format(turns.Sum(t => t.CostUsd ?? 0m));
        }

        return line;
    }

    private static string RoleName(ChatRole role)
    {
        var name = role.Value;
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
    }
}
