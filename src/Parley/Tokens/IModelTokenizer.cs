using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// A model's own tokenizer and chat template, for a model loaded in-process (a GGUF file): counts are what the model
/// will really be fed, so <see cref="TokenCounter"/> reports them as exact. Set on <see cref="ModelInfo.Tokenizer"/>.
/// </summary>
internal interface IModelTokenizer
{
    /// <summary>The tokens of <paramref name="text"/> alone, special tokens counted as plain text.</summary>
    int CountText(string text);

    /// <summary>The tokens of one message rendered by the chat template (its share of a prompt).</summary>
    int CountMessage(ChatMessage message);

    /// <summary>The tokens of the whole prompt the model is fed: the messages rendered by the chat template and the reply prompt.</summary>
    int CountPrompt(IReadOnlyList<ChatMessage> messages);
}
