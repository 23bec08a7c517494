using System.Text;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Parley.Llama;

/// <summary>
/// Turns messages into the tokens the model is fed: llama.cpp's chat template (the file's, a named override, or
/// ChatML when the file has none or llama.cpp does not know it), tokenized with the model's own vocabulary, control
/// tokens parsed. The one place prompts are rendered: the chat client feeds what the counter counts.
/// </summary>
internal sealed class GgufPromptRenderer
{
    private const string ChatMLName = "chatml";

    private readonly LLamaWeights _weights;
    private readonly string? _templateName; // null: the model's own

    public GgufPromptRenderer(LLamaWeights weights, string? templateOverride)
    {
        _weights = weights;
        _templateName = templateOverride;
        if (templateOverride is null && !ModelTemplateWorks(weights))
        {
            _templateName = ChatMLName;
        }

        TemplateName = _templateName ?? "the file's";
    }

    /// <summary>The template in use, for diagnostics.</summary>
    public string TemplateName { get; }

    /// <summary>The prompt's tokens: every message rendered, then the reply prompt.</summary>
    public LLamaToken[] PromptTokens(IReadOnlyList<ChatMessage> messages) =>
        Tokenize(Render(messages, addAssistant: true), addBos: _weights.Vocab.ShouldAddBOS);

    /// <summary>The tokens of a text alone, control-token text counted as plain text.</summary>
    public int CountText(string text) => Tokenize(text, addBos: false, special: false).Length;

    /// <summary>The number of <see cref="PromptTokens"/>.</summary>
    public int CountPrompt(IReadOnlyList<ChatMessage> messages) => PromptTokens(messages).Length;

    private string Render(IReadOnlyList<ChatMessage> messages, bool addAssistant)
    {
        var template = _templateName is null ? new LLamaTemplate(_weights, strict: false) : new LLamaTemplate(_templateName);
        template.AddAssistant = addAssistant;
        foreach (var message in messages)
        {
            template.Add(message.Role.Value, message.Text);
        }

        return messages.Count == 0 && !addAssistant ? string.Empty : Encoding.UTF8.GetString(template.Apply());
    }

    private LLamaToken[] Tokenize(string text, bool addBos, bool special = true) =>
        text.Length == 0 && !addBos ? [] : _weights.Tokenize(text, addBos, special, Encoding.UTF8);

    private static bool ModelTemplateWorks(LLamaWeights weights)
    {
        try
        {
            var template = new LLamaTemplate(weights, strict: true) { AddAssistant = true };
            template.Add("user", "hi");
            _ = template.Apply();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
