using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// One turn's tool loop: how many rounds were sent and what they used so far. The first round is the request the
/// session prepared with the question; each later one (the history, the question, and the calls and results so far)
/// goes through <see cref="PrepareAsync"/> again.
/// </summary>
internal sealed class ToolRounds
{
    private readonly Func<List<ChatMessage>, UsageDetails?, CancellationToken, Task<List<ChatMessage>>> _prepare;

    public ToolRounds(Func<List<ChatMessage>, UsageDetails?, CancellationToken, Task<List<ChatMessage>>> prepare) => _prepare = prepare;

    /// <summary>Requests sent so far in this turn.</summary>
    public int Count { get; private set; }

    /// <summary>What the rounds so far used (null: nothing reported).</summary>
    public UsageDetails? Spent { get; private set; }

    /// <summary>The request for the next round: the first as prepared, each later one through the session's checks.</summary>
    public async Task<List<ChatMessage>> PrepareAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        List<ChatMessage> list = [.. messages];
        if (Count++ == 0)
        {
            return list;
        }

        return await _prepare(list, Spent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds what a round used.</summary>
    public void Spend(UsageDetails? usage)
    {
        if (usage is null)
        {
            return;
        }

        if (Spent is null)
        {
            Spent = new UsageDetails();
        }

        Spent.Add(usage);
    }
}
