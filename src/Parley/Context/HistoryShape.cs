using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The structure policies must respect when they cut a history: leading system messages stay, a tool call stays with
/// its results (a result attaches to the message before it), and a cut history starts with a user's question, never
/// with an answer to a question that was dropped.
/// </summary>
internal static class HistoryShape
{
    /// <summary>How many messages at the start are system (or developer) messages.</summary>
    public static int HeadCount(IReadOnlyList<ChatMessage> messages)
    {
        var count = 0;
        while (count < messages.Count && IsSystem(messages[count]))
        {
            count++;
        }

        return count;
    }

    public static bool IsSystem(ChatMessage message) => message.Role == ChatRole.System || message.Role.Value == "developer";

    /// <summary>True for a tool's result: it belongs with the call before it.</summary>
    public static bool IsToolResult(ChatMessage message) =>
        message.Role == ChatRole.Tool || message.Contents.Any(c => c is FunctionResultContent);

    /// <summary>True for a user's question (not a tool result sent with the user role).</summary>
    public static bool StartsTurn(ChatMessage message) => message.Role == ChatRole.User && !IsToolResult(message);

    /// <summary>Where the newest turn starts: the last question; without one, the last unit (call and results).</summary>
    public static int NewestTurnStart(IReadOnlyList<ChatMessage> body)
    {
        for (var i = body.Count - 1; i >= 0; i--)
        {
            if (StartsTurn(body[i]))
            {
                return i;
            }
        }

        return body.Count == 0 ? 0 : UnitStart(body, body.Count - 1);
    }

    /// <summary>The first message of the unit that holds <paramref name="index"/> (a call and its results are one unit).</summary>
    public static int UnitStart(IReadOnlyList<ChatMessage> body, int index)
    {
        while (index > 0 && IsToolResult(body[index]))
        {
            index--;
        }

        return index;
    }

    /// <summary>The start of the unit after the one that starts at <paramref name="start"/>.</summary>
    public static int NextUnitStart(IReadOnlyList<ChatMessage> body, int start)
    {
        var next = start + 1;
        while (next < body.Count && IsToolResult(body[next]))
        {
            next++;
        }

        return next;
    }

    /// <summary>Moves a cut forward to the next question, but never past <paramref name="limit"/>.</summary>
    public static int AlignToTurn(IReadOnlyList<ChatMessage> body, int start, int limit)
    {
        while (start < limit && !StartsTurn(body[start]))
        {
            start++;
        }

        return Math.Min(start, limit);
    }

    /// <summary>The start of every turn (each question), oldest first.</summary>
    public static List<int> TurnStarts(IReadOnlyList<ChatMessage> body)
    {
        var starts = new List<int>();
        for (var i = 0; i < body.Count; i++)
        {
            if (StartsTurn(body[i]))
            {
                starts.Add(i);
            }
        }

        return starts;
    }

    /// <summary>The position of <paramref name="message"/> (by reference), or -1.</summary>
    public static int IndexOf(IReadOnlyList<ChatMessage> messages, ChatMessage message)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(messages[i], message))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><paramref name="head"/>, then <paramref name="extra"/> (if any), then <paramref name="body"/> from <paramref name="start"/>.</summary>
    public static List<ChatMessage> Compose(IReadOnlyList<ChatMessage> head, ChatMessage? extra, IReadOnlyList<ChatMessage> body, int start = 0)
    {
        var list = new List<ChatMessage>(head.Count + 1 + body.Count - start);
        list.AddRange(head);
        if (extra is not null)
        {
            list.Add(extra);
        }

        for (var i = start; i < body.Count; i++)
        {
            list.Add(body[i]);
        }

        return list;
    }
}
