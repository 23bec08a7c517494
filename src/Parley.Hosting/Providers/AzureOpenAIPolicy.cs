using System.ClientModel.Primitives;

namespace Parley.Hosting;

/// <summary>
/// Adapts the official OpenAI SDK to Azure OpenAI's wire shape: <c>api-version</c> on every request and the key in
/// the <c>api-key</c> header instead of <c>Authorization: Bearer</c>. Runs just before the transport.
/// </summary>
internal sealed class AzureOpenAIPolicy : PipelinePolicy
{
    private readonly string _apiKey;
    private readonly string _apiVersion;

    public AzureOpenAIPolicy(string apiKey, string apiVersion)
    {
        _apiKey = apiKey;
        _apiVersion = apiVersion;
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        var request = message.Request;
        request.Headers.Remove("Authorization");
        request.Headers.Set("api-key", _apiKey);
        if (request.Uri is { } uri && !uri.Query.Contains("api-version=", StringComparison.Ordinal))
        {
            var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.Uri = new Uri(uri.AbsoluteUri + separator + "api-version=" + Uri.EscapeDataString(_apiVersion));
        }
    }
}
