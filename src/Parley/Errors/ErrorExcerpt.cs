using System.Text;

namespace Parley;

/// <summary>
/// Bounds text a server sent about a failure (an error body can be megabytes): the first
/// <see cref="MaxCharacters"/> characters, then <c>… (N bytes more)</c>.
/// </summary>
internal static class ErrorExcerpt
{
    /// <summary>The most characters of a server's error text that are kept.</summary>
    public const int MaxCharacters = 4096;

    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxCharacters)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[MaxCharacters - 1]) ? MaxCharacters - 1 : MaxCharacters;
        var more = Encoding.UTF8.GetByteCount(text.AsSpan(cut));
        return $"{text[..cut]}… ({more} bytes more)";
    }
}
