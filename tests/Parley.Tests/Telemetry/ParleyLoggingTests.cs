using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.TestServer;

namespace Parley.Tests.Telemetry;

public class ParleyLoggingTests
{
    private const string Prompt = "my secret diary entry 7f3a";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retry_ThroughThePipeline_LogsTheEventWithItsPropertiesAndNeitherKeyNorContent(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        // An upstream that echoes what it was sent in its error: the key and the prompt reach the error body.
        server.Enqueue(ScriptedResponse.Error(503, $"upstream overloaded for key {ServerClients.TestKey} and prompt {Prompt}"));
        server.Enqueue(ScriptedResponse.Text("fine"));
        var log = new RecordingLogger();
        using var client = ServerClients.Create(server).AsBuilder()
            .UseResilience(new ResilienceOptions { BaseDelay = TimeSpan.Zero })
            .Build(log);

        var answer = streaming
            ? (await client.GetStreamingResponseAsync([new(ChatRole.User, Prompt)]).ToChatResponseAsync()).Text
            : (await client.GetResponseAsync([new(ChatRole.User, Prompt)])).Text;

        Assert.Equal("fine", answer);
        var retry = Assert.Single(log.Events, e => e.EventId.Id == ParleyTelemetry.Retrying);
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Equal("Retrying", retry.EventId.Name);
        Assert.Equal(1, retry["Attempt"]);
        Assert.Equal(3, retry["MaxRetries"]);
        Assert.Equal(503, retry["StatusCode"]);
        Assert.Equal("server error (503)", retry["Reason"]);
        Assert.Equal(TimeSpan.Zero, retry["Delay"]);
        Assert.Equal(ApiFailureKind.HttpError, retry["FailureKind"]);
        Assert.Contains("Parley.RetryingChatClient", log.Categories);
        var failure = Assert.Single(log.Events, e => e.EventId.Id == ParleyTelemetry.RetriedFailure);
        Assert.Equal(LogLevel.Trace, failure.Level); // the error body, which echoes the request, only at Trace
        Assert.IsType<ParleyApiException>(failure.Exception);
        foreach (var logged in log.Events.Where(e => e.Level > LogLevel.Trace))
        {
            var text = string.Join("\n", [logged.Message, logged.Exception?.ToString(), .. logged.Properties.Select(p => $"{p.Key}={p.Value}")]);
            Assert.DoesNotContain(ServerClients.TestKey, text);
            Assert.DoesNotContain(Prompt, text);
        }
    }
}
