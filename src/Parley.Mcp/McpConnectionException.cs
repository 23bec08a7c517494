namespace Parley.Mcp;

/// <summary>An MCP server could not be started, reached or asked for its tools. The message is one line naming the server.</summary>
public sealed class McpConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpConnectionException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public McpConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public McpConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
