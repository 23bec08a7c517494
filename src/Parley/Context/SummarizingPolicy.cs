using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Once the prompt passes <see cref="SummarizingPolicyOptions.AtTokens"/> (or <see cref="SummarizingPolicyOptions.AtShareOfWindow"/>), folds the oldest turns into a running summary
/// written by a (usually cheaper) model; an existing summary is folded into the next one. The system message and the
/// newest <see cref="SummarizingPolicyOptions.KeepLastTurns"/> turns are never summarized. The summary is sent as a
/// system message after the system prompt ("Summary of the earlier conversation: …"), and whatever still does not fit
/// is trimmed like <see cref="TokenBudgetPolicy"/>. A failed summary call does not fail the turn: the policy falls back
/// to the budget and reports a warning. Every summary call is reported with its usage (see
/// <see cref="ContextResult.SummaryCalls"/>), so its cost can be recorded.
/// </summary>
/// <remarks>
/// Through <see cref="ChatSession"/> the running summary belongs to the session (and is saved with the conversation).
/// Used as a plain <see cref="IChatReducer"/> (or through <see cref="ContextPolicyChatClient"/>), each conversation's
/// summary is kept for it and found again by the last message it covers, so one instance serves many conversations.
/// </remarks>
internal sealed class SummarizingPolicy : ContextPolicy
{
    /// <summary>What precedes the summary in the system message that carries it.</summary>
    public const string SummaryPrefix = "Summary of the earlier conversation: ";

    private readonly IChatClient _summarizer;
    private readonly ConditionalWeakTable<RunningSummary, ChatMessage> _summaryMessages = new();
    private readonly ConversationSummaries _summaries = new();

