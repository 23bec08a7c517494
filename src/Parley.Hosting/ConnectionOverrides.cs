namespace Parley.Hosting;

/// <summary>What the user gave on the command line (each null when not given); these win over everything else.</summary>
public sealed record ConnectionOverrides
{
    /// <summary><c>--provider NAME</c>.</summary>
    public string? Provider { get; init; }

    /// <summary><c>-m MODEL</c> or <c>-m provider:model</c>.</summary>
    public string? Model { get; init; }

    /// <summary><c>--base-url URL</c>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary><c>--api-key KEY</c>.</summary>
    public string? ApiKey { get; init; }
}
