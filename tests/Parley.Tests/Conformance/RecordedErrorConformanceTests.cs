using Parley.TestServer;

namespace Parley.Tests.Conformance;

/// <summary>
/// Every real error body (recorded 400/401/404/429 exchanges with their headers, and the bodies users pasted from
/// OpenAI into GitHub issues) becomes the right <see cref="ParleyApiException"/>, on the streaming and the
/// non-streaming path: the status, <c>error.code</c>, <c>error.type</c> and the message read from the body, the
/// out-of-credit and context-length flags, and the context limit where the body states one.
/// </summary>
public sealed class RecordedErrorConformanceTests
{
    public static TheoryData<string, bool> Errors
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var error in FixtureCatalog.Errors)
            {
                data.Add(error.Id, false);
                data.Add(error.Id, true);
            }

            if (data.Count == 0)
            {
                data.Add(FixtureCatalog.None, false);
            }

            return data;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Errors))]
    public async Task Session_RecordedErrorBody_BecomesParleyApiException(string id, bool streaming)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var expected = FixtureCatalog.Error(id);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(expected.Response());
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server));
        var session = new ChatSession(client);

        var error = await Assert.ThrowsAsync<ParleyApiException>(() => RecordedExchangeConformanceTests.RunTurnAsync(session, streaming));

        Assert.Equal(ApiFailureKind.HttpError, error.Kind);
        Assert.Equal(expected.Status, error.StatusCode);
        Assert.Equal(expected.Code, error.ErrorCode);
        Assert.Equal(expected.Type, error.ErrorType);
        Assert.Equal(expected.Message, error.Message);
        Assert.Equal(expected.ExpectInsufficientQuota, error.IsInsufficientQuota);
        Assert.Equal(expected.ExpectContextLengthExceeded, error.IsContextLengthExceeded);
        Assert.Equal(expected.ExpectContextLimit, ContextLimitParser.TryReadLimit(error.Message));
        if (!expected.HasRetryAfterHeader)
        {
            Assert.Null(error.RetryAfter);
        }

        var turn = Assert.IsType<ChatTurn>(session.LastTurn);
        Assert.Equal(TurnStatus.Failed, turn.Status);
        Assert.Null(turn.AssistantMessage);
        Assert.Empty(session.History);
    }
}
