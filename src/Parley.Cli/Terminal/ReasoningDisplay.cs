using System.CommandLine;

namespace Parley.Cli;

/// <summary>The model's reasoning is shown dimmed on stderr as it arrives, unless <c>--hide-reasoning</c> is given.</summary>
internal static class ReasoningDisplay
{
    /// <summary>A new <c>--hide-reasoning</c> option (one per command).</summary>
    public static Option<bool> HideOption() => new("--hide-reasoning")
    {
        Description = "Do not show the model's reasoning (shown dimmed on stderr as it arrives, never on stdout or in the history)",
    };
}
