using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Knows, before a request is sent, whether the prompt fits the model's window minus the tokens reserved for the
/// answer. A cheap upper bound (every token is at least one UTF-8 byte) settles most prompts without loading the
/// tokenizer; only prompts near the limit are counted exactly.
/// </summary>
internal sealed class PromptPreflight
{
    // Reply priming; then per message its framing (at most 8 tokens) and at most one token per UTF-8 byte.
    internal const long PromptBytes = 3;
    private const long MessageFraming = 8;

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
    /// <param name="tools">The tools (and JSON response format, see <see cref="ContextBudget.Tools"/>) sent with the prompt; they have no byte bound, so with them the prompt is always counted.</param>
    public void Check(IReadOnlyList<ChatMessage> messages, ModelInfo model, int contextWindow, int reservedOutput, IReadOnlyList<AITool>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(model);
        var budget = contextWindow - reservedOutput;

        // The byte bound knows nothing of tool definitions: with tools the prompt is always counted.
        if (tools is not { Count: > 0 } && _counter.UpperBound(messages, model) <= budget)
        {
            return;
        }

        var count = _counter.CountPrompt(messages, model, tools);
        if (count.Value > budget)
        {
            throw new ContextWindowExceededException(model.Id, count.Value, contextWindow, reservedOutput, count.IsEstimate);
        }
    }

    /// <summary><see cref="UpperBound(IEnumerable{ChatMessage})"/> with <paramref name="model"/>'s framing (see <see cref="WithFraming"/>).</summary>
    internal static long UpperBound(IEnumerable<ChatMessage> messages, ModelInfo? model)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var bound = UpperBound(list);
        return bound == long.MaxValue ? bound : WithFraming(bound, list.Count, model);
    }

    /// <summary>An upper bound of the prompt's tokens that needs no tokenizer (<see cref="long.MaxValue"/> when a message holds tool calls, results or images).</summary>
    public static long UpperBound(IEnumerable<ChatMessage> messages)
    {
        long bytes = PromptBytes;
        foreach (var message in messages)
        {
            if (MessageBytes(message) is not { } count)
            {
                return long.MaxValue;
            }

            bytes += count;
        }

        return bytes;
    }

    /// <summary>
    /// The bound assumes OpenAI's framing (3 tokens of reply priming, at most 8 per message with its role and a name's
    /// extra token); a family that primes or frames with more raises it: Ollama's gpt-oss template adds a 63-token
    /// preamble, and the config file can set any framing.
    /// </summary>
    internal static long WithFraming(long bound, int messageCount, ModelInfo? model)
    {
        if (model is { OwnCounter: true })
        {
            return long.MaxValue; // its own template's framing is unknown here: always counted (by the model's own tokenizer)
        }

        var framing = model?.Framing ?? ChatFraming.OpenAIChat;
        var perMessage = framing.PerMessage + framing.PerName + 2; // the role: one token for the standard roles, two allowed
        return bound + Math.Max(0, framing.ReplyPriming - PromptBytes) + (messageCount * Math.Max(0, perMessage - MessageFraming));
    }

    /// <summary>One message's share of the bound (its framing included), or null when only the tokenizer can bound it.</summary>
    internal static long? MessageBytes(ChatMessage message)
    {
        // Tool calls, results and images are not in Text: only the tokenizer can bound them.
        foreach (var content in message.Contents)
        {
            if (content is not TextContent)
            {
                return null;
            }
        }

        return MessageFraming + Encoding.UTF8.GetByteCount(message.Text)
            + (message.AuthorName is { } name ? Encoding.UTF8.GetByteCount(name) : 0);
    }
}
