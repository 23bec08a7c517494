namespace Parley.Server;

/// <summary>
/// An error in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c> with its HTTP status and any headers
/// it needs (<c>Retry-After</c>, <c>x-should-retry</c>).
/// </summary>
internal sealed record GatewayError(int Status, string Type, string Code, string Message, string? Param = null)
{
    /// <summary>Response headers sent with the error.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
