namespace Parley.TestServer;

/// <summary>Token counts reported for one reply.</summary>
internal readonly record struct Usage(int PromptTokens, int CompletionTokens, int CachedTokens, int ReasoningTokens);
