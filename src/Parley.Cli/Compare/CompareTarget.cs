using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>A model ready to be measured: its description and its client pipeline; or why it cannot be.</summary>
internal sealed record CompareTarget(ComparedModel Model, IChatClient? Client, string? SetupError = null)
{
    /// <summary><c>-a</c>: what goes with the prompt, as read for this model (a PDF is text or a file part by its catalog entry).</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
}
