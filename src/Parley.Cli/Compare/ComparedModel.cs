namespace Parley.Cli;

/// <summary>One model to compare: how it was named, where it runs, and what is known about it before the first request.</summary>
/// <param name="Label">The <c>-m</c> value as given.</param>
/// <param name="Provider">The resolved provider (its model is the one requested).</param>
/// <param name="Info">Catalog facts; for Ollama the context window from <c>/api/show</c>, and no per-token price.</param>
/// <param name="Catalog">The catalog as it applies to this provider (prices for the session).</param>
/// <param name="Installed">For Ollama: the installed model's details; otherwise null.</param>
/// <param name="WindowSource">Where the context window comes from (<c>Ollama /api/show</c>, <c>catalog</c>, <c>unknown</c>).</param>
internal sealed record ComparedModel(
    string Label,
    ResolvedProvider Provider,
    ModelInfo Info,
    ModelCatalog Catalog,
    OllamaInstalledModel? Installed,
    string WindowSource)
{
    /// <summary>True when the server is on this machine or the local network (loopback or private address).</summary>
    public bool IsLocal => HostKinds.Of(Provider.BaseUrl) != HostKind.Public;
}
