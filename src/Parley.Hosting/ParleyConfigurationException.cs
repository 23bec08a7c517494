namespace Parley.Hosting;

/// <summary>The settings are incomplete or wrong (a usage error: the user can fix it without a retry).</summary>
public sealed class ParleyConfigurationException : ParleyException
{
    /// <summary>Creates the error.</summary>
    public ParleyConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
