using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Prices input images with OpenAI's published vision formulas. The image size comes from the bytes of a
/// <see cref="DataContent"/> (PNG, JPEG, GIF, WebP headers) or from <c>width</c>/<c>height</c> additional properties;
/// an image of unknown size is assumed to be 1024×1024 and the count is marked as an estimate.
/// </summary>
internal static class ImageTokenEstimator
{
    private const int AssumedSide = 1024;
    private const int MaxPatches = 1536;

    /// <summary>The rule applied when a model's rule is unknown: the gpt-4o tile rule.</summary>
    public static ImageTokenRule FallbackRule { get; } = new(85, 170);

    /// <summary>True for contents that are images.</summary>
    public static bool IsImage(AIContent content) => content switch
    {
        DataContent data => data.HasTopLevelMediaType("image"),
        UriContent uri => uri.HasTopLevelMediaType("image"),
        _ => false,
    };

    /// <summary>Counts one image; <paramref name="exact"/> is false when the size or the rule had to be assumed.</summary>
    public static int Count(AIContent image, ImageTokenRule? rule, out bool exact)
    {
        exact = rule is not null;
        rule ??= FallbackRule;
        string? detail = image.AdditionalProperties?.TryGetValue("detail", out object? d) == true ? d?.ToString() : null;

        if (!TryGetSize(image, out int width, out int height))
        {
            exact = false;
            (width, height) = (AssumedSide, AssumedSide);
        }

        return Count(rule, width, height, detail);
    }

    /// <summary>Applies the tile or patch rule to an image of the given size.</summary>
    public static int Count(ImageTokenRule rule, int width, int height, string? detail)
    {
        if (width <= 0 || height <= 0)
        {
            return rule.BaseTokens;
        }

        if (rule.PatchMultiplier is double multiplier)
        {
            return (int)Math.Ceiling(Patches(width, height) * multiplier);
        }

        if (string.Equals(detail, "low", StringComparison.OrdinalIgnoreCase))
        {
            return rule.BaseTokens;
        }

        // Fit in 2048×2048, then bring the shortest side down to 768 (images are never scaled up).
        double w = width, h = height;
        if (Math.Max(w, h) > 2048)
        {
            double scale = 2048 / Math.Max(w, h);
            (w, h) = (w * scale, h * scale);
        }

        if (Math.Min(w, h) > 768)
        {
            double scale = 768 / Math.Min(w, h);
            (w, h) = (w * scale, h * scale);
        }

        int tiles = (int)Math.Ceiling(w / 512) * (int)Math.Ceiling(h / 512);
        return rule.BaseTokens + (rule.TileTokens * tiles);
    }

    private static int Patches(int width, int height)
    {
        int patches = Ceil(width, 32) * Ceil(height, 32);
        if (patches <= MaxPatches)
        {
            return patches;
        }

        // Scale down so that the image fits in 1536 patches, as the vision guide describes.
        double shrink = Math.Sqrt(32.0 * 32.0 * MaxPatches / ((double)width * height));
        double w = width * shrink, h = height * shrink;
        shrink = Math.Min(Math.Floor(w / 32) / (w / 32), Math.Floor(h / 32) / (h / 32));
        (w, h) = (w * shrink, h * shrink);
        return Math.Min(MaxPatches, (int)Math.Ceiling(w / 32) * (int)Math.Ceiling(h / 32));
    }

    private static int Ceil(int value, int unit) => (value + unit - 1) / unit;

    private static bool TryGetSize(AIContent image, out int width, out int height)
    {
        width = height = 0;
        if (image.AdditionalProperties is { } properties
            && properties.TryGetValue("width", out object? w) && properties.TryGetValue("height", out object? h)
            && TryInt(w, out width) && TryInt(h, out height))
        {
            return true;
        }

        return image is DataContent data && TryReadSize(data.Data.Span, out width, out height);
    }

    private static bool TryInt(object? value, out int result)
    {
        result = value switch
        {
            int i => i,
            long l when l is > 0 and < int.MaxValue => (int)l,
            string s when int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out int p) => p,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e when e.TryGetInt32(out int j) => j,
            _ => 0,
        };
        return result > 0;
    }

    /// <summary>Reads the pixel size from a PNG, GIF, JPEG or WebP header (<see cref="ImageFormat.TryReadSize"/>).</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height) => ImageFormat.TryReadSize(data, out width, out height);
}
