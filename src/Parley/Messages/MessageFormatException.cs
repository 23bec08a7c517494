namespace Parley;

/// <summary>A messages file is not a valid OpenAI messages array; the message says where.</summary>
public sealed class MessageFormatException : ParleyException
{
    /// <summary>Creates the error.</summary>
    public MessageFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
