using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Sends the system message and as many of the newest messages as fit the window minus the tokens reserved for the
/// answer, counted with the model's tokenizer. Whole units only: a tool call stays with its results, and the kept
/// history starts with a question. The newest question is always sent (if it alone cannot fit, the preflight refuses
/// the turn). Without a known window it sends everything.
/// </summary>
internal sealed class TokenBudgetPolicy : ContextPolicy
{
    /// <inheritdoc/>
    public override string Name => "budget";

    /// <inheritdoc/>
    public override Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Budget is not { } budget)
        {
            return Task.FromResult(new ContextResult { Messages = request.Messages });
        }

        var messages = request.Messages;
        var headCount = HistoryShape.HeadCount(messages);
        var head = messages.Take(headCount).ToList();
        var body = messages.Skip(headCount).ToList();
        var start = Fit(head, body, budget);
        return Task.FromResult(new ContextResult
        {
            Messages = HistoryShape.Compose(head, null, body, start),
            Dropped = start,
        });
    }

    /// <summary>
    /// Where the kept part of <paramref name="body"/> starts so that <paramref name="pinned"/> plus that part fit the
    /// prompt budget. Walks whole units from the newest back (each message's count is cached, so this costs the
    /// messages kept), then checks the whole prompt once and drops more only if the exact count disagrees.
    /// </summary>
    internal static int Fit(IReadOnlyList<ChatMessage> pinned, IReadOnlyList<ChatMessage> body, ContextBudget budget)
    {
        if (body.Count == 0)
        {
            return 0;
        }

        var limit = budget.PromptBudget;

        // Most prompts are far below the window: their size settles it, and the tokenizer is not even loaded.
        var all = HistoryShape.Compose(pinned, null, body);
        if (budget.FitsByBound(all, limit))
        {
            return 0;
        }

        // Counted exactly without tools, the prompt's count is the sum the walk below adds up: when the whole prompt
        // fits, the walk keeps everything. The counter reuses the last prompt's totals, so this costs the new messages.
        if (budget.SumsExactly && budget.CountPrompt(all) <= limit)
        {
            return 0;
        }

        var newest = HistoryShape.NewestTurnStart(body);
        long total = budget.Overhead();
        foreach (var message in pinned)
        {
            total += budget.Count(message);
        }

        for (var i = newest; i < body.Count; i++)
        {
            total += budget.Count(body[i]);
        }

        var start = newest;
        var end = newest - 1;
        while (end >= 0)
        {
            var unitStart = HistoryShape.UnitStart(body, end);
            long unit = 0;
            for (var i = unitStart; i <= end; i++)
            {
                unit += budget.Count(body[i]);
            }

            if (total + unit > limit)
            {
                break;
            }

            total += unit;
            start = unitStart;
            end = unitStart - 1;
        }

        if (start > 0)
        {
            start = HistoryShape.AlignToTurn(body, start, newest);
        }

        // The sum of messages can differ from the prompt's count by a few tokens (tool definitions pad the system
        // message); the exact count decides.
        while (start < newest && budget.CountPrompt(HistoryShape.Compose(pinned, null, body, start)) > limit)
        {
            start = HistoryShape.AlignToTurn(body, HistoryShape.NextUnitStart(body, start), newest);
        }

        return start;
    }
}
