namespace Parley.Hosting;

/// <summary>Hides secrets in text shown to users.</summary>
internal static class SecretMasker
{
    /// <summary>Masks a key, keeping only enough to recognise it (<c>sk-…abcd</c>).</summary>
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "(none)";
        }

        return secret.Length <= 12 ? "***" : $"{secret[..3]}…{secret[^4..]}";
    }

    /// <summary>Replaces every occurrence of <paramref name="secret"/> in <paramref name="text"/> with <c>***</c>.</summary>
    public static string Redact(string text, string? secret)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrEmpty(secret) || secret.Length < 4 ? text : text.Replace(secret, "***", StringComparison.Ordinal);
    }
}
