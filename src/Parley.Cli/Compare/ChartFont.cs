using ScottPlot;
using SkiaSharp;

namespace Parley.Cli;

/// <summary>
/// The font charts are drawn with: DejaVu Sans, embedded in parley. ScottPlot draws with SkiaSharp's
/// "NoDependencies" Linux build, which finds fonts only in <c>/usr/share/fonts</c>; on a machine without fonts every
/// label would be blank, and with different fonts the picture would change from machine to machine.
/// </summary>
internal sealed class ChartFont : IFontResolver
{
    public const string Name = "DejaVu Sans";

    private const string ResourceName = "Parley.Cli.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Typeface = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock Gate = new();
    private static bool _registered;

    private ChartFont()
    {
    }

    /// <summary>Registers the embedded font with ScottPlot (once) and makes it the default.</summary>
    public static void Use()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                Fonts.FontResolvers.Insert(0, new ChartFont());
                _registered = true;
            }

            Fonts.Default = Name;
            Fonts.Sans = Name;
        }
    }

    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        string.Equals(fontName, Name, StringComparison.OrdinalIgnoreCase) ? Typeface.Value : null;

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        string.Equals(fontName, Name, StringComparison.OrdinalIgnoreCase) ? Typeface.Value : null;

    private static SKTypeface Load()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded font {ResourceName} is missing.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"The embedded font {ResourceName} cannot be read.");
    }
}