    /// <summary>Creates the policy.</summary>
    /// <param name="summarizer">The client that writes summaries.</param>
    /// <param name="options">The settings (copied; null: the defaults).</param>
    public SummarizingPolicy(IChatClient summarizer, SummarizingPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(summarizer);
        var copy = options?.Clone() ?? new SummarizingPolicyOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(copy.KeepLastTurns, nameof(options));
        if (copy.MaxSummaryTokens is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), copy.MaxSummaryTokens, "MaxSummaryTokens must be positive.");
        }

        ArgumentNullException.ThrowIfNull(copy.Instructions, nameof(options));
        _summarizer = summarizer;
        Options = copy;
    }

    /// <summary>The settings.</summary>
    public SummarizingPolicyOptions Options { get; }

    /// <summary>
    /// The running summary <see cref="ReduceAsync"/> wrote or used last (plain reducer use only), of whichever conversation
    /// it reduced last: each conversation's own summary is found again by the messages it covers.
    /// </summary>
    public RunningSummary? Summary { get; private set; }

    /// <inheritdoc/>
    public override string Name => "summarize";

    /// <summary>The system message that carries <paramref name="text"/>.</summary>
    /// <param name="text">The summary.</param>
    /// <returns>The message.</returns>
    public static ChatMessage CreateSummaryMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ChatMessage(ChatRole.System, SummaryPrefix + text);
    }

    /// <summary>The threshold in tokens for <paramref name="budget"/>: <see cref="SummarizingPolicyOptions.AtTokens"/> or <see cref="SummarizingPolicyOptions.AtShareOfWindow"/>, never above the prompt budget.</summary>
    /// <param name="budget">The budget.</param>
    /// <returns>The number of tokens.</returns>
    public int ThresholdFor(ContextBudget budget) => ThresholdFor(Options.At, budget);

    /// <inheritdoc/>
    /// <remarks>Counts against its summary threshold first (then fits the rest to the window, below it).</remarks>
    public override bool NeedsTokenCount(IReadOnlyList<ChatMessage> messages, ContextBudget budget, double share = 1.0)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(budget);
        return !budget.FitsByBound(messages, (long)(ThresholdFor(budget) * share));
    }

    /// <summary>The threshold in tokens for a policy summarizing at <paramref name="at"/> (null: the default).</summary>
    internal static int ThresholdFor(ContextThreshold? at, ContextBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return Math.Min((at ?? ContextThreshold.Default).Resolve(budget.ContextWindow), budget.PromptBudget);
    }

    /// <summary>The longest summary for <paramref name="budget"/>, in tokens.</summary>
    /// <param name="budget">The budget.</param>
    /// <returns>The number of tokens.</returns>
    public int MaxSummaryTokensFor(ContextBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return Options.MaxSummaryTokens ?? Math.Clamp(budget.PromptBudget / 8, 64, 1000);
    }

    /// <inheritdoc/>
    public override async Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<ChatMessage> request = [.. messages];
        var result = await ApplyAsync(new ContextRequest { Messages = request, Budget = Budget, Summary = _summaries.Find(request, null) }, cancellationToken).ConfigureAwait(false);
        _summaries.Keep(result.Summary, null);
        Summary = result.Summary;
        return result.Messages;
    }

    /// <inheritdoc/>
    public override async Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages;
        var headCount = HistoryShape.HeadCount(messages);
        var head = messages.Take(headCount).ToList();
        var body = messages.Skip(headCount).ToList();

        // The summary stands for every message up to the one it covers; a summary whose message is gone (a reset
        // conversation) is stale and ignored.
        var summary = request.Summary;
        var covered = summary is null ? 0 : HistoryShape.IndexOf(body, summary.Through) + 1;
        if (covered == 0)
        {
            summary = null;
        }

        var rest = body.GetRange(covered, body.Count - covered);
        var calls = new List<TurnOutcome>();
        var warnings = new List<string>();
        var due = false;
        if (request.Budget is { } budget
            && budget.Exceeds(HistoryShape.Compose(head, MessageFor(summary), rest), ThresholdFor(budget)))
        {
            var keepFrom = KeepFrom(rest);
            var newest = HistoryShape.NewestTurnStart(rest);

            // Nothing can make a question fit that does not fit alone: leave it to the preflight, pay for no summary.
            var hopeless = budget.CountPrompt(HistoryShape.Compose(head, null, rest, newest)) > budget.PromptBudget;
            if (keepFrom > 0 && !hopeless)
            {
                if (!request.AllowSummaryCalls)
                {
                    due = true;
                }
                else
                {
                    var folded = await FoldAsync(summary, rest.GetRange(0, keepFrom), budget, calls, warnings, cancellationToken).ConfigureAwait(false);
                    if (folded.Count > 0)
                    {
                        summary = folded.Summary;
                        covered += folded.Count;
                        rest = rest.GetRange(folded.Count, rest.Count - folded.Count);
                    }
                }
            }
        }

        var summaryMessage = MessageFor(summary);
        var pinned = HistoryShape.Compose(head, summaryMessage, []);
        var start = request.Budget is { } fit ? TokenBudgetPolicy.Fit(pinned, rest, fit) : 0;
        return new ContextResult
        {
            Messages = HistoryShape.Compose(head, summaryMessage, rest, start),
            Summarized = covered,
            Dropped = start,
            Summary = summary,
            SummaryMessage = summaryMessage,
            SummaryCalls = calls,
            Warnings = warnings,
            SummaryDue = due,
        };
    }

    private ChatMessage? MessageFor(RunningSummary? summary) =>
        summary is null ? null : _summaryMessages.GetValue(summary, static s => CreateSummaryMessage(s.Text));

    // Where the turns kept verbatim begin: the newest question and the KeepLastTurns turns before it.
    private int KeepFrom(IReadOnlyList<ChatMessage> rest)
    {
        var turns = HistoryShape.TurnStarts(rest);
        var kept = Options.KeepLastTurns + 1;
        return turns.Count >= kept ? turns[^kept] : 0;
    }

    // Folds the messages into the summary, as many per call as the summarizer's prompt limit allows. On failure the
    // progress made so far is kept and the rest is left to the budget.
    private async Task<(RunningSummary? Summary, int Count)> FoldAsync(
        RunningSummary? summary, List<ChatMessage> fold, ContextBudget budget, List<TurnOutcome> calls, List<string> warnings, CancellationToken cancellationToken)
    {
        var maxSummary = MaxSummaryTokensFor(budget);
        var inputLimit = Options.SummaryInputLimit ?? budget.PromptBudget;
        var instructions = Options.Instructions.Replace("{0}", Math.Max(maxSummary * 3 / 4, 20).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var done = 0;
        var text = summary?.Text;
        while (done < fold.Count)
        {
            var previous = text is null ? string.Empty : "Summary so far:\n" + text + "\n\n";
            var room = inputLimit - CountText(budget, instructions) - CountText(budget, previous) - 32;
            var transcript = new StringBuilder();
            var end = done;
            while (end < fold.Count && room > 0)
            {
                var unitEnd = HistoryShape.NextUnitStart(fold, end);
                var unit = Transcript(fold, end, unitEnd);
                var tokens = CountText(budget, unit);
                if (tokens > room)
                {
                    if (end > done)
                    {
                        break;
                    }

                    unit = Truncate(budget, unit, room);
                    tokens = room;
                }

                transcript.Append(unit);
                room -= tokens;
                end = unitEnd;
            }

            if (end == done)
            {
                warnings.Add("the summary so far leaves no room for a summary call: this turn sends the newest messages that fit instead (budget)");
                break;
            }

            var prompt = new List<ChatMessage>
            {
                new(ChatRole.System, instructions),
                new(ChatRole.User, previous + "New messages:\n" + transcript + "\nWrite the updated summary."),
            };
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await _summarizer.GetResponseAsync(
                    prompt, new ChatOptions { ModelId = Options.SummaryModel, MaxOutputTokens = maxSummary }, cancellationToken).ConfigureAwait(false);
                var written = response.Text.Trim();
                if (written.Length == 0)
                {
                    throw new InvalidOperationException("the summary came back empty");
                }

                text = Truncate(budget, written, maxSummary);
                calls.Add(new TurnOutcome
                {
                    Model = response.ModelId ?? Options.SummaryModel,
                    Usage = response.Usage,
                    Latency = Stopwatch.GetElapsedTime(started),
                    MessagesSummarized = end - done,
                });
                done = end;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                calls.Add(new TurnOutcome
                {
                    Status = TurnStatus.Failed,
                    Model = Options.SummaryModel,
                    Latency = Stopwatch.GetElapsedTime(started),
                    Error = e.Message,
                });
                warnings.Add($"the summary call failed ({e.Message}): this turn sends the newest messages that fit instead (budget)");
                break;
            }
        }

        return done == 0 ? (summary, 0) : (new RunningSummary(text!, fold[done - 1]), done);
    }

    private static int CountText(ContextBudget budget, string text) => budget.Counter.CountText(text, budget.Model).Value;

    // The longest prefix of the text that fits in maxTokens (binary search: a few tokenizations, only for oversized text).
    private static string Truncate(ContextBudget budget, string text, int maxTokens)
    {
        if (CountText(budget, text) <= maxTokens)
        {
            return text;
        }

        int low = 0, high = text.Length;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (CountText(budget, text[..middle] + "…") <= maxTokens)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return text[..low] + "…";
    }

    private static string Transcript(IReadOnlyList<ChatMessage> messages, int start, int end)
    {
        var text = new StringBuilder();
        for (var i = start; i < end; i++)
        {
            var message = messages[i];
            var role = message.Role.Value;
            text.Append(char.ToUpperInvariant(role[0])).Append(role.AsSpan(1)).Append(": ");
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        text.Append("[calls ").Append(call.Name).Append('(').Append(ToolJson.Arguments(call.Arguments, AIJsonUtilities.DefaultOptions)).Append(")]");
                        break;
                    case FunctionResultContent result:
                        text.Append("[result: ").Append(ToolJson.Result(result.Result, AIJsonUtilities.DefaultOptions)).Append(']');
                        break;
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
