namespace Parley.Server;

/// <summary>
/// What <c>X-Parley-Context: summarize</c> did for one request: the running summary after it (saved with a named
/// conversation when <see cref="Changed"/>), the summary calls made (recorded in the history as summary turns, with
/// their usage and cost) and what they cost together.
/// </summary>
/// <param name="Summary">The running summary sent with the request (null: none).</param>
/// <param name="Changed">True when a summary call wrote <paramref name="Summary"/> for this request.</param>
/// <param name="Calls">The summary calls made for this request, priced.</param>
/// <param name="CostUsd">The calls' cost together (null when a price is unknown; 0 without calls).</param>
internal sealed record ContextSummary(RunningSummary? Summary, bool Changed, IReadOnlyList<TurnOutcome> Calls, decimal? CostUsd);
