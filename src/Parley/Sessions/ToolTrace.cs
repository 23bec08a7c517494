using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// A turn's response split for the history: the tool rounds (every message up to the last tool result), the answer's
/// text after them, and the calls the model made after the last result that were never run.
/// </summary>
internal sealed class ToolTrace
{
    private static readonly ToolTrace Empty = new([], string.Empty, []);

    private ToolTrace(IReadOnlyList<ChatMessage> steps, string answerText, IReadOnlyList<FunctionCallContent> unanswered)
    {
        Steps = steps;
        AnswerText = answerText;
        Unanswered = unanswered;
    }

    /// <summary>The calls and results, as messages in order.</summary>
    public IReadOnlyList<ChatMessage> Steps { get; }

    /// <summary>The text after the last tool result: the answer.</summary>
    public string AnswerText { get; }

    /// <summary>Calls after the last result, not run (the round limit stopped the loop).</summary>
    public IReadOnlyList<FunctionCallContent> Unanswered { get; }

    /// <summary>True for a response without tool calls: the answer is the response's text, as before tools existed.</summary>
    public bool IsEmpty => Steps.Count == 0 && Unanswered.Count == 0;

    public static ToolTrace Of(IList<ChatMessage> messages)
    {
        var hasCalls = false;
        var lastResult = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var content in messages[i].Contents)
            {
                hasCalls |= content is FunctionCallContent;
                if (content is FunctionResultContent)
                {
                    lastResult = i;
                }
            }
        }

        if (!hasCalls)
        {
            return Empty;
        }

        var answer = new List<string>();
        var unanswered = new List<FunctionCallContent>();
        for (var i = lastResult + 1; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.Assistant && messages[i].Text is { Length: > 0 } text)
            {
                answer.Add(text);
            }

            unanswered.AddRange(messages[i].Contents.OfType<FunctionCallContent>());
        }

        return new ToolTrace([.. messages.Take(lastResult + 1)], string.Concat(answer), unanswered);
    }
}
