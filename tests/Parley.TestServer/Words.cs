namespace Parley.TestServer;

/// <summary>The server's deterministic stand-in for a tokenizer: whitespace-separated words.</summary>
internal static class Words
{
    /// <summary>Number of whitespace-separated words.</summary>
    public static int Count(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
                inWord = false;
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }
        return count;
    }

    /// <summary>Prompt size: words of all message contents + 3 per message + 3.</summary>
    public static int PromptSize(IReadOnlyList<(string Role, string Content)> messages)
    {
        var total = 3;
        foreach (var (_, content) in messages)
            total += Count(content) + 3;
        return total;
    }

    /// <summary>Splits into one piece per word, each with its trailing whitespace (leading whitespace joins the first piece).</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
                i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            pieces.Add(text[start..i]);
            start = i;
        }
        if (start < text.Length)
            pieces.Add(text[start..]);
        return pieces;
    }
}
