namespace Parley;

/// <summary>
/// A provider call failed. Carries what the server said (OpenAI's error shape: <c>error.message</c>, <c>type</c>,
/// <c>code</c>) and the headers that matter for retries. Its message never contains the API key.
/// </summary>
public sealed class ParleyApiException : ParleyException
{
    /// <summary>Creates the error.</summary>
    public ParleyApiException(
        ApiFailureKind kind,
        string message,
        int? statusCode = null,
        string? errorType = null,
        string? errorCode = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        ErrorType = errorType;
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The kind of failure.</summary>
    public ApiFailureKind Kind { get; }

    /// <summary>The HTTP status, when the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary><c>error.type</c> from the body (e.g. <c>invalid_request_error</c>).</summary>
    public string? ErrorType { get; }

    /// <summary><c>error.code</c> from the body (e.g. <c>context_length_exceeded</c>, <c>insufficient_quota</c>).</summary>
    public string? ErrorCode { get; }

    /// <summary>The wait the server asked for (<c>retry-after-ms</c> or <c>retry-after</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The part of the answer that arrived before a stream broke (empty otherwise).</summary>
    public string PartialText { get; init; } = string.Empty;

    /// <summary>True when the account has no credit left (429 <c>insufficient_quota</c>): retrying cannot help.</summary>
    public bool IsInsufficientQuota => string.Equals(ErrorCode, "insufficient_quota", StringComparison.Ordinal)
        || string.Equals(ErrorType, "insufficient_quota", StringComparison.Ordinal);

    /// <summary>True when the prompt did not fit the model's context window.</summary>
    public bool IsContextLengthExceeded => string.Equals(ErrorCode, "context_length_exceeded", StringComparison.Ordinal)
        || (StatusCode is 400 or 413 && ContextLimitParser.LooksLikeContextError(Message));
}
