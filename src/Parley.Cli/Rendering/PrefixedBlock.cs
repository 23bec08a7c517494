using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>
/// Draws a renderable narrowed by a prefix column: the first line gets <c>first</c>, every other line gets
/// <c>rest</c>. Used for list markers (<c>"• "</c> then <c>"  "</c>) and the block-quote gutter (<c>"│ "</c>).
/// On consoles without Unicode the ASCII variants are used.
/// </summary>
internal sealed class PrefixedBlock : IRenderable
{
    private readonly IRenderable _content;
    private readonly string _first;
    private readonly string _rest;
    private readonly string _asciiFirst;
    private readonly string _asciiRest;
    private readonly Style _prefixStyle;

    public PrefixedBlock(IRenderable content, string first, string rest, Style prefixStyle, string? asciiFirst = null, string? asciiRest = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(rest);
        _content = content;
        _first = first;
        _rest = rest;
        _asciiFirst = asciiFirst ?? first;
        _asciiRest = asciiRest ?? rest;
        _prefixStyle = prefixStyle;
    }

    public Measurement Measure(RenderOptions options, int maxWidth)
    {
        var prefixWidth = PrefixWidth(options);
        var inner = _content.Measure(options, Math.Max(1, maxWidth - prefixWidth));
        return new Measurement(Math.Min(maxWidth, inner.Min + prefixWidth), Math.Min(maxWidth, inner.Max + prefixWidth));
    }

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var (first, rest) = options.Unicode ? (_first, _rest) : (_asciiFirst, _asciiRest);
        var prefixWidth = PrefixWidth(options);
        var lines = Segment.SplitLines(_content.Render(options, Math.Max(1, maxWidth - prefixWidth)));
        if (lines.Count == 0)
        {
            yield return new Segment(first, _prefixStyle);
            yield break;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                yield return Segment.LineBreak;
            }

            yield return new Segment(i == 0 ? first : rest, _prefixStyle);
            foreach (var segment in lines[i])
            {
                yield return segment;
            }
        }
    }

    private int PrefixWidth(RenderOptions options)
    {
        var (first, rest) = options.Unicode ? (_first, _rest) : (_asciiFirst, _asciiRest);
        return Math.Max(new Segment(first).CellCount(), new Segment(rest).CellCount());
    }
}
