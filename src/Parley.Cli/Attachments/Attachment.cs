using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>One file or image URL read for <c>-a/--attach</c> or <c>/attach</c>: the content that goes with the prompt.</summary>
/// <param name="Source">The path or URL as the user gave it.</param>
/// <param name="Content">What is sent: an image part, a text part, or a PDF file part.</param>
/// <param name="Description">What it became, for the user: <c>cat.png (PNG image, 800×400)</c>.</param>
internal sealed record Attachment(string Source, AIContent Content, string Description)
{
    /// <summary>The user message: the prompt's text, then each attachment's content in the order given.</summary>
    public static ChatMessage Message(string prompt, IEnumerable<Attachment> attachments) =>
        new(ChatRole.User, [new TextContent(prompt), .. attachments.Select(a => a.Content)]);
}
