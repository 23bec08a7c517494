using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>One exchange: the question, the answer and everything measured about it.</summary>
public sealed record ChatTurn
{
    /// <summary>The user's message.</summary>
    public required ChatMessage UserMessage { get; init; }

    /// <summary>The assistant's message (partial when interrupted; null when the call failed).</summary>
    public ChatMessage? AssistantMessage { get; init; }

    /// <summary>
    /// Every message of the answer, in order: with a tool loop (Microsoft.Extensions.AI's <c>FunctionInvokingChatClient</c>)
    /// the assistant's tool calls, the tool results, …, then the final answer (<see cref="AssistantMessage"/>, the last);
    /// otherwise just the answer. Empty when the call failed. All of them are kept in the history and saved with the turn;
    /// reasoning is not.
    /// </summary>
    public IReadOnlyList<ChatMessage> ResponseMessages
    {
        get => _responseMessages ?? (AssistantMessage is null ? [] : [AssistantMessage]);
        init => _responseMessages = value;
    }

    private readonly IReadOnlyList<ChatMessage>? _responseMessages;

    /// <summary>
    /// The tool rounds of this turn, in order, between the question and the answer: each assistant message with its
    /// <see cref="FunctionCallContent"/>s, then the tool message with their <see cref="FunctionResultContent"/>s
    /// (<see cref="ResponseMessages"/> without the answer). Empty for a turn without tool calls.
    /// </summary>
    public IReadOnlyList<ChatMessage> ToolMessages => ResponseMessages.Count > 1 ? [.. ResponseMessages.Take(ResponseMessages.Count - 1)] : [];

    /// <summary>
    /// Calls the model still made when the turn stopped (<see cref="ChatSessionOptions.MaxToolRounds"/> reached, or a
    /// tool the session could not run): they were not run, and are not kept in the history. Empty normally.
    /// </summary>
    public IReadOnlyList<FunctionCallContent> UnansweredToolCalls { get; init; } = [];

    /// <summary>The answer's text (when the model refused and wrote no content: its refusal, as the conversation keeps it).</summary>
    public string Text => AssistantMessage?.Text ?? string.Empty;

    /// <summary>
    /// The model's refusal — OpenAI's <c>refusal</c>, sent instead of content when the model declines (safety, structured
    /// outputs) — or null when it did not refuse. The finish reason is still <c>stop</c>, and usage and cost are recorded
    /// as for any answer. When the answer has no content, <see cref="AssistantMessage"/> (and so <see cref="Text"/>, the
    /// history, the saved conversation and the next request) carries this text.
    /// </summary>
    /// <remarks>
    /// Set for <see cref="ChatSession.SendAsync(string, CancellationToken)"/> and <see cref="ChatSession.StreamAsync(string, CancellationToken)"/> alike. While streaming, each
    /// piece also arrives as it is generated: <see cref="RefusalIn"/> reads it from the update
    /// (whose <see cref="ChatResponseUpdate.Text"/> stays empty). A stream cut during a refusal keeps the part received,
    /// marked interrupted.
    /// </remarks>
    public string? Refusal { get; init; }

    /// <summary>
    /// The piece of a refusal that a streamed update carries (its <see cref="ChatResponseUpdate.Text"/> stays empty for
    /// it), or null when it carries none. Microsoft.Extensions.AI.OpenAI drops streamed refusals; this also reads them
    /// from the OpenAI SDK's update.
    /// </summary>
    /// <param name="update">An update of <see cref="ChatSession.StreamAsync(string, CancellationToken)"/> (or of any OpenAI chat client's stream).</param>
    /// <returns>The refusal text in the update, or null.</returns>
    public static string? RefusalIn(ChatResponseUpdate update) => ModelRefusal.Read(update);

    /// <summary>The model that answered, as the server reported it (e.g. <c>gpt-4o-mini-2024-07-18</c>).</summary>
    public string? ModelId { get; init; }

    /// <summary>
    /// The reasoning the model showed before its answer (<see cref="TextReasoningContent"/>: <c>reasoning_content</c>
    /// of vLLM and DeepSeek, Ollama's <c>thinking</c>), or null when it showed none. For display only: it is not part of
    /// <see cref="AssistantMessage"/>, so it is neither saved nor sent with the next request.
    /// </summary>
    public string? Reasoning { get; init; }

    /// <summary>The server's response id.</summary>
    public string? ResponseId { get; init; }

    /// <summary>Why the model stopped (<c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>).</summary>
    public ChatFinishReason? FinishReason { get; init; }

    /// <summary>Token usage as the server reported it; null when it reported none.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>The dollar cost of the call; null when the model's price is unknown.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>From sending the request to the end of the answer.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>From sending the request to the first token (streaming only).</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>How the turn ended.</summary>
    public TurnStatus Status { get; init; } = TurnStatus.Complete;

    /// <summary>The error, when the turn failed or was interrupted by a fault.</summary>
    public string? Error { get; init; }

    /// <summary>The number of messages sent in the request (after the context policy).</summary>
    public int MessagesSent { get; init; }

    /// <summary>How the request used the context window (tokens, messages sent, summarized and dropped, summary calls).</summary>
    public ContextReport? Context { get; init; }

    /// <summary>
    /// Output tokens per second: over the generation time the server measured (<see cref="ServerTimings"/>, e.g.
    /// Ollama's <c>eval_duration</c>) when it reported one, else over the time after the first token; null when unknown.
    /// </summary>
    public double? OutputTokensPerSecond
    {
        get
        {
            if (Usage?.OutputTokenCount is not { } output || output <= 0)
            {
                return null;
            }

            if (ServerTimings.OutputTokensPerSecond(Usage) is { } measuredByServer)
            {
                return measuredByServer;
            }

            var generation = Latency - (TimeToFirstToken ?? TimeSpan.Zero);
            if (generation <= TimeSpan.FromMilliseconds(1))
            {
                generation = Latency;
            }

            return generation > TimeSpan.Zero ? output / generation.TotalSeconds : null;
        }
    }
}
