using Xunit.Abstractions;

namespace Parley.Tests.Conformance;

/// <summary>The suite cannot pass by finding nothing: when the fixture folder exists, it must load them all.</summary>
public sealed class FixtureCatalogTests
{
    private readonly ITestOutputHelper _output;

    public FixtureCatalogTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void Catalog_FixtureFolder_LoadsMinimumPerCategory()
    {
        Skip.If(FixtureRoot.SkipReason is not null, FixtureRoot.SkipReason);

        var exchanges = FixtureCatalog.Exchanges;
        var openAINonStream = exchanges.Count(e => e.Id.StartsWith(FixtureCatalog.NonStreamingFolder + "/", StringComparison.Ordinal));
        var openAIStream = exchanges.Count(e => e.Id.StartsWith(FixtureCatalog.StreamingFolder + "/", StringComparison.Ordinal));
        var ollamaJson = exchanges.Count(e => e.Id.StartsWith(FixtureCatalog.OllamaFolder + "/", StringComparison.Ordinal) && !e.SseBody);
        var ollamaSse = exchanges.Count(e => e.Id.StartsWith(FixtureCatalog.OllamaFolder + "/", StringComparison.Ordinal) && e.SseBody);
        var recordedErrors = FixtureCatalog.Errors.Count(e => !e.Id.StartsWith(RecordedError.IssueReportsFile, StringComparison.Ordinal));
        var issueErrors = FixtureCatalog.Errors.Count - recordedErrors;
        _output.WriteLine($"fixtures at {FixtureRoot.Path}");
        _output.WriteLine($"OpenAI non-stream {openAINonStream}, OpenAI stream {openAIStream}, Ollama /v1 JSON {ollamaJson}, Ollama /v1 SSE {ollamaSse}, recorded errors {recordedErrors}, issue error bodies {issueErrors}");

        Assert.True(openAINonStream >= 30, $"only {openAINonStream} OpenAI non-streaming fixtures loaded");
        Assert.True(openAIStream >= 15, $"only {openAIStream} OpenAI streaming fixtures loaded");
        Assert.True(ollamaJson >= 3, $"only {ollamaJson} Ollama /v1 JSON fixtures loaded");
        Assert.True(ollamaSse >= 1, $"only {ollamaSse} Ollama /v1 SSE fixtures loaded");
        Assert.True(recordedErrors >= 10, $"only {recordedErrors} recorded error fixtures loaded");
        Assert.True(issueErrors >= 10, $"only {issueErrors} issue-report error bodies loaded");

        // The shapes the decisions are about must be among them.
        Assert.True(exchanges.Count(e => e.Answer.Refusal is not null) >= 3, "fewer than 3 refusals");
        Assert.True(exchanges.Count(e => e.Answer.Refusal is not null && e.SseBody) >= 2, "fewer than 2 streamed refusals");
        Assert.True(exchanges.Count(e => e.Answer.HasToolCalls) >= 5, "fewer than 5 tool-call answers");
        Assert.Contains(exchanges, e => e.Answer.FinishReason == "function_call");
        Assert.Contains(exchanges, e => e.Answer.Choices > 1);
        Assert.Contains(exchanges, e => e.SseBody && !e.Answer.Done);
        Assert.Contains(FixtureCatalog.Errors, e => e.ExpectInsufficientQuota);
        Assert.Contains(FixtureCatalog.Errors, e => e.ExpectContextLimit is not null);
    }

    [SkippableFact]
    public void Catalog_EveryExchange_RequestStreamFlagMatchesItsBody()
    {
        Skip.If(FixtureRoot.SkipReason is not null, FixtureRoot.SkipReason);
        foreach (var exchange in FixtureCatalog.Exchanges)
        {
            Assert.True(exchange.Streaming == exchange.SseBody, $"{exchange.Id}: request stream={exchange.Streaming} but the body is {(exchange.SseBody ? "SSE" : "JSON")}");
        }
    }

    [SkippableFact]
    public void Catalog_EveryExchange_StatesAFinishReason()
    {
        Skip.If(FixtureRoot.SkipReason is not null, FixtureRoot.SkipReason);
        foreach (var exchange in FixtureCatalog.Exchanges)
        {
            Assert.False(exchange.Answer.FinishReason is null, $"{exchange.Id}: the recorded body has no finish_reason for choice 0");
        }
    }
}
