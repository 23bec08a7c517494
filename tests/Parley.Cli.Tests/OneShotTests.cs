using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>One-shot prompts run as a process against the loopback server.</summary>
public class OneShotTests
{
    [Fact]
    public async Task Prompt_Streaming_PrintsAnswerOnlyOnStdout()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Why did the chicken cross the road?").WithChunks("Why did ", "the chicken ", "cross the road?"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "Tell", "me", "a", "joke");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Why did the chicken cross the road?\n", r.Stdout);
        var request = Assert.Single(server.Requests);
        Assert.True(request.Stream);
        Assert.Equal([("user", "Tell me a joke")], request.Messages);
    }

    [Fact]
    public async Task Prompt_NoStream_AsksForOneCompleteResponse()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-stream", "hello world");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Echo: hello world\n", r.Stdout);
        Assert.False(server.Requests[0].Stream);
    }

    [Fact]
    public async Task Prompt_StdinAndArgument_StdinComesFirst()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "def add(a, b): return a + b\n", "Explain this code");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("def add(a, b): return a + b\nExplain this code", server.Requests[0].Messages[^1].Content);
    }

    [Fact]
    public async Task Prompt_SystemModelAndGenerationFlags_AreSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-s", "You are terse.", "-m", "gpt-4.1-mini", "--max-tokens", "50", "--temperature", "0.2",
            "--top-p", "0.5", "--seed", "42", "--stop", "END", "--stop", "STOP", "hi");

        Assert.Equal(0, r.ExitCode);
        var request = server.Requests[0];
        var json = request.Json!.Value;
        Assert.Equal("gpt-4.1-mini", request.Model);
        Assert.Equal(("system", "You are terse."), request.Messages[0]);
        Assert.Equal(50, request.MaxTokens);
        Assert.Equal(0.2, json.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.5, json.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(42, json.GetProperty("seed").GetInt32());
        Assert.Equal(["END", "STOP"], json.GetProperty("stop").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prompt_Json_PrintsOneObjectWithUsageAndNullsForUnreported(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("I'm fine.", promptTokens: 20, completionTokens: 34, model: "gpt-4o-mini-2024-07-18"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? [ "--json", "Hello" ] : [ "--json", "--no-stream", "Hello" ]);

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("I'm fine.", root.GetProperty("content").GetString());
        Assert.Equal("gpt-4o-mini-2024-07-18", root.GetProperty("model").GetString());
        Assert.Equal("stop", root.GetProperty("finish_reason").GetString());
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(20, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(34, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(54, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, usage.GetProperty("cached_tokens").ValueKind);
        Assert.Equal(JsonValueKind.Null, usage.GetProperty("reasoning_tokens").ValueKind);
    }

    [Fact]
    public async Task Prompt_Json_ReportedCachedAndReasoningTokensAreNumbers()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("ok", promptTokens: 1200, completionTokens: 56, cachedTokens: 1024, reasoningTokens: 40));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "Hello");

        using var doc = JsonDocument.Parse(r.Stdout);
        var usage = doc.RootElement.GetProperty("usage");
        Assert.Equal(1024, usage.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(40, usage.GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Prompt_Usage_PrintsTokensLineOnStderr()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("answer", promptTokens: 20, completionTokens: 34));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-u", "Hello");

        Assert.Equal("answer\n", r.Stdout);
        Assert.Contains("Tokens: 20 in / 34 out", r.Stderr);
    }

    [Fact]
    public async Task Prompt_FinishReasonLength_WarnsOnStderr()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Once upon", finishReason: "length"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--max-tokens", "2", "Tell a story");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("answer cut at --max-tokens (2)", r.Stderr);
    }

    [Fact]
    public async Task Prompt_Streaming_EachChunkReachesStdoutBeforeTheRestIsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        var release = new TaskCompletionSource();
        server.Enqueue(ScriptedResponse.Text("first-chunk and the rest").WithChunks("first-chunk", " and the rest").HoldAfterFirstChunk(release.Task));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["hold on"], redirectStdin: false);

        var buffer = new char[64];
        var seen = "";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!seen.Contains("first-chunk", StringComparison.Ordinal))
        {
            var n = await process.StandardOutput.ReadAsync(buffer.AsMemory(), timeout.Token);
            Assert.True(n > 0, "stdout closed before the first chunk arrived");
            seen += new string(buffer, 0, n);
        }

        Assert.DoesNotContain("the rest", seen);
        release.SetResult();
        seen += await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal("first-chunk and the rest\n", seen);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Prompt_DoubleDash_SendsCommandLikeWord()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--", "chta");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("chta", server.Requests[0].Messages[^1].Content);
    }

    [Fact]
    public async Task Prompt_KeyFromDotEnvInWorkingDirectory_IsUsed()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OPENAI_API_KEY", null);
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, ".env"), "OPENAI_API_KEY=sk-from-dotenv-file-0001\n");

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Bearer sk-from-dotenv-file-0001", server.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task Prompt_KeyInEnvironmentAndDotEnv_EnvironmentWins()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, apiKey: "sk-from-environment-0002");
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, ".env"), "OPENAI_API_KEY=sk-from-dotenv-file-0001\n");

        await parley.RunAsync(stdin: "", "hi");

        Assert.Equal("Bearer sk-from-environment-0002", server.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task Prompt_ProviderPrefixFromConfig_UsesThatProvidersUrlAndNoKey()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"),
            """{"providers":{"local":{"kind":"openai-compatible","base_url":"BASE","aliases":{"small":"llama3.2:3b"}}}}""".Replace("BASE", server.OpenAIBaseUrl.ToString(), StringComparison.Ordinal));

        var r = await parley.RunAsync(stdin: "", "-m", "local:small", "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("llama3.2:3b", server.Requests[0].Model);
        Assert.False(server.Requests[0].Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Prompt_MessagesFileEndingWithUser_UsesItAsPrompt()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var file = Path.Combine(parley.WorkingDirectory, "pirate.json");
        await File.WriteAllTextAsync(file, """
            [
              {"role": "system", "content": "You are a pirate."},
              {"role": "user", "content": "Hello"},
              {"role": "assistant", "content": "Ahoy, matey!"},
              {"role": "user", "content": "How is the weather?"}
            ]
            """);

        var r = await parley.RunAsync(stdin: "", "--messages", file);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            [("system", "You are a pirate."), ("user", "Hello"), ("assistant", "Ahoy, matey!"), ("user", "How is the weather?")],
            server.Requests[0].Messages);
    }

    [Fact]
    public async Task Prompt_MessagesFileAndArgument_ArgumentIsItsOwnUserMessage()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var file = Path.Combine(parley.WorkingDirectory, "pirate.json");
        await File.WriteAllTextAsync(file, """
            [
              {"role": "system", "content": "You are a pirate."},
              {"role": "user", "content": "Hello"},
              {"role": "assistant", "content": "Ahoy, matey!"},
              {"role": "user", "content": "How is the weather?"}
            ]
            """);

        var r = await parley.RunAsync(stdin: "", "--messages", file, "And the sea?");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            [("system", "You are a pirate."), ("user", "Hello"), ("assistant", "Ahoy, matey!"), ("user", "How is the weather?"), ("user", "And the sea?")],
            Assert.Single(server.Requests).Messages);
    }

    [Theory]
    [InlineData("[\n  {\"role\": \"user\", \"content\": \"hi\"},\n  {\"role\": \"user\" \"content\": \"x\"}\n]", "line 3")]
    [InlineData("[{\"role\": \"wizard\", \"content\": \"hi\"}]", "message 1 has unknown role 'wizard'")]
    [InlineData("[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\"}]", "message 2 (user) has no \"content\"")]
    [InlineData("{\"role\": \"user\"}", "expected a JSON array")]
    public async Task Prompt_InvalidMessagesFile_Exit2SayingWhere(string content, string expected)
    {
        using var parley = new ParleyProcess().Against(new Uri("http://127.0.0.1:9/v1"));
        var file = Path.Combine(parley.WorkingDirectory, "bad.json");
        await File.WriteAllTextAsync(file, content);

        var r = await parley.RunAsync(stdin: "", "--messages", file, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.json", r.Stderr);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public async Task Prompt_MissingMessagesFile_Exit2()
    {
        using var parley = new ParleyProcess().Against(new Uri("http://127.0.0.1:9/v1"));

        var r = await parley.RunAsync(stdin: "", "--messages", "nope.json", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nope.json", r.Stderr);
    }
}
