using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace Parley.Cli;

/// <summary>
/// Draws the comparison with ScottPlot: latency (time to first token and total, seconds) and cost per answer (US
/// dollars), one pair of bars per model, side by side. PNG or SVG, chosen by the file's extension.
/// </summary>
internal static class ComparisonChart
{
    public const int Width = 1100;
    public const int Height = 480;

    /// <summary>The file extensions <see cref="Save"/> accepts.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".svg"];

    public static void Save(IReadOnlyList<ComparisonResult> results, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ChartFont.Use();
        var chart = Build(results);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        switch (extension)
        {
            case ".png":
                chart.SavePng(full, Width, Height);
                break;
            case ".svg":
                using (var file = File.Create(full))
                {
                    using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), file))
                    {
                        chart.Render(canvas, new PixelRect(0, Width, Height, 0));
                    }
                }

                break;
            default:
                throw new ArgumentException($"unsupported chart format '{extension}': use {string.Join(" or ", Extensions)}", nameof(path));
        }
    }

    internal static Multiplot Build(IReadOnlyList<ComparisonResult> results)
    {
        var chart = new Multiplot();
        chart.AddPlots(2);
        chart.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var latency = chart.GetPlot(0);
        var cost = chart.GetPlot(1);
        foreach (var plot in new[] { latency, cost })
        {
            plot.Font.Set(ChartFont.Name);
        }

        var positions = Enumerable.Range(0, results.Count).Select(i => (double)i).ToArray();
        var labels = results.Select(r => r.Model.Label).ToArray();
        var firstColor = Colors.SteelBlue;
        var totalColor = Colors.DarkOrange;

        var first = latency.Add.Bars(results.Select((r, i) => Bar(i - 0.2, Seconds(r.TimeToFirstToken), 0.38, firstColor, SecondsLabel(r.TimeToFirstToken))).ToArray());
        first.LegendText = "time to first token";
        var total = latency.Add.Bars(results.Select((r, i) => Bar(i + 0.2, Seconds(r.Total), 0.38, totalColor, SecondsLabel(r.Total))).ToArray());
        total.LegendText = "total";
        latency.Title("Latency (seconds, median)");
        latency.Axes.Bottom.SetTicks(positions, labels);
        latency.Axes.Margins(bottom: 0, top: 0.15);
        latency.ShowLegend(Edge.Bottom);

        cost.Add.Bars(results.Select((r, i) => Bar(i, (double)(r.CostUsd ?? 0m), 0.5, Colors.SeaGreen, CostLabel(r))).ToArray());
        cost.Title("Cost per answer (US dollars)");
        cost.Axes.Bottom.SetTicks(positions, labels);
        cost.Axes.Margins(bottom: 0, top: 0.15);
        cost.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = value => "$" + value.ToString("0.#######", CultureInfo.InvariantCulture),
        };
        if (results.All(r => (r.CostUsd ?? 0m) == 0m))
        {
            cost.Axes.SetLimitsY(0, 1e-4);
        }

        return chart;
    }

    private static Bar Bar(double position, double value, double size, Color color, string label) => new()
    {
        Position = position,
        Value = value,
        Size = size,
        FillColor = color,
        Label = label,
    };

    private static double Seconds(TimeSpan? time) => time?.TotalSeconds ?? 0;

    private static string SecondsLabel(TimeSpan? time) =>
        time is { } t ? t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a";

    private static string CostLabel(ComparisonResult result) => result.CostUsd switch
    {
        null => result.Succeeded ? "unknown" : "n/a",
        0m => "$0",
        { } cost => ComparisonReport.Cost(cost),
    };
}
