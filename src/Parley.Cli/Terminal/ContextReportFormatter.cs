using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>Owns <c>/context</c>'s lines: the prompt against the window, the policy, and the messages sent, summarized and dropped.</summary>
internal static class ContextReportFormatter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="report">The report.</param>
    /// <param name="policy">The session's context policy.</param>
    /// <param name="windowSource">Where a window not learned from the server came from; "model catalog" when null.</param>
    public static IReadOnlyList<string> Format(ContextReport report, IChatReducer? policy, string? windowSource = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>();
        var about = report.PromptTokensEstimated ? "about " : string.Empty;
        if (report.ContextWindow is { } window)
        {
            var share = (double)report.PromptTokens / window;
            var line = new StringBuilder($"Context: {about}{N(report.PromptTokens)} of {N(window)} tokens ({share.ToString("0%", Invariant)})");
            if (report.ReservedOutput is { } reserve)
            {
                line.Append(" · ").Append(N(reserve)).Append(" kept for the answer · ")
                    .Append(N(Math.Max(0, window - reserve - report.PromptTokens))).Append(" free");
            }

            lines.Add(line.ToString());
            lines.Add(report.IsLearnedWindow
                ? $"Window: {N(window)} tokens for {report.Model}, learned from the server" + (report.CatalogWindow is { } catalog ? $" (the catalog says {N(catalog)})" : string.Empty)
                : $"Window: {N(window)} tokens for {report.Model} ({windowSource ?? "model catalog"})");
        }
        else
        {
            lines.Add($"Context: {about}{N(report.PromptTokens)} tokens · the window of {report.Model ?? "this model"} is unknown (add context_window under \"models\" in the config): nothing is trimmed");
        }

        lines.Add("Policy: " + DescribePolicy(report, policy));
        var messages = new StringBuilder($"Messages: {N(report.MessagesSent)} sent");
        var pinned = report.MessagesSent - (report.HistoryMessages - report.MessagesSummarized - report.MessagesDropped);
        var summarySent = report.SummaryTokens is not null;
        var included = (pinned - (summarySent ? 1 : 0) > 0, summarySent) switch
        {
            (true, true) => " (system message and summary included)",
            (true, false) => " (system message included)",
            (false, true) => " (summary included)",
            _ => string.Empty,
        };
        messages.Append(included);

        messages.Append(" · ").Append(N(report.MessagesSummarized)).Append(" summarized · ")
            .Append(N(report.MessagesDropped)).Append(" dropped · ")
            .Append(N(report.HistoryMessages)).Append(" in the conversation");
        lines.Add(messages.ToString());
        if (report.SummaryTokens is { } summary)
        {
            lines.Add($"Summary: {N(summary)} tokens, sent as a system message");
        }

        if (report.SummaryDue)
        {
            lines.Add($"The prompt is past the summary threshold: the next turn summarizes the oldest turns first");
        }

        return lines;
    }

    private static string DescribePolicy(ContextReport report, IChatReducer? policy) => policy switch
    {
        ContextPolicy { Name: "summarize" } => "summarize"
            + (report.SummaryThreshold is { } at ? $" · summarizes past {N(at)} tokens" : string.Empty)
            + (report.SummaryKeepsLastTurns is { } kept ? $" · keeps the last {Wording.Count(kept, "turn")} verbatim" : string.Empty)
            + (report.SummaryModel is { } model ? $" · summaries by {model}" : string.Empty),
        ContextPolicy { Name: "budget" } => "budget · the newest messages that fit the window minus the answer's reserve",
        ContextPolicy { Name: var name } when LastCount(name) is { } count => $"{name} · the system message and the last {Wording.Count(count, "message")}",
        ContextPolicy { Name: "keep-all" } => "keep-all · the whole conversation",
        _ => report.Policy,
    };

    // ContextPolicy.LastMessages(n) is named "last:n".
    private static int? LastCount(string name) =>
        name.StartsWith("last:", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), NumberStyles.None, Invariant, out var count) ? count : null;

    private static string N(int value) => value.ToString("#,0", Invariant);
}
