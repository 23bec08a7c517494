using System.Globalization;
using System.Text;

namespace Parley.Cli;

/// <summary>
/// The one stderr line that says a turn did not carry the whole history — messages the context policy dropped or
/// sent only as the running summary — e.g. <c>context: dropped 2 earlier messages (policy budget, 8,192-token window)</c>.
/// History is never left out silently: one-shot and <c>parley chat</c> print it after every such turn.
/// </summary>
internal static class ContextNoticeFormatter
{
    /// <summary>The line for <paramref name="report"/>, or null when every message was sent.</summary>
    public static string? Format(ContextReport? report)
    {
        if (report is null || (report.MessagesDropped <= 0 && report.MessagesSummarized <= 0))
        {
            return null;
        }

        var line = new StringBuilder("context: ");
        if (report.MessagesSummarized > 0)
        {
            line.Append(Wording.Count(report.MessagesSummarized, "earlier message")).Append(" sent as a summary");
            if (report.MessagesDropped > 0)
            {
                line.Append(", dropped ").Append(N(report.MessagesDropped));
            }
        }
        else
        {
            line.Append("dropped ").Append(Wording.Count(report.MessagesDropped, "earlier message"));
        }

        // last:N drops by count, not to fit the window: naming the window would suggest otherwise.
        line.Append(" (policy ").Append(report.Policy);
        if (report.ContextWindow is { } window && !report.Policy.StartsWith("last:", StringComparison.Ordinal))
        {
            line.Append(", ").Append(N(window)).Append("-token window");
            if (report.IsLearnedWindow)
            {
                line.Append(" learned from the server");
            }
        }

        return line.Append(')').ToString();
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
