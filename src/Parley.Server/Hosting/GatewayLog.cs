using Microsoft.Extensions.Logging;

namespace Parley.Server;

/// <summary>The gateway's log events: one line each, masked of secrets, without stack traces.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "a request failed unexpectedly: {ExceptionType}: {Message}")]
    public static partial void Unexpected(ILogger logger, string exceptionType, string message);
}
