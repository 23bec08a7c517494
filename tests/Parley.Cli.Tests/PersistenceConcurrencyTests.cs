using System.Globalization;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Two <c>parley chat</c> processes writing 50 turns each into one database at the same time.</summary>
public class PersistenceConcurrencyTests
{
    private const int TurnsPerProcess = 50;

    [Fact]
    public async Task Persistence_TwoProcesses50TurnsEach_SameDatabase_NothingLost()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var results = await Task.WhenAll(
            parley.RunAsync(Questions("p1"), "chat"),
            parley.RunAsync(Questions("p2"), "chat"));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var conversations = await ParleyDatabase.ListAsync(parley);
        Assert.Equal(2, conversations.Count);
        foreach (var item in conversations)
        {
            var stored = await ParleyDatabase.LoadAsync(parley, item.Id);
            var writer = stored.Messages[0].Message.Text[..2];
            Assert.Equal(TurnsPerProcess, stored.Turns.Count);
            Assert.All(stored.Turns, t => Assert.Equal(TurnStatus.Complete, t.Status));
            Assert.Equal(Enumerable.Range(1, 2 * TurnsPerProcess).Select(i => (long)i), stored.Messages.Select(m => m.Sequence));
            Assert.Equal(
                Enumerable.Range(1, TurnsPerProcess).SelectMany(i => new[] { Question(writer, i), "Echo: " + Question(writer, i) }),
                stored.Messages.Select(m => m.Message.Text));
        }
    }

    [Fact]
    public async Task Persistence_TwoProcesses50TurnsEach_SameConversation_NothingLostSequencesUnique()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "seed");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var results = await Task.WhenAll(
            parley.RunAsync(Questions("p1"), "chat", "--cid", id[..12]),
            parley.RunAsync(Questions("p2"), "chat", "--cid", id[..12]));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var stored = await ParleyDatabase.LoadAsync(parley, id);
        Assert.Single(await ParleyDatabase.ListAsync(parley));
        var count = 2 + (2 * 2 * TurnsPerProcess);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), stored.Messages.Select(m => m.Sequence));
        Assert.Equal(1 + (2 * TurnsPerProcess), stored.Turns.Count);
        Assert.All(stored.Turns, t => Assert.Equal(TurnStatus.Complete, t.Status));
        var text = stored.Messages.ToDictionary(m => m.Sequence, m => m.Message.Text);
        foreach (var turn in stored.Turns)
        {
            // Every answer is paired with its own question, whichever process wrote it.
            Assert.Equal("Echo: " + text[turn.UserSequence!.Value], text[turn.AssistantSequence!.Value]);
        }

        foreach (var writer in new[] { "p1", "p2" })
        {
            var questions = stored.Messages.Select(m => m.Message.Text).Where(t => t.StartsWith(writer + " ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(Enumerable.Range(1, TurnsPerProcess).Select(i => Question(writer, i)), questions);
        }
    }

    private static string Questions(string writer) =>
        string.Concat(Enumerable.Range(1, TurnsPerProcess).Select(i => Question(writer, i) + "\n"));

    private static string Question(string writer, int i) => $"{writer} question {i.ToString("00", CultureInfo.InvariantCulture)}";
}
