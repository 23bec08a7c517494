using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// One-shot with MCP tools, as a process: the test MCP server over stdio and HTTP, the loopback model scripting tool
/// calls (streamed and not, parallel, a failing tool, a model that loops past --chain-limit), approval without a
/// terminal, and what the upstream received.
/// </summary>
public class ToolCallTests
{
    private static readonly ToolCall Weather = new("call_w1", "get_weather", """{"city":"Paris"}""");

    public static TheoryData<bool> Streams => new() { true, false };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task OneShot_ModelCallsATool_ToolRunsAndItsResultGoesBack(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(Weather));
        server.Enqueue(ScriptedResponse.Text("It is sunny in Paris."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", Args(stream, "--mcp", McpTestServer.Command(), "--yes", "weather in Paris?"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("It is sunny in Paris.\n", r.Stdout);
        Assert.Contains("tool get_weather {\"city\":\"Paris\"}", r.Stderr);
        Assert.Equal(2, server.Requests.Count);
        var tools = server.Requests[0].Json!.Value.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Equal(["add", "get_weather", "fail"], tools);
        var messages = server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_w1", messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("call_w1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("Paris: 21 C, sunny", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task OneShot_UsageOfEveryRound_SummedInTheTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(100, Weather));
        server.Enqueue(ScriptedResponse.Text("Sunny.", promptTokens: 200, completionTokens: 3));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "-m", "gpt-4o-mini", "--mcp", McpTestServer.Command(), "--yes", "weather?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var usage = json.RootElement.GetProperty("usage");
        Assert.Equal(300, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(13, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal("Sunny.", json.RootElement.GetProperty("content").GetString());
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task OneShot_ParallelCallsAndAFailingTool_EachResultAnswersItsCall(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(
            new ToolCall("call_a", "add", """{"a":2,"b":3}"""),
            new ToolCall("call_f", "fail", "{}"),
            new ToolCall("call_w", "get_weather", """{"city":"Oslo"}""")));
        server.Enqueue(ScriptedResponse.Text("Done."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", Args(stream, "--mcp", McpTestServer.Command(), "--yes", "go"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("Done.\n", r.Stdout);
        var messages = server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages[1].GetProperty("tool_calls").GetArrayLength());
        var results = messages.Skip(2).ToDictionary(m => m.GetProperty("tool_call_id").GetString()!, m => m.GetProperty("content").GetString()!);
        Assert.Equal("5", results["call_a"]);
        Assert.StartsWith("error: ", results["call_f"]);
        Assert.Equal("Oslo: 21 C, sunny", results["call_w"]);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task OneShot_ModelLoopsPastTheChainLimit_StopsWithAnErrorAndExit1(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            server.Enqueue(ScriptedResponse.ToolCalls(Weather with { Id = $"call_{i}" }));
        }

        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", Args(stream, "--mcp", McpTestServer.Command(), "--yes", "--chain-limit", "2", "loop"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: stopped after 2 tool rounds (--chain-limit 2): the model still asked for get_weather, which was not run", r.Stderr);
        Assert.Equal(3, server.Requests.Count);
        Assert.True(server.Requests[1].Json!.Value.TryGetProperty("tools", out _));
        Assert.False(server.Requests[2].Json!.Value.TryGetProperty("tools", out _)); // the last request asks for an answer without tools
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task OneShot_ModelAnswersAfterTheLastAllowedRound_AnswerPrintedWithANote()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(Weather));
        server.Enqueue(ScriptedResponse.Text("Sunny."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--mcp", McpTestServer.Command(), "--yes", "--chain-limit", "1", "weather?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("Sunny.\n", r.Stdout);
        Assert.Contains("reached --chain-limit 1: the model was asked to answer without more tool calls", r.Stderr);
        Assert.False(server.Requests[1].Json!.Value.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task OneShot_NoTerminalWithoutYes_CallRefusedAndTheModelIsTold()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(Weather));
        server.Enqueue(ScriptedResponse.Text("I could not check."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--mcp", McpTestServer.Command(), "weather?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("I could not check.\n", r.Stdout);
        Assert.Contains("tool calls are refused without a terminal to ask: pass --yes to approve them", r.Stderr);
        Assert.Contains("refused tool call get_weather {\"city\":\"Paris\"}", r.Stderr);
        var tool = server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("The user refused this tool call: it was not run.", tool.GetProperty("content").GetString());
    }

    [Fact]
    public async Task OneShot_SecondRoundWouldPassMaxCost_NotSentExit1()
    {
        await using var server = await LoopbackServer.StartAsync();
        // Round 1 reports 100,000 prompt tokens: $0.015 of gpt-4o-mini, over the $0.01 limit before round 2.
        server.Enqueue(ScriptedResponse.ToolCalls(100_000, Weather));
        server.Enqueue(ScriptedResponse.Text("never sent"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--max-tokens", "100", "--max-cost", "0.01", "--mcp", McpTestServer.Command(), "--yes", "weather?");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(server.Requests);
        Assert.Contains("cost limit", r.Stderr);
        Assert.DoesNotContain("never sent", r.Stdout);
    }

    [Fact]
    public async Task OneShot_HttpServer_ToolsOfferedAndCalled()
    {
        await using var mcp = await McpTestServer.StartHttpAsync();
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(new ToolCall("call_1", "add", """{"a":40,"b":2}""")));
        server.Enqueue(ScriptedResponse.Text("42"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--mcp", mcp.Url, "--yes", "40+2?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("42\n", r.Stdout);
        Assert.Equal("42", server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString());
    }

    [Fact]
    public async Task OneShot_TwoServersOfferTheSameTools_NamesArePrefixed()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--mcp", McpTestServer.Command(), "--mcp", McpTestServer.Command(), "hi");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var tools = server.Requests[0].Json!.Value.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Contains("Parley_McpTestServer__add", tools);
        Assert.Contains("Parley_McpTestServer-2__add", tools);
        Assert.Equal(6, tools.Count);
    }

    [Fact]
    public async Task OneShot_ConfiguredServerToolSelected_OnlyThatToolWithTheServersEnvironment()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ToolCalls(Weather));
        server.Enqueue(ScriptedResponse.Text("ok"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        WriteConfig(parley);

        var r = await parley.RunAsync(stdin: "", "-T", "weather/get_weather", "--yes", "weather?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var tools = server.Requests[0].Json!.Value.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Equal(["get_weather"], tools);
        Assert.Equal("Paris: 21 F, sunny", server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("nosuch", "-T nosuch: no configured MCP server or tool has that name")]
    [InlineData("weather/nosuch", "-T weather/nosuch: 'weather' has no tool 'nosuch' (it has: add, get_weather, fail)")]
    [InlineData("other/add", "-T other/add: no MCP server 'other' is configured (configured: weather)")]
    public async Task OneShot_UnknownToolName_UsageErrorExit2(string name, string expected)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        WriteConfig(parley);

        var r = await parley.RunAsync(stdin: "", "-T", name, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Empty(server.Requests);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("no-such-program-xyz --flag", 1, "MCP server 'no-such-program-xyz' (no-such-program-xyz) failed to start:")]
    [InlineData("http://127.0.0.1:9/mcp", 1, "MCP server '127.0.0.1' (http://127.0.0.1:9/mcp) failed to start:")]
    [InlineData("dotnet 'unclosed", 2, "unclosed ' in \"dotnet 'unclosed\"")]
    public async Task OneShot_BadMcpServer_OneLineError(string mcp, int exitCode, string expected)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--mcp", mcp, "hi");

        Assert.Equal(exitCode, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Tools_ConfiguredServers_ListedWithTheirToolsAndAFailingOneExits1()
    {
        using var parley = new ParleyProcess();
        WriteConfig(parley, withBroken: true);

        var r = await parley.RunAsync(stdin: "", "tools");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"weather (dotnet {McpTestServer.Dll}): 3 tools\n", r.Stdout);
        Assert.Contains("  add          Adds two whole numbers.\n", r.Stdout);
        Assert.Contains("  get_weather  Gets the current weather for a city.\n", r.Stdout);
        Assert.Contains("error: MCP server 'broken' (dotnet) failed to start: ", r.Stderr);
        Assert.Contains("boom: cannot open the weather database", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [SkippableTheory]
    [InlineData("1_openai_nonstream/dotnet_gpt-4o-mini_parallel_tool_calls", false)]
    [InlineData("2_openai_stream/oaipy_gpt-4o_stream_parallel_tool_calls", true)]
    public async Task OneShot_RecordedParallelToolCalls_SecondRequestAnswersEachRecordedCall(string fixture, bool stream)
    {
        if (FixtureRoot.Path is null)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "the recorded fixtures are not beside the repository");
        }

        var basePath = Path.Combine(FixtureRoot.Path!, fixture);
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.FromFixture(basePath));
        server.Enqueue(ScriptedResponse.Text("Done."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", Args(stream, "--mcp", McpTestServer.Command(), "--yes", "weather?"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        var recordedCalls = RecordedCalls(basePath, stream);
        Assert.Equal(2, recordedCalls.Count);

        // The first request offers the tools in the shape OpenAI's own clients send: type function, name, description, parameters.
        var recordedRequest = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureRoot.Path!, "1_openai_nonstream/dotnet_gpt-4o-mini_parallel_tool_calls.request.json")));
        var recordedTool = recordedRequest.RootElement.GetProperty("tools")[0];
        var sentTool = server.Requests[0].Json!.Value.GetProperty("tools")[0];
        Assert.Equal(Keys(recordedTool), Keys(sentTool));
        Assert.Equal(Keys(recordedTool.GetProperty("function")), Keys(sentTool.GetProperty("function")));

        // The second: the assistant's calls as recorded, then one tool message per call id, in order.
        var messages = server.Requests[1].Json!.Value.GetProperty("messages").EnumerateArray().ToList();
        var calls = messages[1].GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(recordedCalls.Select(c => (c.Id, c.Name)), calls.Select(c => (c.GetProperty("id").GetString()!, c.GetProperty("function").GetProperty("name").GetString()!)));
        for (var i = 0; i < calls.Count; i++)
        {
            // The arguments go back as the same JSON (Microsoft.Extensions.AI re-serializes them: spacing may differ).
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(recordedCalls[i].Arguments), JsonNode.Parse(calls[i].GetProperty("function").GetProperty("arguments").GetString()!)));
        }

        Assert.Equal(recordedCalls.Select(c => c.Id), messages.Skip(2).Select(m => m.GetProperty("tool_call_id").GetString()!));
        Assert.All(messages.Skip(2), m => Assert.Equal("tool", m.GetProperty("role").GetString()));
    }

    private static string[] Args(bool stream, params string[] args) => stream ? args : ["--no-stream", .. args];

    private static List<string> Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    // The calls of a recorded answer: the message's tool_calls, or the stream's deltas joined by index.
    private static List<ToolCall> RecordedCalls(string basePath, bool stream)
    {
        if (!stream)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(basePath + ".response.json"));
            return [.. json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray().Select(c => new ToolCall(
                c.GetProperty("id").GetString()!, c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!))];
        }

        var calls = new SortedDictionary<int, (string Id, string Name, string Arguments)>();
        foreach (var line in File.ReadLines(basePath + ".response.sse"))
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line[6..]);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (!choice.GetProperty("delta").TryGetProperty("tool_calls", out var deltas))
                {
                    continue;
                }

                foreach (var delta in deltas.EnumerateArray())
                {
                    var index = delta.GetProperty("index").GetInt32();
                    var known = calls.TryGetValue(index, out var seen) ? seen : (Id: "", Name: "", Arguments: "");
                    var function = delta.GetProperty("function");
                    calls[index] = (
                        delta.TryGetProperty("id", out var id) ? id.GetString()! : known.Id,
                        function.TryGetProperty("name", out var name) ? name.GetString()! : known.Name,
                        known.Arguments + (function.TryGetProperty("arguments", out var arguments) ? arguments.GetString() : string.Empty));
                }
            }
        }

        return [.. calls.Values.Select(c => new ToolCall(c.Id, c.Name, c.Arguments))];
    }

    private static void WriteConfig(ParleyProcess parley, bool withBroken = false)
    {
        Directory.CreateDirectory(parley.ParleyHome);
        var servers = new Dictionary<string, object>
        {
            ["weather"] = new { command = "dotnet", args = new[] { McpTestServer.Dll }, env = new Dictionary<string, string> { ["WEATHER_UNIT"] = "F" } },
        };
        if (withBroken)
        {
            servers["broken"] = new { command = "dotnet", args = new[] { McpTestServer.Dll, "--crash" } };
        }

        File.WriteAllText(Path.Combine(parley.ParleyHome, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["mcp_servers"] = servers }));
    }
}
