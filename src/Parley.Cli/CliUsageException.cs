namespace Parley.Cli;

/// <summary>The command line or its input is wrong: exit code 2 with a message that says what and where.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }
}
