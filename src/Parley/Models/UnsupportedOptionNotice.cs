namespace Parley;

/// <summary>
/// A request option the caller set that <see cref="ModelCapabilitiesChatClient"/> did not send, because the model
/// rejects it (e.g. <c>temperature</c> for o-series and gpt-5 models).
/// </summary>
/// <param name="ModelId">The model the request was for.</param>
/// <param name="Option">The option's wire name: <c>temperature</c>, <c>top_p</c> or <c>reasoning_effort</c>.</param>
internal sealed record UnsupportedOptionNotice(string ModelId, string Option)
{
    /// <summary>The <c>temperature</c> option.</summary>
    public const string Temperature = "temperature";

    /// <summary>The <c>top_p</c> option.</summary>
    public const string TopP = "top_p";

    /// <summary>The <c>reasoning_effort</c> option.</summary>
    public const string ReasoningEffort = "reasoning_effort";

    /// <summary>One line for the user, e.g. <c>o3-mini does not accept temperature; it was not sent</c>.</summary>
    /// <returns>The line.</returns>
    public string Describe() => $"{ModelId} does not accept {Option}; it was not sent";
}
