namespace Parley.Server;

/// <summary>
/// What a request will use at most, known before it is sent: the model as the client named it, the exact prompt
/// tokens, the most the answer may use (<c>max_tokens</c>/<c>max_completion_tokens</c>, else the model's maximum output)
/// and the worst-case cost of both (null when the model's price is unknown).
/// </summary>
internal sealed record GateRequest(string Model, long PromptTokens, long MaxOutputTokens, decimal? WorstCaseCostUsd);
