using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Knows, before a request is sent, whether the prompt fits the model's window minus the tokens reserved for the
/// answer. A cheap upper bound (every token is at least one UTF-8 byte) settles most prompts without loading the
/// tokenizer; only prompts near the limit are counted exactly.
/// </summary>
public sealed class PromptPreflight
{
    private readonly TokenCounter _counter;

    /// <summary>Creates the check over a token counter.</summary>
    public PromptPreflight(TokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
    }

    /// <summary>The output reserve used when none is configured: the smaller of the model's max output and a quarter of its window, never more than half of it.</summary>
    public static int DefaultReserve(ModelInfo model, int contextWindow)
    {
        ArgumentNullException.ThrowIfNull(model);
        var quarter = contextWindow / 4;
        var reserve = model.MaxOutputTokens is { } max ? Math.Min(max, quarter) : quarter;
        return Math.Min(reserve, contextWindow / 2);
    }

    /// <summary>Throws <see cref="ContextWindowExceededException"/> when <paramref name="messages"/> cannot fit.</summary>
    /// <param name="messages">The prompt as it will be sent.</param>
    /// <param name="model">The model's catalog entry.</param>
    /// <param name="contextWindow">The window to respect (a learned limit may be smaller than the catalog's).</param>
    /// <param name="reservedOutput">Tokens kept free for the answer.</param>
    public void Check(IReadOnlyList<ChatMessage> messages, ModelInfo model, int contextWindow, int reservedOutput)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(model);
        var budget = contextWindow - reservedOutput;
        if (UpperBound(messages) <= budget)
        {
            return;
        }

        var count = _counter.CountPrompt(messages, model);
        if (count.Value > budget)
        {
            throw new ContextWindowExceededException(model.Id, count.Value, contextWindow, reservedOutput, count.IsEstimate);
        }
    }

    /// <summary>An upper bound of the prompt's tokens that needs no tokenizer (<see cref="long.MaxValue"/> when a message holds tool calls, results or images).</summary>
    public static long UpperBound(IEnumerable<ChatMessage> messages)
    {
        long bytes = 3;
        foreach (var message in messages)
        {
            // Tool calls, results and images are not in Text: only the tokenizer can bound them.
            if (message.Contents.Any(c => c is not TextContent))
            {
                return long.MaxValue;
            }

            bytes += 8 + Encoding.UTF8.GetByteCount(message.Text) + (message.AuthorName?.Length ?? 0);
        }

        return bytes;
    }
}
