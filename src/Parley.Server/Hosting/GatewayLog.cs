using Microsoft.Extensions.Logging;

namespace Parley.Server;

/// <summary>The gateway's log events: one line each, masked of secrets, without stack traces.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "a request failed unexpectedly: {ExceptionType}: {Message}")]
    public static partial void Unexpected(ILogger logger, string exceptionType, string message);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "the database is unavailable, the request got 503: {Message}")]
    public static partial void StorageUnavailable(ILogger logger, string message);
}
