using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>Per-turn bookkeeping as history grows: runs <see cref="BookkeepingCommand"/> in its own process.</summary>
internal sealed class BookkeepingBenchmark : IBenchmarkSection
{
    private BookkeepingResult? _result;
    private int _warmup;

    public async Task RunAsync(BenchSettings settings)
    {
        _warmup = settings.BookkeepingWarmup;
        var run = await ChildProcess.RunAsync(ChildProcess.Harness,
        [
            "bookkeeping",
            string.Join(',', settings.HistorySizes.Select(s => s.ToString(CultureInfo.InvariantCulture))),
            settings.BookkeepingTurns.ToString(CultureInfo.InvariantCulture),
            settings.BookkeepingWarmup.ToString(CultureInfo.InvariantCulture),
        ]);
        if (!run.Succeeded)
        {
            throw new InvalidOperationException(run.Describe("bookkeeping"));
        }

        _result = JsonSerializer.Deserialize(run.Stdout.Trim().Split('\n')[^1], BenchJson.Default.BookkeepingResult);
        foreach (var row in _result!.Rows)
        {
            Console.Error.WriteLine($"  bookkeeping {row.Messages,6} messages, store {row.Store,-6}: p50 {row.P50Ms:0.000} ms, p95 {row.P95Ms:0.000} ms, mean {row.MeanMs:0.000} ms");
        }
    }

    private BookkeepingRow Row(int messages, string store) => _result!.Rows.Single(r => r.Messages == messages && r.Store == store);

    public IEnumerable<TargetCheck> Targets
    {
        get
        {
            var small = Row(10, "SQLite");
            var large = Row(10_000, "SQLite");
            yield return new TargetCheck("Bookkeeping", "< 1 ms per turn at 10,000 messages (SQLite, median)", $"{large.P50Ms:0.000} ms (mean {large.MeanMs:0.000} ms)", large.P50Ms < 1.0);
            yield return new TargetCheck("Bookkeeping", "10,000 messages ≤ 2× 10 messages (SQLite, median)", $"{large.P50Ms:0.000} / {small.P50Ms:0.000} ms = {BenchSettings.Format(large.P50Ms / small.P50Ms)}×", large.P50Ms <= 2 * small.P50Ms);
        }
    }

    public void AddMetrics(IDictionary<string, double?> metrics)
    {
        foreach (var row in _result?.Rows ?? [])
        {
            metrics[$"bookkeeping/{row.Store}/{row.Messages}/p50_ms"] = row.P50Ms;
            metrics[$"bookkeeping/{row.Store}/{row.Messages}/mean_ms"] = row.MeanMs;
        }
    }

    public void WriteMarkdown(StringBuilder md)
    {
        var result = _result!;
        md.AppendLine("## 3. Per-turn bookkeeping as history grows").AppendLine();
        md.AppendLine($"`ChatSession.SendAsync` against a fake `IChatClient` that answers at once (`InstantChatClient`), model `{result.Model}` (1M-token window: a keep-all history of 10,000 messages does not fit gpt-4o-mini's 128k). " +
            "A turn = keep-all context policy (`ContextPolicy.KeepAll()`, set explicitly: the library default is the token budget), exact token count of the new message (earlier ones are cached), window preflight over the whole history, cost, " +
            "the question saved before the call and the answer after it (two transactions), plus counting the answer (the next turn's preflight would). " +
            $"The history is N messages (10–60 words each) after the system prompt; the turn is undone in memory afterwards (not timed) so N stays fixed. {_warmup} warm-up turns, then {result.Rows[0].Turns} timed turns per row. " +
            $"SQLite durability as opened by `SqliteConversationStore`: `journal_mode={result.JournalMode}`, `synchronous={result.Synchronous}` " +
            "(a committed turn survives a process crash; a power loss may drop the last transactions, never corrupt the file; the WAL is fsynced at checkpoints only).").AppendLine();
        md.AppendLine("| history (messages) | no store p50 ms | SQLite p50 ms | SQLite p95 ms | SQLite mean ms | SQLite p50 ÷ 10-message p50 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        var baseline = Row(10, "SQLite").P50Ms;
        foreach (var size in result.Rows.Select(r => r.Messages).Distinct())
        {
            var none = Row(size, "none");
            var sqlite = Row(size, "SQLite");
            md.AppendLine($"| {size:N0} | {none.P50Ms:0.000} | {sqlite.P50Ms:0.000} | {sqlite.P95Ms:0.000} | {sqlite.MeanMs:0.000} | {BenchSettings.Format(sqlite.P50Ms / baseline)}× |");
        }

        md.AppendLine();
    }
}
