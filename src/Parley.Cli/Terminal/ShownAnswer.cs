using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// What the terminal shows of an answer: its text and, when the model refused, the refusal — the model's words to the
/// user — as it arrives (a streamed refusal is not update text; see <see cref="ChatTurn.RefusalIn"/>), followed by a note.
/// </summary>
internal static class ShownAnswer
{
    /// <summary>The note on stderr after a refusal.</summary>
    public const string RefusalNote = "the model refused to answer (refusal)";

    /// <summary>The part of a streamed answer that <paramref name="update"/> carries.</summary>
    public static string Of(ChatResponseUpdate update) =>
        ChatTurn.RefusalIn(update) is { } refusal ? update.Text + refusal : update.Text;

    /// <summary>The reasoning <paramref name="update"/> carries (<see cref="TextReasoningContent"/>), or an empty string.</summary>
    public static string ReasoningOf(ChatResponseUpdate update)
    {
        var reasoning = string.Empty;
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent { Text: { Length: > 0 } piece })
            {
                reasoning += piece;
            }
        }

        return reasoning;
    }

    /// <summary>A complete answer: its text, then a refusal that came with content (normally the refusal is the text).</summary>
    public static string Of(ChatTurn turn) =>
        turn.Refusal is { } refusal && turn.Text != refusal ? turn.Text + refusal : turn.Text;
}
