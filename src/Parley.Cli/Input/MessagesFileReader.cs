using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>Loads <c>--messages FILE.json</c>: an OpenAI messages array used as the starting history.</summary>
internal static class MessagesFileReader
{
    public static async Task<IReadOnlyList<ChatMessage>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await InputReader.ReadFileTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read the messages file {path}: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Reads an OpenAI messages array (or an object with <c>messages</c>); bad JSON or a bad message is a usage error.</summary>
    /// <exception cref="CliUsageException">The text is not a messages array or an object with <c>messages</c>.</exception>
    public static IReadOnlyList<ChatMessage> Parse(string text, string source)
    {
        try
        {
            return OpenAIMessageFormat.Parse(text, source);
        }
        catch (FormatException e)
        {
            throw new CliUsageException(e.Message);
        }
    }

    /// <summary>
    /// Splits a loaded history into the system prompt, the starting messages and a final user message, which becomes
    /// the prompt when none is given. A prompt given on the command line is its own user message: the file's final
    /// user message then stays in the starting messages, unchanged. A <c>-s</c> flag replaces the file's system message.
    /// </summary>
    public static (string? System, List<ChatMessage> Initial, string? FinalUser) Split(IReadOnlyList<ChatMessage> messages, string? systemFlag, bool promptGiven)
    {
        var initial = new List<ChatMessage>(messages);
        string? system = systemFlag;
        if (initial.Count > 0 && initial[0].Role == ChatRole.System)
        {
            system ??= initial[0].Text;
            initial.RemoveAt(0);
        }

        string? finalUser = null;
        if (!promptGiven && initial.Count > 0 && initial[^1].Role == ChatRole.User)
        {
            finalUser = initial[^1].Text;
            initial.RemoveAt(initial.Count - 1);
        }

        return (system, initial, finalUser);
    }
}
