using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests.Conformance;

/// <summary>Runs <c>parley</c> once against a recorded answer and checks what it printed against the recorded body.</summary>
internal static class CliReplay
{
    public const string Prompt = "Replay the recorded answer.";

    /// <summary>
    /// The non-streaming fixtures run through the CLI: the first (by name) of each feature signature — folder, finish
    /// reason, refusal, token details reported, cached tokens &gt; 0, reasoning tokens &gt; 0. Every fixture is read
    /// through the library; this sample keeps the number of processes down while covering every shape of answer.
    /// </summary>
    public static IReadOnlyList<RecordedExchange> NonStreamingSample => FixtureCatalog.Exchanges
        .Where(e => !e.SseBody)
        .GroupBy(e => (
            Folder: e.Id[..e.Id.IndexOf('/', StringComparison.Ordinal)],
            e.Answer.FinishReason,
            Refusal: e.Answer.Refusal is not null,
            Details: e.Answer.Usage?.Cached is not null,
            Cached: e.Answer.Usage?.Cached > 0,
            Reasoning: e.Answer.Usage?.Reasoning > 0))
        .Select(g => g.OrderBy(e => e.Id, StringComparer.Ordinal).First())
        .OrderBy(e => e.Id, StringComparer.Ordinal)
        .ToList();

    public static async Task<(ProcessResult Result, RecordedExchange Exchange, IReadOnlyList<bool> RequestStreams)> RunAsync(string id, bool json)
    {
        var exchange = FixtureCatalog.Exchange(id);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.FromFixture(exchange.BasePath));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var args = new List<string> { "-m", exchange.RequestModel ?? exchange.Answer.Model ?? "gpt-4o-mini" };
        if (json)
        {
            args.Add("--json");
        }

        if (!exchange.Streaming)
        {
            args.Add("--no-stream");
        }

        args.Add(Prompt);
        var result = await parley.RunAsync(stdin: "", [.. args]);
        return (result, exchange, server.Requests.Select(r => r.Stream).ToList());
    }

    /// <summary>Checks the <c>--json</c> object against the recorded body.</summary>
    public static void AssertJsonMatches(RecordedExchange exchange, ProcessResult result)
    {
        var expected = exchange.Answer;
        Assert.True(result.ExitCode == 0, $"{exchange.Id}: {result}");
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal(expected.ExpectedText, root.GetProperty("content").GetString());
        Assert.Equal(expected.Refusal, root.GetProperty("refusal").GetString());
        Assert.Equal(expected.ExpectedFinishReason, root.GetProperty("finish_reason").GetString());
        Assert.Equal(expected.Model, root.GetProperty("model").GetString());
        Assert.Equal(expected.Id, root.GetProperty("id").GetString());
        Assert.Equal("complete", root.GetProperty("status").GetString());
        var usage = root.GetProperty("usage");
        if (expected.Usage is not { } tokens)
        {
            Assert.Equal(JsonValueKind.Null, usage.ValueKind);
            return;
        }

        Assert.Equal(tokens.Prompt, Number(usage, "prompt_tokens"));
        Assert.Equal(tokens.Completion, Number(usage, "completion_tokens"));
        Assert.Equal(tokens.Total, Number(usage, "total_tokens"));
        Assert.Equal(tokens.Cached, Number(usage, "cached_tokens"));
        Assert.Equal(tokens.Reasoning, Number(usage, "reasoning_tokens"));
    }

    private static long? Number(JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt64() : null;
}

