using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>An empty line between blocks inside a container (list item, quote); it renders as one line break.</summary>
internal sealed class BlankLine : IRenderable
{
    public static BlankLine Instance { get; } = new();

    private BlankLine()
    {
    }

    public Measurement Measure(RenderOptions options, int maxWidth) => new(0, 0);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => [Segment.LineBreak];
}
