using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// A request's <see cref="ChatOptions.ResponseFormat"/> carried beside its tools, so that every place that counts a
/// prompt with its tools (the preflight, the context policy, the cost budget, calibration) counts the schema too: a
/// JSON schema is part of the prompt OpenAI bills. Never sent: it exists only for counting.
/// </summary>
internal sealed class ResponseFormatTool : AITool
{
    private ResponseFormatTool(ChatResponseFormatJson format) => Format = format;

    /// <summary>The response format counted.</summary>
    public ChatResponseFormatJson Format { get; }

    /// <inheritdoc />
    public override string Name => "response_format";

    /// <summary>
    /// The tools a prompt is counted with: <paramref name="options"/>' tools, plus its JSON response format when it
    /// has one; null when there is neither.
    /// </summary>
    public static IReadOnlyList<AITool>? Of(ChatOptions? options)
    {
        var tools = options?.Tools;
        if (options?.ResponseFormat is not ChatResponseFormatJson json)
        {
            return tools is { Count: > 0 } ? [.. tools] : null;
        }

        return [.. tools ?? [], new ResponseFormatTool(json)];
    }
}
