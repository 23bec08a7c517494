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

    public static string Of(string text) => Of(text, MaxCharacters);

    /// <summary>The first <paramref name="maxCharacters"/> characters of <paramref name="text"/>, then how many bytes were left out.</summary>
    public static string Of(string text, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCharacters, 2);
        if (text.Length <= maxCharacters)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxCharacters - 1]) ? maxCharacters - 1 : maxCharacters;
        var more = Encoding.UTF8.GetByteCount(text.AsSpan(cut));
        return $"{text[..cut]}… ({more} bytes more)";
    }
}
