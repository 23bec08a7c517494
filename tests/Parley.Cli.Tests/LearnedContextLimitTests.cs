using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// A context limit learned from one server belongs to that server (its full base URL) and model: another server
/// serving the same model name never has its history trimmed by it.
/// </summary>
public class LearnedContextLimitTests
{
    [Fact]
    public async Task Chat_LimitLearnedFromAnotherServerWithTheSameModel_IsNotAppliedAndTurnTwoCarriesTurnOne()
    {
        await using var small = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 80 });
        await using var normal = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(small.OpenAIBaseUrl);
        var first = Question("first", 30);
        var second = Question("second", 30);

        var learn = await parley.RunAsync($"{first}\n{second}\n", "chat", "-m", "gpt-4o-mini");

        Assert.True(learn.ExitCode == 0, learn.ToString());
        Assert.Contains("the limit is remembered", learn.Stderr);

        parley.Against(normal.OpenAIBaseUrl);
        var chat = await parley.RunAsync($"{first}\n{second}\n", "chat", "-m", "gpt-4o-mini", "-u");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Equal(2, normal.Requests.Count);
        Assert.Equal(
            [("user", first), ("assistant", "Echo: " + first), ("user", second)],
            normal.Requests[1].Messages);
        Assert.DoesNotContain("warning", chat.Stderr);

        // The limit is saved under the server's base URL and the model, not the bare model name.
        var facts = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(parley.ParleyHome, "learned-models.json")));
        Assert.Equal(80, facts.RootElement.GetProperty("endpoints").GetProperty(LearnedModelFacts.EndpointKey(small.OpenAIBaseUrl))
            .GetProperty("gpt-4o-mini").GetProperty("context_limit").GetInt32());
    }

    [Fact]
    public async Task OneShot_LearnedLimitFarBelowTheCatalog_WarnsItIsSuspectAndStillSends()
    {
        await using var small = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 80 });
        using var parley = new ParleyProcess().Against(small.OpenAIBaseUrl);
        var learn = await parley.RunAsync($"{Question("first", 30)}\n{Question("second", 30)}\n", "chat", "-m", "gpt-4o-mini", "--no-log");
        Assert.True(learn.ExitCode == 0, learn.ToString());

        // The server now takes more than the learned 80 tokens: a question of 120 words is sent, not refused.
        small.ContextWindow = null;
        var big = Question("big", 120);
        var r = await parley.RunAsync(big, "-m", "gpt-4o-mini", "--no-log");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Echo: " + big + "\n", r.Stdout);
        Assert.Equal(big, small.Requests[^1].Messages[^1].Content);
        var warning = Assert.Single(r.Stderr.Split('\n'), l => l.Contains("far below", StringComparison.Ordinal));
        Assert.Contains("80 tokens", warning);
        Assert.Contains("128,000", warning);
        Assert.DoesNotContain("nothing was sent", r.Stderr);
    }

    private static readonly string[] Vocabulary = "alpha beta gamma delta river mountain cloud forest ocean stone light shadow garden window paper engine".Split(' ');

    // About one token per word, as the loopback server counts (words + 3 per message + 3).
    private static string Question(string name, int words)
    {
        var text = new StringBuilder($"The {name} question:");
        for (var i = 0; i < words; i++)
        {
            text.Append(' ').Append(Vocabulary[i % Vocabulary.Length]);
        }

        return text.ToString();
    }
}
