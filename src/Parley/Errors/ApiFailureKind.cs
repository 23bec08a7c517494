namespace Parley;

/// <summary>What went wrong talking to a provider.</summary>
public enum ApiFailureKind
{
    /// <summary>The server answered with an HTTP error status.</summary>
    HttpError,

    /// <summary>Nothing listens at the address.</summary>
    ConnectionRefused,

    /// <summary>The host name does not resolve.</summary>
    HostNotFound,

    /// <summary>The TLS handshake failed (certificate or protocol).</summary>
    Tls,

    /// <summary>The connection failed in another way before an answer arrived (reset, closed).</summary>
    ConnectionFailed,

    /// <summary>No answer, or no further chunk, within the allowed time.</summary>
    Timeout,

    /// <summary>The server answered with something that is not a valid response.</summary>
    InvalidResponse,

    /// <summary>The stream ended before the server finished the answer.</summary>
    StreamInterrupted,
}
