namespace Parley.TestServer;

/// <summary>Token counts reported for one reply.</summary>
/// <remarks>
/// <see cref="HasDetails"/>: whether <c>prompt_tokens_details</c> / <c>completion_tokens_details</c> are sent. OpenAI
/// always sends them; many compatible servers do not. A script that names cached or reasoning tokens gets them.
/// </remarks>
internal readonly record struct Usage(int PromptTokens, int CompletionTokens, int CachedTokens, int ReasoningTokens, bool HasDetails = true);
