using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests.Conformance;

/// <summary>
/// Every recorded success answer (OpenAI non-stream and stream, Ollama <c>/v1</c> JSON and SSE) replayed byte-exact by
/// the loopback server and read through <see cref="ChatClientFactory"/> + <see cref="ChatSession"/>: the text, finish
/// reason, model, id, usage and refusal must be exactly what the recorded body says; tool-call answers are read
/// without crashing.
/// </summary>
/// <remarks>
/// Decisions, pinned here:
/// <list type="bullet">
/// <item><c>n</c> &gt; 1: Parley reads choice 0 (its text, finish reason); usage covers all choices, as the server reports it.</item>
/// <item>Refusal (<c>message.refusal</c> / <c>delta.refusal</c>, content null): the turn completes with finish reason
/// <c>stop</c> and the usage; <see cref="ChatTurn.Refusal"/> is the recorded refusal and, as there is no content, the
/// answer's text too. A streaming caller sees it piece by piece through <see cref="ChatTurn.RefusalIn"/>.
/// An answer that apologises in its content (no <c>refusal</c> field) is not a refusal.</item>
/// <item>Legacy <c>finish_reason: function_call</c> is reported as <c>tool_calls</c> (MEAI has no separate reason).</item>
/// <item>A stream that ends without <c>data: [DONE]</c> but after a finish reason (the Ollama <c>/v1</c> fragment) is
/// complete; a stream that ends with neither is interrupted and keeps its partial text (see the truncation test).</item>
/// </list>
/// </remarks>
public sealed class RecordedExchangeConformanceTests
{
    private const string Prompt = "Replay the recorded answer.";

    public static TheoryData<string> Exchanges => new(FixtureCatalog.ExchangeIds);

    public static TheoryData<string> StreamingExchanges => new(FixtureCatalog.StreamingExchangeIds);

    [SkippableTheory]
    [MemberData(nameof(Exchanges))]
    public async Task Session_RecordedAnswer_ReadsExactTextFinishReasonAndUsage(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var exchange = FixtureCatalog.Exchange(id);
        var expected = exchange.Answer;
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.FromFixture(exchange.BasePath));
        var model = exchange.RequestModel ?? "gpt-4o-mini";
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server, model));
        var session = new ChatSession(client, new ChatSessionOptions { Model = model });

        var shown = await RunTurnAsync(session, exchange.Streaming);

        var turn = Assert.IsType<ChatTurn>(session.LastTurn);
        Assert.Equal(exchange.Streaming, Assert.Single(server.Requests).Stream);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Null(turn.Error);
        Assert.Equal(expected.ExpectedText, turn.Text);
        Assert.Equal(expected.Refusal, turn.Refusal);
        Assert.Equal(turn.Text, shown);
        Assert.Equal(expected.ExpectedFinishReason, turn.FinishReason?.Value);
        Assert.Equal(expected.Model, turn.ModelId);
        Assert.Equal(expected.Id, turn.ResponseId);
        AssertUsage(expected.Usage, turn.Usage);
        Assert.Same(turn.AssistantMessage, session.History[^1]);
    }

    [SkippableTheory]
    [MemberData(nameof(StreamingExchanges))]
    public async Task Session_RecordedStreamCutBeforeFinish_InterruptedWithPartialText(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        // The recorded events up to (not including) the first one that carries a finish_reason: the connection then
        // closes cleanly, with no finish reason, no usage chunk and no [DONE].
        var exchange = FixtureCatalog.Exchange(id);
        var frames = SseEvents.Frames(exchange.Body);
        var truncated = string.Concat(frames.TakeWhile(f => !EndsAnswer(f)));
        var partial = RecordedAnswer.FromSse(truncated);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(200, "text/event-stream; charset=utf-8", truncated));
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server, exchange.RequestModel ?? "gpt-4o-mini"));
        var session = new ChatSession(client);
        var shown = new StringBuilder();

        var error = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var update in session.StreamAsync(Prompt))
            {
                shown.Append(update.Text).Append(ChatTurn.RefusalIn(update));
            }
        });

        // The exception's partial text is the content received; a refusal cut short is kept by the turn.
        Assert.Equal(ApiFailureKind.StreamInterrupted, error.Kind);
        Assert.Equal(partial.Content, error.PartialText);
        Assert.Equal(partial.ExpectedText, shown.ToString());
        var turn = Assert.IsType<ChatTurn>(session.LastTurn);
        Assert.Equal(partial.ExpectedText.Length > 0 ? TurnStatus.Interrupted : TurnStatus.Failed, turn.Status);
        Assert.Equal(partial.ExpectedText, turn.Text);
        Assert.Equal(partial.Refusal, turn.Refusal);
    }

    [SkippableFact]
    public async Task Session_OllamaV1FragmentWithoutDone_CompleteWithToolCallFinish()
    {
        // The only Ollama /v1 stream on record is three events with no [DONE] (the recorder kept no more). Its last
        // event carries finish_reason "tool_calls": the answer is complete, so Parley reports it complete — the
        // [DONE] sentinel is transport framing, the finish reason is what says the model finished.
        var fragments = FixtureCatalog.Exchanges.Where(e => e.SseBody && !e.Answer.Done).ToList();
        Skip.If(FixtureRoot.SkipReason is not null, FixtureRoot.SkipReason);

        var fragment = Assert.Single(fragments, e => e.Id.StartsWith(FixtureCatalog.OllamaFolder + "/", StringComparison.Ordinal));
        Assert.True(fragment.Answer.HasToolCalls);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.FromFixture(fragment.BasePath));
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server, fragment.Answer.Model!));
        var session = new ChatSession(client);

        await RunTurnAsync(session, streaming: true);

        var turn = Assert.IsType<ChatTurn>(session.LastTurn);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal(ChatFinishReason.ToolCalls, turn.FinishReason);
        Assert.Equal(string.Empty, turn.Text);
        Assert.Null(turn.Usage);
    }

    internal static async Task<string> RunTurnAsync(ChatSession session, bool streaming)
    {
        if (!streaming)
        {
            return (await session.SendAsync(Prompt)).Text;
        }

        // What a caller that shows the answer live prints: the text, and a refusal's pieces as they arrive.
        var shown = new StringBuilder();
        await foreach (var update in session.StreamAsync(Prompt))
        {
            shown.Append(update.Text).Append(ChatTurn.RefusalIn(update));
        }

        return shown.ToString();
    }

    private static bool EndsAnswer(string frame) => SseEvents.Data(frame).Any(data =>
    {
        if (data == "[DONE]")
        {
            return true;
        }

        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
            && choices.EnumerateArray().Any(c => c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String);
    });

    private static void AssertUsage(RecordedUsage? expected, UsageDetails? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Prompt, actual.InputTokenCount);
        Assert.Equal(expected.Completion, actual.OutputTokenCount);
        Assert.Equal(expected.Total, actual.TotalTokenCount);
        Assert.Equal(expected.Cached, actual.CachedInputTokenCount);
        Assert.Equal(expected.Reasoning, actual.ReasoningTokenCount);
    }
}
