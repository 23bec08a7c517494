using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Parley.Benchmarks;

/// <summary>
/// <c>bookkeeping SIZES TURNS WARMUP</c>: the cost of preparing and saving one turn as the history grows. A
/// <see cref="ChatSession"/> (keep-all context, exact token counts, window preflight, cost) over an
/// <see cref="InstantChatClient"/> starts with N messages of history; each measured turn is <c>SendAsync</c> plus
/// counting the answer (which the next turn's preflight would do once), then the turn is taken back out of memory
/// (<see cref="ChatSession.UndoLastTurn"/>, not timed) so the history stays at N. With a store, both halves of the
/// turn are committed to a fresh SQLite file.
/// </summary>
internal static class BookkeepingCommand
{
    /// <summary>A 1M-token window: a keep-all history of 10,000 messages does not fit gpt-4o-mini's 128k.</summary>
    public const string Model = "gpt-4.1-mini";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: bookkeeping SIZES(comma-separated) TURNS WARMUP");
            return 2;
        }

        var sizes = args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var turns = int.Parse(args[1], CultureInfo.InvariantCulture);
        var warmup = int.Parse(args[2], CultureInfo.InvariantCulture);
        var model = ModelCatalog.BuiltIn.Find(Model) ?? throw new InvalidOperationException($"{Model} is not in the catalog");
        var counter = new TokenCounter();
        var rows = new List<BookkeepingRow>();
        string journal = "?", synchronous = "?";
        var root = Path.Combine(Path.GetTempPath(), "parley-bench-bookkeeping-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            foreach (var size in sizes)
            {
                foreach (var sqlite in new[] { false, true })
                {
                    SqliteConversationStore? store = sqlite ? await SqliteConversationStore.OpenAsync(Path.Combine(root, $"history-{size}.db")) : null;
                    await using (store)
                    {
                        if (store is not null)
                        {
                            journal = await PragmaAsync(store.Connection, "journal_mode");
                            synchronous = await PragmaAsync(store.Connection, "synchronous") switch { "0" => "OFF", "1" => "NORMAL", "2" => "FULL", "3" => "EXTRA", var other => other };
                        }

                        var session = new ChatSession(new InstantChatClient(), new ChatSessionOptions
                        {
                            Model = Model,
                            SystemPrompt = "You are a helpful assistant.",
                            InitialMessages = History(size),
                            TokenCounter = counter,
                            Store = store,
                            Context = ContextPolicy.KeepAll(), // what is measured; the library's default is the token budget
                        });
                        var times = new List<double>(turns);
                        for (var i = 0; i < warmup + turns; i++)
                        {
                            var question = Questions[i % Questions.Length] + " (" + i.ToString(CultureInfo.InvariantCulture) + ")";
                            var start = Stopwatch.GetTimestamp();
                            var turn = await session.SendAsync(question);
                            counter.CountMessage(turn.AssistantMessage!, model);
                            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                            if (i >= warmup)
                            {
                                times.Add(elapsed);
                            }

                            session.UndoLastTurn();
                        }

                        rows.Add(new BookkeepingRow(size, sqlite ? "SQLite" : "none", turns, Stats.Median(times), Stats.Percentile(times, 0.95), times.Average()));
                    }
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }

        Console.WriteLine(JsonSerializer.Serialize(new BookkeepingResult(rows, journal, synchronous, Model), BenchJson.Default.BookkeepingResult));
        return 0;
    }

    private static readonly string[] Questions =
    [
        "Can you elaborate more on that?",
        "What is the difference between a context window and the maximum output length, and why do both matter for cost?",
        "Thanks. Give me three bullet points I can paste into the team's notes.",
        "How would this change if the history were ten times longer?",
        "Rewrite the last answer for a reader who has never used an API.",
    ];

    /// <summary>N messages of history, alternating user and assistant, 10 to 60 words each (deterministic).</summary>
    private static List<ChatMessage> History(int size)
    {
        string[] words = "the model reads every message of the conversation so far and answers the last question with care while the session keeps count of tokens cost and time for each turn saved in the database".Split(' ');
        var messages = new List<ChatMessage>(size);
        for (var i = 0; i < size; i++)
        {
            var length = 10 + ((i * 37) % 51);
            var text = string.Join(' ', Enumerable.Range(0, length).Select(w => words[((i * 7) + (w * 13)) % words.Length]));
            messages.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text + " #" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return messages;
    }

    private static async Task<string> PragmaAsync(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "?";
    }
}
