using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>
/// Shows a streamed answer on a console, one instance per answer: call <see cref="WriteAsync"/> for every chunk, then
/// <see cref="CompleteAsync"/> once (also after a cancelled stream, to show what did arrive).
/// </summary>
/// <remarks>
/// <para><see cref="MarkdownAnswerMode.Plain"/> writes the chunks byte for byte to the console's writer (no wrapping,
/// no markup) and ends the answer with a newline if it lacks one.</para>
/// <para><see cref="MarkdownAnswerMode.Rendered"/> feeds a <see cref="StreamingMarkdownBuffer"/> and prints each block
/// <em>rendered</em> the moment it completes (a paragraph at its blank line, a code block at its closing fence, a
/// table at the blank line after it). Rendered output is only ever appended, never redrawn: we do not print the raw
/// block first and repaint it, because repainting means moving the cursor up over lines that may have wrapped or
/// scrolled out of the screen, which breaks in plain terminals, tmux, narrow windows and with long code blocks; and
/// Spectre's <c>Live</c> display crops anything taller than the screen and owns the console for its whole duration.
/// So that the user still sees text arriving while a block is incomplete, an interactive ANSI console shows one
/// status line under the output with the tail of the line being received (dim, cut to the console width so it never
/// wraps); it is erased with <c>\r</c> + erase-line before each rendered block and at the end. A console without
/// ANSI or not interactive gets no status line, only the rendered blocks.</para>
/// </remarks>
internal sealed class MarkdownAnswerWriter
{
    private const int MaxTailLength = 512;
    private static readonly Style LiveStyle = new(Color.Grey, decoration: Decoration.Dim);

    private readonly IAnsiConsole _console;
    private readonly MarkdownRenderer _renderer;
    private readonly StreamingMarkdownBuffer _buffer = new();
    private readonly bool _showLiveLine;
    private readonly StringBuilder _currentLine = new();
    private string _lastLine = string.Empty;
    private bool _liveLineShown;
    private bool _endsWithNewline = true;
    private bool _completed;

    /// <param name="console">Where the answer goes (the stdout console).</param>
    /// <param name="mode">Rendered (terminal) or plain (pipe, file).</param>
    /// <param name="renderer">The renderer; by default one suited to the console (<see cref="MarkdownRenderer.For"/>).</param>
    public MarkdownAnswerWriter(IAnsiConsole console, MarkdownAnswerMode mode, MarkdownRenderer? renderer = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        _console = console;
        Mode = mode;
        _renderer = renderer ?? MarkdownRenderer.For(console);
        var capabilities = console.Profile.Capabilities;
        _showLiveLine = mode == MarkdownAnswerMode.Rendered && capabilities.Ansi && capabilities.Interactive;
    }

    /// <summary>The mode chosen at construction.</summary>
    public MarkdownAnswerMode Mode { get; }

    /// <summary>True once any part of the answer has been written (a chunk in plain mode, a block in rendered mode).</summary>
    public bool HasWritten { get; private set; }

    /// <summary>Takes the next chunk of the answer.</summary>
    public async Task WriteAsync(string chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        cancellationToken.ThrowIfCancellationRequested();
        if (_completed)
        {
            throw new InvalidOperationException("The answer has already been completed.");
        }

        if (chunk.Length == 0)
        {
            return;
        }

        if (Mode == MarkdownAnswerMode.Plain)
        {
            var writer = _console.Profile.Out.Writer;
            await writer.WriteAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            _endsWithNewline = chunk[^1] == '\n';
            HasWritten = true;
            return;
        }

        _buffer.Append(chunk);
        TrackLiveLine(chunk);
        var blocks = _buffer.TakeCompletedBlocks();
        if (blocks.Count > 0)
        {
            ClearLiveLine();
            foreach (var block in blocks)
            {
                WriteBlock(block);
            }

            if (!_buffer.HasPendingText)
            {
                _lastLine = string.Empty;
            }
        }

        DrawLiveLine();
        await _console.Profile.Out.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the answer: writes whatever has not been shown yet (in plain mode, a final newline if missing). Calling it
    /// again does nothing. After Ctrl+C, pass a token that is not cancelled so the text that did arrive is shown.
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (Mode == MarkdownAnswerMode.Plain)
        {
            if (HasWritten && !_endsWithNewline)
            {
                var writer = _console.Profile.Out.Writer;
                await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                _endsWithNewline = true;
            }

            return;
        }

        ClearLiveLine();
        var remainder = _buffer.TakeRemainder();
        if (remainder.Length > 0)
        {
            WriteBlock(remainder);
        }

        await _console.Profile.Out.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private void WriteBlock(string markdown)
    {
        var blocks = _renderer.Render(markdown);
        foreach (var block in blocks)
        {
            if (HasWritten)
            {
                _console.WriteLine();
            }

            // Rows ends its content with a line break, whatever the block's own last segment is.
            _console.Write(new Rows(block));
            HasWritten = true;
        }
    }

    private void TrackLiveLine(string chunk)
    {
        if (!_showLiveLine)
        {
            return;
        }

        var lastNewline = chunk.LastIndexOf('\n');
        if (lastNewline < 0)
        {
            _currentLine.Append(chunk);
        }
        else
        {
            var previousNewline = lastNewline == 0 ? -1 : chunk.LastIndexOf('\n', lastNewline - 1);
            var completedLine = previousNewline < 0
                ? _currentLine + chunk[..lastNewline]
                : chunk[(previousNewline + 1)..lastNewline];
            if (!string.IsNullOrWhiteSpace(completedLine))
            {
                _lastLine = completedLine.TrimEnd('\r');
            }

            _currentLine.Clear().Append(chunk, lastNewline + 1, chunk.Length - lastNewline - 1);
        }

        if (_currentLine.Length > MaxTailLength)
        {
            _currentLine.Remove(0, _currentLine.Length - MaxTailLength);
        }
    }

    private void DrawLiveLine()
    {
        if (!_showLiveLine)
        {
            return;
        }

        var line = _currentLine.Length > 0 && !string.IsNullOrWhiteSpace(_currentLine.ToString())
            ? _currentLine.ToString()
            : _lastLine;
        ClearLiveLine();
        if (line.Length == 0)
        {
            return;
        }

        var text = "… " + Tail(line.Replace('\t', ' ').Trim(), Math.Max(1, _console.Profile.Width - 3));
        _console.Write(new Text(text, LiveStyle));
        _liveLineShown = true;
    }

    private void ClearLiveLine()
    {
        if (!_liveLineShown)
        {
            return;
        }

        _console.WriteAnsi(writer =>
        {
            writer.Write("\r");
            writer.EraseInLine(2);
        });
        _liveLineShown = false;
    }

    /// <summary>The end of <paramref name="text"/> (control characters dropped) that fits in <paramref name="cells"/> terminal cells.</summary>
    private static string Tail(string text, int cells)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            var element = enumerator.GetTextElement();
            if (!char.IsControl(element[0]))
            {
                elements.Add(element);
            }
        }

        var width = 0;
        var start = elements.Count;
        while (start > 0)
        {
            var elementWidth = new Segment(elements[start - 1]).CellCount();
            if (width + elementWidth > cells)
            {
                break;
            }

            width += elementWidth;
            start--;
        }

        return string.Concat(elements.Skip(start));
    }
}
