using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;
using Parley.Tests.Tokens;

namespace Parley.Tests.Ollama;

/// <summary>
/// Replays the recorded native <c>/api/chat</c> exchanges in <c>shared/fixtures/4_ollama</c> (langchaingo's
/// <c>lcgo_*</c> and ollama-python's <c>ollm_*</c>) through Parley's Ollama client: the text, done reason and eval
/// counts must be exactly what was recorded.
/// </summary>
public sealed class OllamaFixtureTests
{
    private const int MinimumRecordings = 8;

    public static TheoryData<string, bool> Recordings()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in RecordingNames())
        {
            data.Add(name, true);
            data.Add(name, false);
        }

        if (data.Count == 0)
        {
            data.Add(string.Empty, true);
        }

        return data;
    }

    [SkippableFact]
    public void OllamaRecordings_WhenFixturesArePresent_AreAllFound()
    {
        SharedFixtures.SkipWhenAbsent();

        Assert.True(RecordingNames().Count >= MinimumRecordings, $"only {RecordingNames().Count} native Ollama recordings in {Folder}");
    }

    [SkippableTheory]
    [MemberData(nameof(Recordings))]
    public async Task OllamaRecording_ReadsRecordedContentDoneReasonAndCounts(string name, bool streaming)
    {
        if (name.Length == 0)
        {
            SharedFixtures.SkipWhenAbsent();
            throw new SkipException("no native Ollama recordings in the fixtures");
        }

        var basePath = Path.Combine(Folder!, name);
        var expected = Expected(basePath);
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [] });
        server.Enqueue(ScriptedResponse.FromFixture(basePath));
        using var client = OllamaServerClients.Create(server, model: expected.Model);

        ChatResponse response;
        if (streaming)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync("replayed"))
            {
                updates.Add(update);
            }

            response = updates.ToChatResponse();
        }
        else
        {
            response = await client.GetResponseAsync("replayed");
        }

        Assert.Equal(expected.Content, response.Text);
        Assert.Equal(expected.DoneReason, response.FinishReason?.Value);
        Assert.Equal(expected.PromptEvalCount, response.Usage?.InputTokenCount);
        Assert.Equal(expected.EvalCount, response.Usage?.OutputTokenCount);
        Assert.Equal(TimeSpan.FromTicks(expected.EvalDurationNs / 100), ServerTimings.GenerationTime(response.Usage));
    }

    private static string? Folder => SharedFixtures.Root is { } root ? Path.Combine(root, "4_ollama") : null;

    private static List<string> RecordingNames()
    {
        if (Folder is not { } folder || !Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .Where(f => f!.StartsWith("lcgo_", StringComparison.Ordinal) || f!.StartsWith("ollm_", StringComparison.Ordinal))
            .Where(f => f!.EndsWith(".response.ndjson", StringComparison.Ordinal) || f!.EndsWith(".response.json", StringComparison.Ordinal))
            .Select(f => f![..f!.IndexOf(".response.", StringComparison.Ordinal)])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static Recorded Expected(string basePath)
    {
        var file = File.Exists(basePath + ".response.ndjson") ? basePath + ".response.ndjson" : basePath + ".response.json";
        var content = new StringBuilder();
        Recorded? final = null;
        foreach (var line in File.ReadLines(file).Where(l => l.Trim().Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            content.Append(root.GetProperty("message").GetProperty("content").GetString());
            if (root.GetProperty("done").GetBoolean())
            {
                final = new Recorded(
                    root.GetProperty("model").GetString()!,
                    string.Empty,
                    root.GetProperty("done_reason").GetString()!,
                    root.GetProperty("prompt_eval_count").GetInt32(),
                    root.GetProperty("eval_count").GetInt32(),
                    root.GetProperty("eval_duration").GetInt64());
            }
        }

        Assert.NotNull(final);
        return final with { Content = content.ToString() };
    }

    private sealed record Recorded(string Model, string Content, string DoneReason, int PromptEvalCount, int EvalCount, long EvalDurationNs);
}
