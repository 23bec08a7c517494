using Microsoft.Extensions.AI;

namespace Parley.Tests.Tokens;

public class PromptPrefixCacheTests
{
    private static List<ChatMessage> Messages(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, new string('x', i + 1)))];

    private static (long, bool) Length(ChatMessage m) => (m.Text.Length, m.Text.Length == 3);

    [Fact]
    public void Sum_GrowingPrompt_MeasuresOnlyTheNewMessages()
    {
        var cache = new PromptPrefixCache<string>();
        var history = Messages(100);
        var measured = 0;
        (long, bool) Measure(ChatMessage m)
        {
            measured++;
            return Length(m);
        }

        Assert.Equal((5050L, true), cache.Sum("k", history, Measure));
        Assert.Equal(100, measured);

        history.Add(new ChatMessage(ChatRole.User, "question"));
        Assert.Equal((5058L, true), cache.Sum("k", [.. history], Measure)); // a copy of the list, the same messages
        Assert.Equal(101, measured);
    }

    [Fact]
    public void Sum_EmptyPromptBetweenTwoTurns_NextTurnMeasuresOnlyItsNewMessages()
    {
        var cache = new PromptPrefixCache<string>();
        var history = Messages(100);
        var measured = 0;
        (long, bool) Measure(ChatMessage m)
        {
            measured++;
            return Length(m);
        }

        cache.Sum("k", history, Measure);

        // A policy counts an empty prompt (its overhead) between two turns: it must not cost the next turn the history.
        Assert.Equal((0L, false), cache.Sum("k", [], Measure));
        history.Add(new ChatMessage(ChatRole.User, "question"));
        Assert.Equal((5058L, true), cache.Sum("k", history, Measure));
        Assert.Equal(101, measured);
    }

    [Fact]
    public void Sum_WholeHistoryThenItsCutThenTheNextTurn_NextTurnMeasuresOnlyItsNewMessages()
    {
        var cache = new PromptPrefixCache<string>();
        var history = Messages(100);
        var measured = 0;
        (long, bool) Measure(ChatMessage m)
        {
            measured++;
            return Length(m);
        }

        // A gateway turn: the whole history is counted, then the prompt a policy cut from it (the newest 50).
        cache.Sum("k", history, Measure);
        cache.Sum("k", history.Skip(50).ToList(), Measure);
        Assert.Equal(150, measured);

        // The next turn counts the whole history again, one question longer, then its cut (one message further on).
        history.Add(new ChatMessage(ChatRole.User, "question"));
        Assert.Equal((5058L, true), cache.Sum("k", history, Measure));
        Assert.Equal(151, measured);
        Assert.Equal((history.Skip(51).Sum(m => (long)m.Text.Length), false), cache.Sum("k", history.Skip(51).ToList(), Measure));
        Assert.Equal(151 + 50, measured);
    }

    [Fact]
    public void Sum_TrimmedOrReplacedMessages_AreMeasuredAgain()
    {
        var cache = new PromptPrefixCache<string>();
        var history = Messages(10);
        cache.Sum("k", history, Length);

        // A policy drops the oldest messages: nothing is shared at the start, so everything is measured again.
        Assert.Equal((Enumerable.Range(5, 5).Sum(i => i + 1), false), cache.Sum("k", history.Skip(5), Length));

        // A message replaced in the middle: the totals after it are not reused.
        var edited = history.ToList();
        edited[3] = new ChatMessage(ChatRole.User, "replaced!!");
        Assert.Equal(edited.Sum(m => (long)m.Text.Length), cache.Sum("k", edited, Length).Total);

        // Shorter than the cached prompt, sharing its start.
        Assert.Equal(((long)(1 + 2 + 3), true), cache.Sum("k", history.Take(3).ToList(), Length));
        Assert.Equal((0L, false), cache.Sum("k", [], Length));
    }

    [Fact]
    public void Sum_DifferentKeys_DoNotShareTotals()
    {
        var cache = new PromptPrefixCache<string>();
        var history = Messages(4);
        cache.Sum("a", history, Length);
        Assert.Equal((20L, false), cache.Sum("b", history, m => (5, false)));
        Assert.Equal((10L, true), cache.Sum("a", history, Length));
    }

    [Fact]
    public void Sum_RandomEdits_AlwaysEqualsAFreshSum()
    {
        var random = new Random(7);
        var cache = new PromptPrefixCache<int>();
        var pool = Messages(60);
        var prompt = new List<ChatMessage>();
        for (var step = 0; step < 500; step++)
        {
            switch (random.Next(4))
            {
                case 0 when prompt.Count > 0: prompt.RemoveAt(random.Next(prompt.Count)); break;
                case 1 when prompt.Count > 0: prompt.RemoveRange(0, random.Next(prompt.Count)); break;
                default: prompt.Add(pool[random.Next(pool.Count)]); break;
            }

            var expected = (prompt.Sum(m => (long)m.Text.Length), prompt.Any(m => m.Text.Length == 3));
            IEnumerable<ChatMessage> argument = step % 3 == 0 ? prompt.Select(m => m) : prompt; // lists and lazy sequences
            Assert.Equal(expected, cache.Sum(0, argument, Length));
        }
    }

    [Fact]
    public void CountPrompt_ConversationThatGrowsAndIsTrimmed_EqualsAFreshCounter()
    {
        var model = ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;
        var counter = new TokenCounter();
        var system = new ChatMessage(ChatRole.System, "You are terse.");
        var history = new List<ChatMessage> { system };
        for (var turn = 0; turn < 40; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, $"Question number {turn}: what is {turn} squared?"));
            var prompt = turn % 5 == 4 ? [system, .. history.Skip(history.Count - 6)] : history;
            Assert.Equal(new TokenCounter().CountPrompt(prompt, model), counter.CountPrompt(prompt, model));
            history.Add(new ChatMessage(ChatRole.Assistant, $"{turn * turn}."));
        }
    }
}
