namespace Parley;

/// <summary>The base of Parley's own errors: each carries a message meant for the user.</summary>
public class ParleyException : Exception
{
    /// <summary>Creates the error.</summary>
    public ParleyException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
