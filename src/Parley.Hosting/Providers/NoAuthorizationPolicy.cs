using System.ClientModel.Primitives;

namespace Parley.Hosting;

/// <summary>Removes the placeholder bearer token for servers that need no key (e.g. a local Ollama).</summary>
internal sealed class NoAuthorizationPolicy : PipelinePolicy
{
    public static NoAuthorizationPolicy Instance { get; } = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        message.Request.Headers.Remove("Authorization");
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        message.Request.Headers.Remove("Authorization");
        return ProcessNextAsync(message, pipeline, currentIndex);
    }
}
