using Parley.TestServer;

namespace Parley.Cli.Tests.Conformance;

/// <summary>
/// Every real error body (recorded exchanges and user-reported bodies) through <c>parley</c>: exit 1, nothing on
/// stdout, and one clear line on stderr that carries the server's message — never a stack trace. Retries are off
/// (<c>--max-retries 0</c>) so each case is one request; retrying is the resilience suite's subject.
/// </summary>
public sealed class CliRecordedErrorTests
{
    public static TheoryData<string> Errors => new(FixtureCatalog.ErrorIds);

    [SkippableTheory]
    [MemberData(nameof(Errors))]
    public async Task Prompt_RecordedErrorBody_Exit1WithOneClearLine(string id)
    {
        if (id == FixtureCatalog.None)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "no recording of this kind in the fixtures");
        }

        var expected = FixtureCatalog.Error(id);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(expected.Response());
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--max-retries", "0", CliReplay.Prompt);

        if (expected.ExpectContextLimit is { } limit)
        {
            // A context-length error that states the limit is recovered: the history is fitted to it and the
            // question sent once more (the server's default answer), with a warning naming the learned limit.
            Assert.True(r.ExitCode == 0, $"{id}: {r}");
            Assert.Equal(2, server.Requests.Count);
            Assert.Contains($"limits gpt-4o-mini to {limit:N0} tokens", r.Stderr, StringComparison.Ordinal);
            return;
        }

        Assert.True(r.ExitCode == 1, $"{id}: {r}");
        Assert.Equal(string.Empty, r.Stdout);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected.Message, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        if (expected.ExpectInsufficientQuota)
        {
            Assert.Contains("out of credit", line, StringComparison.Ordinal);
        }
        else if (expected.ExpectContextLengthExceeded)
        {
            Assert.Contains("too long", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"({expected.Status})", line, StringComparison.Ordinal);
        }
    }
}
