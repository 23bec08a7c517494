namespace Parley.Server;

/// <summary>Where a request goes: the resolved provider, its chat URL, the pooled client and the model as the upstream names it.</summary>
internal sealed record UpstreamRoute(ResolvedProvider Provider, Uri ChatUrl, HttpClient Client, ModelInfo Model)
{
    /// <summary>The model id sent upstream (aliases and the <c>provider:</c> prefix resolved).</summary>
    public string UpstreamModel => Provider.Model;
}
