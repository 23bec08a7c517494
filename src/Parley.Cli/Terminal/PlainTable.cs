using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parley.Cli;

/// <summary>Renders a Spectre.Console renderable (a table) as plain text for stdout: no colors, no escape codes, wide enough not to wrap.</summary>
internal static class PlainTable
{
    public static string Render(IRenderable renderable, int width = 400)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Write(renderable);
        return string.Join('\n', writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim('\n');
    }
}
