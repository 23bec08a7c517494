using Microsoft.Extensions.AI;

namespace Parley.Tests.History;

/// <summary>A stored conversation laid out for <c>parley history show</c>/<c>export</c> and the gateway's export.</summary>
public sealed class TranscriptTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

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
