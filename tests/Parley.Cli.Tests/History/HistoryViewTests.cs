using Microsoft.Extensions.AI;
using Spectre.Console.Testing;

namespace Parley.Cli.Tests.History;

/// <summary>The pieces behind the history commands' output: short ids, tables, transcripts.</summary>
public sealed class HistoryViewTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ShortIds_EightCharactersUnlessAnotherIdSharesThem()
    {
        var ids = new[]
        {
            "0197a1b2c3d4e5f60718293a4b5c6d7e",
            "0197a1b2c3ffffff0718293a4b5c6d7e",
            "0197a1b2c3ff00000718293a4b5c6d7e",
            "11112222333344445555666677778888",
        };

        var shortIds = ShortIds.Compute(ids);

        Assert.Equal("0197a1b2c3d", shortIds[ids[0]]);
        Assert.Equal("0197a1b2c3fff", shortIds[ids[1]]);
        Assert.Equal("0197a1b2c3ff0", shortIds[ids[2]]);
        Assert.Equal("11112222", shortIds[ids[3]]);
        Assert.Equal("unknown", ShortIds.Of(shortIds, "unknown"));
    }

    [Fact]
    public void UsageReportView_Render_SummaryOnlyModelShowsItsSummaryCallsNotZeroTurns()
    {
        var console = new TestConsole().Width(80);
        var chat = new UsageReportRow { Key = "gpt-4o-mini", ChatTurns = 3, UnfinishedTurns = 1, InputTokenCount = 30, OutputTokenCount = 9, TotalTokenCount = 39, CostUsd = 0.00001m };
        var summary = new UsageReportRow { Key = "gpt-4.1-nano", SummaryCalls = 2, InputTokenCount = 600, OutputTokenCount = 80, TotalTokenCount = 680, CostUsd = 0.00009m };
        var total = new UsageReportRow { Key = "total", ChatTurns = 3, SummaryCalls = 2, UnfinishedTurns = 1, InputTokenCount = 630, OutputTokenCount = 89, TotalTokenCount = 719, CostUsd = 0.0001m };
        var report = new UsageReport { Total = total, ByDay = [total], ByModel = [summary, chat], ByConversation = [] };

        console.Write(UsageReportView.Render(report, [], new Dictionary<string, string>()));

        var lines = console.Output.Split('\n');
        Assert.Contains("3 turns + 2 summary calls + 1 unfinished turn", lines[0], StringComparison.Ordinal);
        var byModel = lines.SkipWhile(l => !l.Contains("By model", StringComparison.Ordinal)).ToArray();
        Assert.Matches(@"model\s+turns\s+summaries\s+in", byModel.First(l => l.Contains("turns", StringComparison.Ordinal)));
        Assert.Matches(@"gpt-4\.1-nano\s+-\s+2\s+600\s+80\s+680", byModel.First(l => l.Contains("gpt-4.1-nano", StringComparison.Ordinal)));
        Assert.Matches(@"gpt-4o-mini\s+3\s+-\s+30\s+9\s+39", byModel.First(l => l.Contains("gpt-4o-mini", StringComparison.Ordinal)));
    }

    [Fact]
    public void ConversationListView_Table_ShowsShortIdTitleModelTotalsAndTime()
    {
        var console = new TestConsole().Width(140);
        var items = new[]
        {
            new ConversationListItem
            {
                Id = "0197a1b2c3d4e5f60718293a4b5c6d7e", Title = "What is [AI]?", Model = "gpt-4o-mini", TurnCount = 2, MessageCount = 4,
                TotalTokens = 12_345, TotalCostUsd = 0.0123m, CreatedAt = Now, UpdatedAt = Now,
            },
            new ConversationListItem
            {
                Id = "11112222333344445555666677778888", TurnCount = 0, MessageCount = 0, TotalTokens = 0, CreatedAt = Now, UpdatedAt = Now,
            },
        };

        console.Write(ConversationListView.Table(items, ShortIds.Compute(items.Select(i => i.Id))));

        var lines = console.Output.Split('\n');
        var first = Assert.Single(lines, l => l.Contains("0197a1b2 ", StringComparison.Ordinal));
        Assert.Contains("What is [AI]?", first);
        Assert.Contains("gpt-4o-mini", first);
        Assert.Contains("12,345", first);
        Assert.Contains("$0.0123", first);
        Assert.Contains(DisplayTime.Local(Now), first);
        Assert.Contains("(untitled)", Assert.Single(lines, l => l.Contains("11112222", StringComparison.Ordinal)));
    }

    [Fact]
    public void ConversationListView_Lines_TabSeparatedPlainNumbers()
    {
        var item = new ConversationListItem
        {
            Id = "0197a1b2c3d4e5f60718293a4b5c6d7e", Title = "a\ttab", Model = null, TurnCount = 3, MessageCount = 6,
            TotalTokens = 12_345, TotalCostUsd = 0.00001230m, CreatedAt = Now, UpdatedAt = Now,
        };

        var line = Assert.Single(ConversationListView.Lines([item], ShortIds.Compute([item.Id])));

        Assert.Equal($"0197a1b2\ta tab\t-\t3\t12345\t0.0000123\t{DisplayTime.Local(Now)}", line);
    }

    [Fact]
    public void Transcript_AnswerCarriesItsTurn_UnansweredQuestionCarriesItsFailure()
    {
        var stored = new StoredConversation
        {
            Conversation = new ConversationRecord { Id = "c", SystemPrompt = "sys", Model = "m", CreatedAt = Now, UpdatedAt = Now },
            Messages =
            [
                Message(1, ChatRole.User, "q1"),
                Message(2, ChatRole.Assistant, "a1"),
                Message(3, ChatRole.User, "q2"),
            ],
            Turns =
            [
                Turn(TurnStatus.Complete, 1, 2, null),
                Turn(TurnStatus.Failed, 3, null, "HTTP 500"),
            ],
        };

        var transcript = Transcript.From(stored);
        var text = TranscriptText.Plain(transcript);

        Assert.Equal(["system", "user", "assistant", "user"], transcript.Entries.Select(e => e.Message.Role.Value));
        Assert.Equal(2, transcript.IndexOf(2));
        Assert.Null(transcript.IndexOf(null));
        Assert.Contains("System: sys\n\nUser: q1\n\nAssistant: a1\n[Tokens: 10 in / 2 out · $0.0001 · 1.5 s · m]\n\nUser: q2\n[failed: HTTP 500 · Tokens: not reported · m]\n", text);
    }

    private static StoredMessage Message(long sequence, ChatRole role, string text) => new()
    {
        ConversationId = "c",
        Sequence = sequence,
        Message = new ChatMessage(role, text),
        TokenCounts = new Dictionary<string, int>(),
        CreatedAt = Now,
    };

    private static TurnRecord Turn(TurnStatus status, long user, long? assistant, string? error) => new()
    {
        Id = "t" + user,
        ConversationId = "c",
        Status = status,
        UserSequence = user,
        AssistantSequence = assistant,
        Model = "m",
        Usage = assistant is null ? new UsageDetails() : new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
        CostUsd = assistant is null ? null : 0.0001m,
        Latency = assistant is null ? null : TimeSpan.FromSeconds(1.5),
        Error = error,
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
