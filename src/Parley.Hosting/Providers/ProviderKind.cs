namespace Parley.Hosting;

/// <summary>The wire protocol a provider speaks.</summary>
public enum ProviderKind
{
    /// <summary>api.openai.com (or <c>OPENAI_BASE_URL</c>), bearer key required.</summary>
    OpenAI,

    /// <summary>Any server that speaks the OpenAI Chat Completions protocol (Ollama /v1, vLLM, LM Studio, llama.cpp).</summary>
    OpenAICompatible,

    /// <summary>Azure OpenAI: deployment URLs, <c>api-version</c> query and <c>api-key</c> header.</summary>
    AzureOpenAI,

    /// <summary>Ollama's native API (<c>/api/chat</c>, <c>/api/tags</c>, <c>/api/show</c>) through OllamaSharp; no key.</summary>
    Ollama,

    /// <summary>A GGUF model file run in-process through llama.cpp (Parley.Llama); the model is the file's path or a <c>gguf</c> alias. No key, no server.</summary>
    Gguf,
}
