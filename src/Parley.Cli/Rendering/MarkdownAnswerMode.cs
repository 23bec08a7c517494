namespace Parley.Cli;

/// <summary>How <see cref="MarkdownAnswerWriter"/> shows a streamed answer.</summary>
internal enum MarkdownAnswerMode
{
    /// <summary>Markdown is rendered block by block (headings, code panels, tables, lists) as each block completes.</summary>
    Rendered,

    /// <summary>The raw text is written exactly as it arrives (stdout is not a terminal, or rendering is off).</summary>
    Plain,
}
