using Microsoft.Extensions.AI;

namespace Parley.Tests.Context;

/// <summary>Crafted conversations for the policy tests, counted with gpt-4o-mini's exact tokenizer.</summary>
internal static class ContextHistories
{
    public static readonly TokenCounter Counter = new();

    public static ModelInfo Model => ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;

    public static ChatMessage Sys(string text = "You are a helpful assistant.") => new(ChatRole.System, text);

    public static ChatMessage User(string text) => new(ChatRole.User, text);

    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    public static ChatMessage Call(string id, string name = "get_weather") =>
        new(ChatRole.Assistant, [new FunctionCallContent(id, name, new Dictionary<string, object?> { ["city"] = "Paris" })]);

    public static ChatMessage Result(string id, string result = "sunny, 21 degrees") =>
        new(ChatRole.Tool, [new FunctionResultContent(id, result)]);

    /// <summary>Roughly <paramref name="words"/> tokens of text (each word is one o200k token).</summary>
    public static string Words(int words, string word = "apple") => string.Join(' ', Enumerable.Repeat(word, words));

    /// <summary>system, then <paramref name="turns"/> question/answer pairs of about <paramref name="words"/> tokens each, then a question.</summary>
    public static List<ChatMessage> Conversation(int turns, int words = 40)
    {
        var messages = new List<ChatMessage> { Sys() };
        for (var i = 0; i < turns; i++)
        {
            messages.Add(User($"question {i} " + Words(words)));
            messages.Add(Assistant($"answer {i} " + Words(words, "pear")));
        }

        messages.Add(User("the newest question"));
        return messages;
    }

    public static ContextBudget Budget(int window, int reserve) =>
        ContextBudget.For(Model, Counter, reserve, window)!;

    public static int PromptTokens(IEnumerable<ChatMessage> messages) => Counter.CountPrompt(messages, Model).Value;
}
