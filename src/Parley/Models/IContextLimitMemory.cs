namespace Parley;

/// <summary>
/// Remembers the context limits servers enforce, per endpoint and model, so a limit learned from one context-length
/// error trims the history of every later session with that server (<see cref="ChatSessionOptions.ContextLimits"/>).
/// A limit is never shared between endpoints: the same model name on another server has its own.
/// <see cref="LearnedModelFacts"/> keeps them in a file in the data directory.
/// </summary>
public interface IContextLimitMemory
{
    /// <summary>The limit learned for <paramref name="model"/> at <paramref name="endpoint"/>, or null when none.</summary>
    /// <param name="endpoint">The server's base URL (the client's <c>ChatClientMetadata.ProviderUri</c>).</param>
    /// <param name="model">The model's catalog id.</param>
    /// <returns>The limit in tokens, or null.</returns>
    int? Recall(Uri endpoint, string model);

    /// <summary>Keeps the limit a server named in a context-length error.</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="model">The model's catalog id.</param>
    /// <param name="limit">The limit in tokens (positive).</param>
    void Remember(Uri endpoint, string model, int limit);
}
