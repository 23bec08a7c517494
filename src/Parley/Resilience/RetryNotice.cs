using System.Globalization;

namespace Parley;

/// <summary>
/// A retry about to happen: what failed, which retry this is, and how long Parley waits first. Internal since retries
/// are logged (<see cref="ParleyTelemetry.Retrying"/>); it words the line the CLI prints.
/// </summary>
internal sealed record RetryNotice
{
    /// <summary>Which retry this is (1 for the first retry, up to <see cref="MaxRetries"/>).</summary>
    public required int Attempt { get; init; }

    /// <summary>How many retries are allowed in total.</summary>
    public required int MaxRetries { get; init; }

    /// <summary>How long Parley waits before sending the request again.</summary>
    public required TimeSpan Delay { get; init; }

    /// <summary>The failure that is retried.</summary>
    public required ParleyApiException Error { get; init; }

    /// <summary>The wait the server asked for (<c>retry-after</c>), or null when it named none.</summary>
    public TimeSpan? RequestedDelay { get; init; }

    /// <summary>True when the server asked for a longer wait than the allowed maximum, so <see cref="Delay"/> is shorter.</summary>
    public bool IsCapped { get; init; }

    /// <summary>
    /// One line for the user, e.g. <c>rate limited (429); retrying in 2.0 s (1/3)</c>,
    /// <c>server error (503); retrying in 1.3 s (2/3)</c>, <c>connection refused; retrying in 0.4 s (1/3)</c>, or, when
    /// capped, <c>rate limited (429); retrying in 60.0 s (1/3; the server asked for 300.0 s, capped)</c>.
    /// </summary>
    public string Describe() => Describe(Reason(Error), Delay, Attempt, MaxRetries, RequestedDelay, IsCapped);

    /// <summary>The line of <see cref="Describe()"/> from its parts (also read back from a logged retry).</summary>
    internal static string Describe(string reason, TimeSpan delay, int attempt, int maxRetries, TimeSpan? requestedDelay, bool isCapped)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{reason}; retrying in {delay.TotalSeconds:0.0} s ({attempt}/{maxRetries}");
        return isCapped && requestedDelay is { } requested
            ? string.Create(CultureInfo.InvariantCulture, $"{line}; the server asked for {requested.TotalSeconds:0.0} s, capped)")
            : line + ")";
    }

    /// <summary>What failed, in a few words (e.g. <c>rate limited (429)</c>).</summary>
    internal static string Reason(ParleyApiException error) => error.Kind switch
    {
        ApiFailureKind.HttpError => error.StatusCode switch
        {
            429 => "rate limited (429)",
            408 => "request timeout (408)",
            409 => "conflict (409)",
            >= 500 and <= 599 => $"server error ({error.StatusCode})",
            { } status => $"HTTP error ({status})",
            null => "HTTP error",
        },
        ApiFailureKind.ConnectionRefused => "connection refused",
        ApiFailureKind.ConnectionFailed => "connection failed",
        ApiFailureKind.Timeout => "connection timed out",
        ApiFailureKind.HostNotFound => "host not found",
        ApiFailureKind.Tls => "TLS handshake failed",
        ApiFailureKind.InvalidResponse => "invalid response",
        ApiFailureKind.StreamInterrupted => "stream interrupted",
        _ => "request failed",
    };
}
