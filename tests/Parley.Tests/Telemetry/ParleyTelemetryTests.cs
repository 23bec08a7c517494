using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Tests.Context;
using Parley.Tests.Resilience;
using Parley.TestServer;

namespace Parley.Tests.Telemetry;

/// <summary>
/// What a listener sees of a turn. Listeners are process-wide and tests run in parallel, so each test runs under a
/// root activity of its own and keeps only what is recorded in its trace.
/// </summary>
public sealed class ParleyTelemetryTests : IDisposable
{
    private readonly ActivitySource _testSource = new("Parley.Tests.Telemetry.Root");
    private readonly string _meaiSource = "Parley.Tests.Telemetry." + Guid.NewGuid().ToString("N");
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly List<Measured> _measured = [];
    private readonly List<Activity> _stopped = [];
    private readonly Activity _root;

    public ParleyTelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source == _testSource || source.Name == _meaiSource || source.Name == ParleyTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_activities);
        _root = _testSource.StartActivity("test")!; // before the meter listener, whose callbacks read it
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == _meaiSource || instrument.Meter.Name == ParleyTelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Measure(i, value, tags));
        _meters.SetMeasurementEventCallback<int>((i, value, tags, _) => Measure(i, value, tags));
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Measure(i, value, tags));
        _meters.Start();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Turn_ThroughOpenTelemetryAndParleyTelemetry_RecordsUsageDurationCostAndRetry(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ServerError(503));
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: 1200, completionTokens: 30));
        using var client = ServerClients.Create(server, "gpt-4o-mini").AsBuilder()
            .UseOpenTelemetry(sourceName: _meaiSource)
            .UseParleyTelemetry()
            .UseResilience(new ResilienceOptions { BaseDelay = TimeSpan.Zero })
            .Build();

        ChatMessage[] messages = [new(ChatRole.User, "What is the capital of France?")];
        var response = streaming
            ? await client.GetStreamingResponseAsync(messages).ToChatResponseAsync()
            : await client.GetResponseAsync(messages);
        _root.Stop();

        Assert.Equal("Paris.", response.Text);
        var tokens = Measurements("gen_ai.client.token.usage");
        Assert.All(tokens, m => Assert.Equal("{token}", m.Unit));
        Assert.Equal(1200, Assert.Single(tokens, m => Equals(m.Tags["gen_ai.token.type"], "input")).Value);
        Assert.Equal(30, Assert.Single(tokens, m => Equals(m.Tags["gen_ai.token.type"], "output")).Value);
        Assert.Equal("s", Assert.Single(Measurements("gen_ai.client.operation.duration")).Unit);

        var cost = Assert.Single(Measurements("parley.client.cost"));
        var expected = CostCalculator.Compute(new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 30 }, ModelCatalog.BuiltIn.Find("gpt-4o-mini"));
        Assert.Equal((double)expected!.Value, cost.Value, 12);
        Assert.Equal("USD", cost.Unit);
        Assert.Equal("chat", cost.Tags["gen_ai.operation.name"]);
        Assert.Equal("openai", cost.Tags["gen_ai.provider.name"]);
        Assert.Equal("gpt-4o-mini", cost.Tags["gen_ai.request.model"]);

        var retry = Assert.Single(Measurements("parley.client.retries"));
        Assert.Equal(("{retry}", 1.0, "503"), (retry.Unit, retry.Value, retry.Tags["error.type"]));
        var waited = Assert.Single(Activities(ParleyTelemetry.SourceName), a => a.OperationName == "parley.retry");
        Assert.Equal("503", waited.GetTagItem("error.type"));
        Assert.Contains(Activities(_meaiSource), a => a.OperationName.StartsWith("chat", StringComparison.Ordinal));
        if (streaming)
        {
            Assert.Equal("s", Assert.Single(Measurements("gen_ai.client.operation.time_to_first_chunk")).Unit);
        }
    }

    [Fact]
    public async Task ContextPolicy_DropsHistory_RecordsTheDroppedMessages()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("ok"));
        using var client = ServerClients.Create(server).AsBuilder().UseContextPolicy(new LastMessagesPolicy(2)).Build();

        List<ChatMessage> history = [.. Enumerable.Range(1, 5).Select(i => new ChatMessage(i % 2 == 1 ? ChatRole.User : ChatRole.Assistant, $"message {i}"))];
        await client.GetResponseAsync(history);
        _root.Stop();

        var expected = (await new LastMessagesPolicy(2).ApplyAsync(new ContextRequest { Messages = history })).Dropped;
        Assert.True(expected > 0);
        var dropped = Assert.Single(Measurements("parley.context.dropped_messages"));
        Assert.Equal(("{message}", (double)expected, "last:2"), (dropped.Unit, dropped.Value, dropped.Tags["parley.context.policy"]));
    }

    [Fact]
    public async Task ContextPolicy_Summarizes_RecordsEachSummaryCallAndItsCost()
    {
        var catalog = ModelCatalog.BuiltIn.WithOverrides(JsonDocument.Parse("""
            {
              "small-model": {"provider": "openai", "encoding": "o200k_base", "context_window": 600, "max_output_tokens": 100},
              "cheap-model": {"provider": "openai", "encoding": "o200k_base", "context_window": 8000, "input_per_million": 1.0, "output_per_million": 2.0}
            }
            """).RootElement);
        using var client = new FakeChatClient().AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 1 }), catalog: catalog)
            .Build();

        var response = await client.GetResponseAsync(ContextHistories.Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" });
        _root.Stop();

        var result = (ContextResult)response.AdditionalProperties![ContextResult.ResultKey]!;
        var calls = Measurements("parley.context.summary_calls");
        Assert.Equal(result.SummaryCalls.Count, calls.Count);
        Assert.All(calls, c => Assert.Equal(("{call}", 1.0, "summarize", "cheap-model"), (c.Unit, c.Value, c.Tags["parley.context.policy"], c.Tags["gen_ai.request.model"])));
        var cost = Measurements("parley.context.summary_cost");
        Assert.Equal((double)result.SummaryCalls.Sum(c => c.CostUsd!.Value), cost.Sum(c => c.Value), 12);
        Assert.All(cost, c => Assert.Equal("USD", c.Unit));
    }

    [Fact]
    public async Task Session_ServerNamesASmallerLimit_RecordsTheLearnedLimit()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { ContextWindow = 2000 });
        var catalog = ModelCatalog.BuiltIn.WithOverrides(JsonDocument.Parse(
            """{"loopback-big": {"provider": "openai", "encoding": "o200k_base", "context_window": 4000, "max_output_tokens": 500}}""").RootElement);
        var session = new ChatSession(ServerClients.Create(server, "loopback-big"), new ChatSessionOptions { Model = "loopback-big", Catalog = catalog });

        for (var i = 0; i < 30 && !session.Turns.Any(t => t.Context!.Recovered); i++)
        {
            await session.SendAsync($"question {i} " + string.Join(' ', Enumerable.Repeat("river", 100)));
        }

        _root.Stop();

        Assert.Contains(session.Turns, t => t.Context!.Recovered);
        var learned = Assert.Single(Measurements("parley.context.learned_limits"));
        Assert.Equal(("{limit}", 1.0), (learned.Unit, learned.Value));
    }

    public void Dispose()
    {
        _root.Dispose();
        _testSource.Dispose();
        _meters.Dispose();
        _activities.Dispose();
    }

    private List<Measured> Measurements(string name)
    {
        lock (_measured)
        {
            return [.. _measured.Where(m => m.Name == name)];
        }
    }

    private List<Activity> Activities(string source)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(a => a.Source.Name == source)];
        }
    }

    private void Measure<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        if (Activity.Current is not { } current || current.TraceId != _root?.TraceId)
        {
            return; // another test's
        }

        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measured)
        {
            _measured.Add(new Measured(instrument.Name, instrument.Unit, value.ToDouble(null), copy));
        }
    }

    private void Stopped(Activity activity)
    {
        if (activity.TraceId == _root?.TraceId)
        {
            lock (_stopped)
            {
                _stopped.Add(activity);
            }
        }
    }

    private sealed record Measured(string Name, string? Unit, double Value, Dictionary<string, object?> Tags);
}
