using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests.Ollama;

/// <summary>parley against the loopback server's Ollama emulation (native <c>/api</c>), run as a process.</summary>
public sealed class OllamaCliTests
{
    private static LoopbackServerOptions Installed() => new()
    {
        OllamaModels =
        [
            new OllamaModel("llama3.2") { Family = "llama", ParameterSize = "3.2B", QuantizationLevel = "Q4_K_M", Size = 2_019_393_189, ContextLength = 131_072, ModifiedAt = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero) },
            new OllamaModel("qwen3:0.6b") { Family = "qwen3", ParameterSize = "751.63M", QuantizationLevel = "Q4_K_M", Size = 522_653_767, ContextLength = 40_960, ModifiedAt = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero) },
        ],
    };

    [Fact]
    public async Task Ollama_OneShot_AnswersWithUsageSpeedAndNumCtx()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: 14, completionTokens: 2));
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:llama3.2", "-u", "--no-log", "Capital of France?");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Paris.\n", r.Stdout);
        Assert.Contains("Tokens: 14 in / 2 out", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("1000 tok/s", r.Stderr, StringComparison.Ordinal);
        var chat = Assert.Single(server.Requests, q => q.Path == "/api/chat");
        Assert.Equal("llama3.2", chat.Model);
        Assert.Equal(2048, chat.NumCtx);
        Assert.True(chat.Stream);
    }

    [Fact]
    public async Task Ollama_ChatRequestBody_CarriesOnlyApiFields()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:llama3.2", "--no-log", "hi");

        Assert.Equal(0, r.ExitCode);
        var chat = Assert.Single(server.Requests, q => q.Path == "/api/chat");
        string[] apiFields = ["model", "messages", "tools", "format", "options", "stream", "keep_alive", "think"];
        var fields = chat.Json!.Value.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.All(fields, name => Assert.Contains(name, apiFields));
        Assert.DoesNotContain("CustomHeaders", chat.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ollama_ModelNotInstalled_ExitsOneWithPullHint()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:mistral-nemo", "--no-log", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: model mistral-nemo is not installed: run `ollama pull mistral-nemo`\n", r.Stderr);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Ollama_ServerDown_ExitsOneSayingHowToStartIt()
    {
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.Closed());

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:llama3.2", "--max-retries", "0", "--no-log", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("connection refused", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("ollama serve", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ollama_ZeroConfig_ProbesTagsOnceThenUsesNewestModel()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "--no-log", "hello");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Echo: hello\n", r.Stdout);
        Assert.Contains($"using Ollama at {LoopbackAddresses.OllamaHost(server)} with qwen3:0.6b (the most recently modified model", r.Stderr, StringComparison.Ordinal);
        var first = server.Requests[0];
        Assert.Equal(("GET", "/api/tags"), (first.Method, first.Path));
        Assert.Single(server.Requests, q => q.Path == "/api/tags");
        Assert.Equal("qwen3:0.6b", server.Requests.Single(q => q.Path == "/api/chat").Model);
        Assert.DoesNotContain(server.Requests, q => q.Path.StartsWith("/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ollama_ZeroConfigWithInstalledModelFlag_UsesThatModel()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "llama3.2", "--no-log", "hello");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("llama3.2:latest", server.Requests.Single(q => q.Path == "/api/chat").Model);
    }

    [Fact]
    public async Task Ollama_ZeroConfigNothingListening_MissingKeyMessageExplainsOllama()
    {
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.Closed());

        var r = await parley.RunAsync(stdin: "", "--no-log", "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OPENAI_API_KEY", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("ollama pull llama3.2", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing answered at http://127.0.0.1:", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ollama_ZeroConfigWithProviderChosen_SendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server)).With("PARLEY_PROVIDER", "openai");

        var r = await parley.RunAsync(stdin: "", "--no-log", "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OPENAI_API_KEY", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ollama pull", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Ollama_ModelsList_ShowsInstalledModelsWithDetails()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: null, "models", "--provider", "ollama");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Contains(lines, l => l.StartsWith("NAME", StringComparison.Ordinal) && l.Contains("QUANTIZATION", StringComparison.Ordinal) && l.Contains("CONTEXT", StringComparison.Ordinal));
        var qwen = lines.FindIndex(l => l.StartsWith("qwen3:0.6b", StringComparison.Ordinal));
        var llama = lines.FindIndex(l => l.StartsWith("llama3.2:latest", StringComparison.Ordinal));
        Assert.True(qwen >= 0 && llama > qwen, r.Stdout);
        Assert.Matches(@"^qwen3:0\.6b\s+523 MB\s+qwen3\s+751\.63M\s+Q4_K_M\s+40,960\s+2025-09-01 00:00$", lines[qwen]);
        Assert.Matches(@"^llama3\.2:latest\s+2\.0 GB\s+llama\s+3\.2B\s+Q4_K_M\s+131,072\s+2025-08-01 00:00$", lines[llama]);
    }

    [Fact]
    public async Task Ollama_ModelsJson_OneObjectPerModel()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: null, "models", "--provider", "ollama", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var models = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, models.Count);
        Assert.Equal("qwen3:0.6b", models[0].GetProperty("name").GetString());
        Assert.Equal(522_653_767, models[0].GetProperty("size_bytes").GetInt64());
        Assert.Equal("qwen3", models[0].GetProperty("family").GetString());
        Assert.Equal("Q4_K_M", models[0].GetProperty("quantization").GetString());
        Assert.Equal(40_960, models[0].GetProperty("context_length").GetInt32());
    }

    [Fact]
    public async Task Ollama_ModelsNotInstalled_ExitsOneWithPullHint()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: null, "models", "-m", "ollama:phi4");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: model phi4 is not installed: run `ollama pull phi4`\n", r.Stderr);
    }

    [Fact]
    public async Task Ollama_ModelsOneModel_DescribesIt()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: null, "models", "-m", "ollama:llama3.2", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var model = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("llama3.2:latest", model.GetProperty("name").GetString());
        Assert.Equal(131_072, model.GetProperty("context_length").GetInt32());
        Assert.Equal(2_019_393_189, model.GetProperty("size_bytes").GetInt64());
    }

    [Fact]
    public async Task Ollama_OpenAICompatibleBuiltIn_StillTalksToV1()
    {
        await using var server = await LoopbackServer.StartAsync(Installed());
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama-openai:llama3.2", "--no-log", "hello");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Echo: hello\n", r.Stdout);
        Assert.Equal("/v1/chat/completions", Assert.Single(server.Requests).Path);
    }
}
