using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Cli;

/// <summary>
/// Cuts a Markdown answer that arrives in arbitrary chunks into complete blocks, so each can be rendered as soon as
/// it is whole. Pure text logic: no console, no Markdown parser.
/// </summary>
/// <remarks>
/// Text is looked at line by line; a line is only considered once its newline has arrived, so a chunk boundary
/// anywhere (inside a fence marker, a table row, a word) makes no difference. A block is complete when:
/// <list type="bullet">
/// <item>a blank line follows it, except inside an open fenced code block (<c>```</c> or <c>~~~</c>, any indentation,
/// also inside a list item or quote), which completes at its closing fence together with any lines before it in the
/// same block;</item>
/// <item>it is an ATX heading (<c># Title</c>) or a thematic break (<c>---</c>) on a line of its own; a heading also
/// completes the block before it;</item>
/// <item>for a list or an indented code block, a blank line is not enough: the block stays open until the next
/// non-blank line shows whether it continues (an indented line or another list item) — otherwise a loose list would
/// be cut into single items and an item's continuation paragraph would turn into a code block.</item>
/// </list>
/// A table completes like a paragraph, at a blank line or at the end of the stream.
/// </remarks>
internal sealed partial class StreamingMarkdownBuffer
{
    private readonly StringBuilder _partialLine = new();
    private readonly StringBuilder _block = new();
    private readonly StringBuilder _heldBlankLines = new();
    private readonly List<string> _completed = [];
    private BlockKind _kind;
    private char _fenceChar;
    private int _fenceLength;

    private enum BlockKind
    {
        None,
        Other,
        List,
        IndentedCode,
    }

    /// <summary>True while a fenced code block has been opened and not yet closed.</summary>
    public bool InFencedCode => _fenceLength > 0;

    /// <summary>True when text has been appended that is not yet part of a completed block.</summary>
    public bool HasPendingText => _block.Length > 0 || _partialLine.Length > 0 || _completed.Count > 0;

    /// <summary>Adds the next piece of the stream.</summary>
    public void Append(string chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var start = 0;
        int newline;
        while ((newline = chunk.IndexOf('\n', start)) >= 0)
        {
            _partialLine.Append(chunk, start, newline - start + 1);
            var line = _partialLine.ToString();
            _partialLine.Clear();
            ProcessLine(line);
            start = newline + 1;
        }

        _partialLine.Append(chunk, start, chunk.Length - start);
    }

    /// <summary>
    /// Returns the blocks completed since the last call, in order, each as its source text (lines with their line
    /// endings, without the blank lines around it).
    /// </summary>
    public IReadOnlyList<string> TakeCompletedBlocks()
    {
        if (_completed.Count == 0)
        {
            return [];
        }

        var blocks = _completed.ToArray();
        _completed.Clear();
        return blocks;
    }

    /// <summary>
    /// Ends the stream: returns, as Markdown, everything not yet returned by <see cref="TakeCompletedBlocks"/>
    /// (completed blocks not yet taken, the open block, the last unterminated line), blocks separated by a blank line,
    /// and resets the buffer. Returns an empty string when nothing but whitespace is left. An unclosed fence is
    /// returned as it is (Markdown renders it as a code block running to the end).
    /// </summary>
    public string TakeRemainder()
    {
        if (_partialLine.Length > 0)
        {
            var line = _partialLine.ToString();
            _partialLine.Clear();
            ProcessLine(line);
        }

        EmitBlock();
        var remainder = string.Join("\n", _completed.Select((b, i) => i == _completed.Count - 1 || b.EndsWith('\n') ? b : b + "\n"));
        _completed.Clear();
        _heldBlankLines.Clear();
        return string.IsNullOrWhiteSpace(remainder) ? string.Empty : remainder;
    }

    private void ProcessLine(string line)
    {
        if (InFencedCode)
        {
            _block.Append(line);
            if (IsClosingFence(line))
            {
                EmitBlock();
            }

            return;
        }

        if (IsBlank(line))
        {
            if (_block.Length == 0)
            {
                return;
            }

            if (_kind is BlockKind.List or BlockKind.IndentedCode)
            {
                _heldBlankLines.Append(line);
            }
            else
            {
                EmitBlock();
            }

            return;
        }

        if (_heldBlankLines.Length > 0)
        {
            if (ContinuesAfterBlank(line))
            {
                _block.Append(_heldBlankLines);
                _heldBlankLines.Clear();
            }
            else
            {
                EmitBlock();
            }
        }

        if (AtxHeading().IsMatch(line) || (_block.Length == 0 && ThematicBreak().IsMatch(line)))
        {
            EmitBlock();
            _block.Append(line);
            EmitBlock();
            return;
        }

        if (_block.Length == 0)
        {
            _kind = Classify(line);
        }

        _block.Append(line);
        if (_kind != BlockKind.IndentedCode && OpeningFence().Match(line) is { Success: true } fence)
        {
            _fenceChar = fence.Groups["fence"].Value[0];
            _fenceLength = fence.Groups["fence"].Length;
        }
    }

    private void EmitBlock()
    {
        if (_block.Length > 0 && !IsBlank(_block.ToString()))
        {
            _completed.Add(_block.ToString());
        }

        _block.Clear();
        _heldBlankLines.Clear();
        _kind = BlockKind.None;
        _fenceChar = '\0';
        _fenceLength = 0;
    }

    private bool ContinuesAfterBlank(string line) => _kind switch
    {
        BlockKind.List => line[0] is ' ' or '\t' || ListItem().IsMatch(line),
        BlockKind.IndentedCode => IndentedCode().IsMatch(line),
        _ => false,
    };

    private bool IsClosingFence(string line)
    {
        var match = ClosingFence().Match(line);
        return match.Success
            && match.Groups["fence"].Value[0] == _fenceChar
            && match.Groups["fence"].Length >= _fenceLength;
    }

    private static BlockKind Classify(string line)
    {
        if (IndentedCode().IsMatch(line))
        {
            return BlockKind.IndentedCode;
        }

        return ListItem().IsMatch(line) ? BlockKind.List : BlockKind.Other;
    }

    private static bool IsBlank(string text) => string.IsNullOrWhiteSpace(text);

    // A fence may sit inside quotes and list items: "> ```", "1. ```python", "   ~~~".
    [GeneratedRegex(@"^[ \t]*(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])[ \t]+)*(?<fence>`{3,}(?=[^`]*$)|~{3,})")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^[ \t]*(?:>[ \t]?)*(?<fence>`{3,}|~{3,})[ \t]*\r?\n?$")]
    private static partial Regex ClosingFence();

    [GeneratedRegex(@"^#{1,6}(?:[ \t]|\r?\n?$)")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})\r?\n?$")]
    private static partial Regex ThematicBreak();

    [GeneratedRegex(@"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\r?\n?$)")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^(?: {4}|\t)")]
    private static partial Regex IndentedCode();
}
