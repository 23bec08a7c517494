namespace Parley.Llama;

/// <summary>A GGUF file that cannot be used: missing, unreadable, not a GGUF model, or refused by llama.cpp.</summary>
public sealed class GgufModelException : ParleyException
{
    /// <summary>Creates the error.</summary>
    /// <param name="path">The file.</param>
    /// <param name="message">What is wrong, for the user.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public GgufModelException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
}
