using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>A table or other renderable whose text passes through <see cref="UntrustedText.ForTerminal"/> on its way to a terminal.</summary>
internal sealed class UntrustedRenderable : IRenderable
{
    private readonly IRenderable _inner;

    public UntrustedRenderable(IRenderable inner) => _inner = inner;

    public Measurement Measure(RenderOptions options, int maxWidth) => _inner.Measure(options, maxWidth);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
        _inner.Render(options, maxWidth).Select(s => s.IsControlCode || s.IsLineBreak ? s : new Segment(UntrustedText.ForTerminal(s.Text), s.Style));
}
