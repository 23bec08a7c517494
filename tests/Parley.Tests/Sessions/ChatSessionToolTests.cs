using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>
/// Tools in a <see cref="ChatSession"/>: the tool loop (Microsoft.Extensions.AI's FunctionInvokingChatClient) keeps each
/// round's calls and results in the history, counts tool definitions in the preflight, and the context policy never
/// sends a result without its call (or a call without its results).
/// </summary>
public class ChatSessionToolTests
{
    private static readonly ModelCatalog SmallWindow = ModelCatalog.Parse("""
        { "models": { "small": { "context_window": 1000, "max_output_tokens": 100, "encoding": "o200k_base",
                                 "input_per_million": 1, "output_per_million": 1 } } }
        """);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_ModelCallsATool_HistoryHoldsTheCallItsResultAndTheAnswer(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(40, new ToolCall("call_1", "get_weather", """{"city":"Oslo"}""")));
        server.Enqueue(ScriptedResponse.Text("Sunny in Oslo.", promptTokens: 60, completionTokens: 4));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            ChatOptions = new ChatOptions { Tools = [Weather()] },
        });

        var turn = await RunTurn(session, "weather?", streaming);

        Assert.Equal("Sunny in Oslo.", turn.Text);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], session.History.Select(m => m.Role));
        Assert.Equal("call_1", Assert.Single(session.History[1].Contents.OfType<FunctionCallContent>()).CallId);
        Assert.Equal("Oslo: sunny", Assert.Single(session.History[2].Contents.OfType<FunctionResultContent>()).Result?.ToString());
        Assert.Equal(2, turn.ToolMessages.Count);
        Assert.Empty(turn.UnansweredToolCalls);
        Assert.Equal(100, turn.Usage?.InputTokenCount);
        Assert.Equal(14, turn.Usage?.OutputTokenCount);
        Assert.Equal(100, session.Usage.InputTokens);
    }

    [Fact]
    public async Task Turn_ToolDefinitionsDoNotFitTheWindow_RefusedBeforeSending()
    {
        await using var server = await LoopbackServer.StartAsync();
        var huge = AIFunctionFactory.Create((string city) => city, "lookup", string.Join(' ', Enumerable.Repeat("weather", 1500)));
        var session = new ChatSession(ServerClients.Create(server, "small"), new ChatSessionOptions
        {
            Model = "small",
            Catalog = SmallWindow,
            Context = ContextPolicy.KeepAll(),
            ChatOptions = new ChatOptions { Tools = [huge] },
        });

        var e = await Assert.ThrowsAsync<ContextWindowExceededException>(() => session.SendAsync("hi"));

        Assert.Empty(server.Requests);
        Assert.True(e.PromptTokens > 1000, e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LongConversationWithToolRounds_TrimmingPolicy_NeverSplitsACallFromItsResults(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server, "small"), new ChatSessionOptions
        {
            Model = "small",
            Catalog = SmallWindow,
            Context = ContextPolicy.TokenBudget(),
            ChatOptions = new ChatOptions { Tools = [Weather(padding: 60)] },
        });

        for (var i = 0; i < 12; i++)
        {
            server.Enqueue(ScriptedResponse.ToolCalls(
                new ToolCall($"call_{i}a", "get_weather", $$"""{"city":"City{{i}}"}"""),
                new ToolCall($"call_{i}b", "get_weather", $$"""{"city":"Town{{i}}"}""")));
            server.Enqueue(ScriptedResponse.Text($"Answer {i}."));
            await RunTurn(session, $"question {i}", streaming);
        }

        Assert.Equal(24, server.Requests.Count);
        Assert.Contains(server.Requests, r => r.Json!.Value.GetProperty("messages").GetArrayLength() < session.History.Count);
        foreach (var request in server.Requests)
        {
            var messages = request.Json!.Value.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal("user", messages[0].GetProperty("role").GetString()); // a cut history starts with a question
            var called = new HashSet<string>();
            var answered = new HashSet<string>();
            foreach (var message in messages)
            {
                if (message.TryGetProperty("tool_calls", out var calls))
                {
                    Assert.Equal(called, answered); // every earlier call was answered before the next assistant message
                    called.UnionWith(calls.EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
                }

                if (message.GetProperty("role").GetString() == "tool")
                {
                    var id = message.GetProperty("tool_call_id").GetString()!;
                    Assert.Contains(id, called); // no result without its call
                    answered.Add(id);
                }
            }

            Assert.Equal(called, answered); // no call without its results
        }
    }

    private static AIFunction Weather(int padding = 0) =>
        AIFunctionFactory.Create(
            (string city) => padding == 0 ? $"{city}: sunny" : $"{city}: sunny {string.Join(' ', Enumerable.Repeat("and warm", padding / 2))}",
            "get_weather",
            "Gets the weather of a city");

    private static async Task<ChatTurn> RunTurn(ChatSession session, string text, bool streaming)
    {
        if (!streaming)
        {
            return await session.SendAsync(text);
        }

        var stream = session.StreamAsync(text);
        await foreach (var _ in stream)
        {
        }

        return await stream.Turn;
    }
}
