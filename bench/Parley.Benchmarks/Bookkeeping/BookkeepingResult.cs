namespace Parley.Benchmarks;

/// <summary>Per-turn bookkeeping times for one history size and store (milliseconds).</summary>
internal sealed record BookkeepingRow(int Messages, string Store, int Turns, double P50Ms, double P95Ms, double MeanMs);

/// <summary>What <see cref="BookkeepingCommand"/> prints: the rows and the SQLite settings in force.</summary>
internal sealed record BookkeepingResult(IReadOnlyList<BookkeepingRow> Rows, string JournalMode, string Synchronous, string Model);
