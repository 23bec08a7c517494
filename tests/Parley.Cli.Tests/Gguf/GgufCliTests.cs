using System.Text;
using System.Text.Json;
using LLama;
using LLama.Common;
using Parley.TestServer;
using Parley.TestServer.Gguf;

namespace Parley.Cli.Tests.Gguf;

/// <summary>
/// <c>parley -m gguf:PATH</c> as a process, with tiny self-made GGUF files (their answers are noise: token counts,
/// limits, exit codes and the library loaded are asserted, never text).
/// </summary>
public sealed class GgufCliTests
{
    private static string Model(ParleyProcess parley, int context = 256, string name = "tiny.gguf") =>
        TinyGguf.Write(Path.Combine(parley.Root, name), new TinyGgufOptions { ContextLength = context });

    [Fact]
    public async Task OneShot_GgufModel_AnswersWithExactUsageAtNoCost()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:" + model, "--max-tokens", "6", "--temperature", "0", "--json", "Hello");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var usage = json.RootElement.GetProperty("usage");
        Assert.Equal(LlamaCppCount(model, "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(6, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", json.RootElement.GetProperty("finish_reason").GetString());
        Assert.Equal(0m, json.RootElement.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(256, json.RootElement.GetProperty("context").GetProperty("window").GetInt32());
    }

    [Fact]
    public async Task OneShotJson_GgufModel_ReportsSpeedsAndLoadTime()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:" + model, "--max-tokens", "4", "--json", "Hello");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.True(json.RootElement.GetProperty("prompt_tokens_per_second").GetDouble() > 0, r.Stdout);
        Assert.True(json.RootElement.GetProperty("output_tokens_per_second").GetDouble() > 0, r.Stdout);
        Assert.True(json.RootElement.GetProperty("load_ms").GetDouble() > 0, r.Stdout);
    }

    [Fact]
    public async Task OneShotJson_HostedModel_SpeedsFromServerTimingsNull()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hosted answer.", promptTokens: 20, completionTokens: 4));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--json", "Hello");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("prompt_tokens_per_second").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("load_ms").ValueKind);
    }

    [Fact]
    public async Task HistoryShowJson_GgufChatTurn_DerivedOutputSpeed()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);
        // Enough tokens that the time after the first one is not under the history's millisecond resolution.
        var chat = await parley.RunAsync("Hello\n", "chat", "-m", "gguf:" + model, "--max-tokens", "64");
        Assert.True(chat.ExitCode == 0, chat.Stderr);
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;

        var r = await parley.RunAsync(stdin: "", "history", "show", id, "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var turn = json.RootElement.GetProperty("turns")[0];
        Assert.True(turn.GetProperty("derived_output_tokens_per_second").GetDouble() > 0, r.Stdout);
    }

    [Fact]
    public async Task OneShot_NoLlamaCppBesideTheProgram_OneLineNamingTheBackendPackage()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);
        var alone = Path.Combine(parley.Root, "alone");
        Directory.CreateDirectory(alone);
        var (program, prefix) = ParleyProcess.Command;
        // The build copied without its llama.cpp libraries (what a library user gets from Parley.Llama alone):
        // every file beside the program, none of the runtimes/ folder's builds of llama.cpp.
        var source = Path.GetDirectoryName(prefix.Length == 0 ? program : prefix[0])!;
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("runtimes", StringComparison.Ordinal) && (relative.Contains("llama", StringComparison.Ordinal) || relative.Contains("ggml", StringComparison.Ordinal) || relative.Contains("mtmd", StringComparison.Ordinal)))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(alone, relative))!);
            File.Copy(file, Path.Combine(alone, relative));
        }

        if (prefix.Length == 0)
        {
            parley.UsingCommand(Path.Combine(alone, Path.GetFileName(program)));
        }
        else
        {
            parley.UsingCommand(program, Path.Combine(alone, Path.GetFileName(prefix[0])));
        }

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:" + model, "--max-tokens", "2", "hi");

        Assert.True(r.ExitCode == 2, r.Stderr);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: llama.cpp could not be loaded", line, StringComparison.Ordinal);
        Assert.Contains("LLamaSharp.Backend.Cpu", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatContext_GgufModel_WindowLabelledFromTheFilesMetadata()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley, context: 512);

        var r = await parley.RunAsync("/context\n", "chat", "-m", "gguf:" + model);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"Window: 512 tokens for {model} (the GGUF file's metadata)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatContext_GgufAliasWithContextSize_WindowLabelledCappedByTheSetting()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley, context: 512);
        Directory.CreateDirectory(parley.ParleyHome);
        File.WriteAllText(Path.Combine(parley.ParleyHome, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["gguf"] = new Dictionary<string, object> { ["tiny"] = new Dictionary<string, object> { ["path"] = model, ["context_size"] = 128 } },
        }));

        var r = await parley.RunAsync("/context\n", "chat", "-m", "gguf:tiny");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Window: 128 tokens for tiny (the GGUF file's 512, capped by context_size)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_GgufModel_ExactCountFromItsOwnTokenizer()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);
        const string text = "Hello there, <|im_start|> ünïcödé";

        var r = await parley.RunAsync(stdin: "", "tokens", "-m", "gguf:" + model, text);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Encoding.UTF8.GetByteCount(text) + "\n", r.Stdout); // a byte-level vocabulary: one token per byte
        Assert.Equal("", r.Stderr); // exact: no estimate note
    }

    [Fact]
    public async Task OneShot_MissingGgufFile_OneLineExit2()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:" + Path.Combine(parley.Root, "missing.gguf"), "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: GGUF model file not found: {Path.Combine(parley.Root, "missing.gguf")}\n", r.Stderr);
    }

    [Fact]
    public async Task OneShot_TruncatedGgufFile_OneLineExit2()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 3)]);

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:" + model, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: llama.cpp could not load", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task OneShot_Verbose_LoadsTheFastestCpuBuildOfLlamaCpp()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley);

        var r = await parley.RunAsync(stdin: "", "--verbose", "-m", "gguf:" + model, "--max-tokens", "2", "hi");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = r.Stderr.Split('\n').Single(l => l.StartsWith("llama.cpp library: ", StringComparison.Ordinal));
        Assert.EndsWith($"/{FastestBuild()}/libllama.so", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_GgufAlias_OpensTheFileWithItsContextSizeAndPrice()
    {
        using var parley = new ParleyProcess();
        var model = Model(parley, context: 512);
        Directory.CreateDirectory(parley.ParleyHome);
        File.WriteAllText(Path.Combine(parley.ParleyHome, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["gguf"] = new Dictionary<string, object>
            {
                ["tiny"] = new Dictionary<string, object> { ["path"] = model, ["context_size"] = 128, ["input_per_million"] = 1_000_000, ["output_per_million"] = 2_000_000 },
            },
        }));

        var r = await parley.RunAsync(stdin: "", "-m", "gguf:tiny", "--max-tokens", "3", "--temperature", "0", "--json", "Hi");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var prompt = json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal("tiny", json.RootElement.GetProperty("model").GetString());
        Assert.Equal(128, json.RootElement.GetProperty("context").GetProperty("window").GetInt32());
        Assert.Equal(prompt + (3 * 2m), json.RootElement.GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task Compare_HostedAndGgufModel_BothAnsweredTheGgufOneCountedInProcess()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hosted answer.", promptTokens: 20, completionTokens: 4));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var model = Model(parley);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--json", "--max-tokens", "4", "-m", "gpt-4o-mini", "-m", "gguf:" + model, "Hello");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(20, rows[0].GetProperty("prompt_tokens").GetInt64());
        var local = rows[1];
        Assert.Equal("gguf", local.GetProperty("kind").GetString());
        Assert.Equal(LlamaCppCount(model, "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"), local.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(4, local.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(0m, local.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(256, local.GetProperty("context_window").GetInt32());
        Assert.True(local.GetProperty("output_tokens_per_second").GetDouble() > 0);
        Assert.Single(server.Requests, q => q.Path == "/v1/chat/completions");
    }

    // llama.cpp's own count of a prompt, through LLamaSharp directly (not Parley's renderer).
    internal static int LlamaCppCount(string model, string prompt)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model));
        return weights.Tokenize(prompt, add_bos: false, special: true, Encoding.UTF8).Length;
    }

    // The backend's build for this CPU, from the flags the kernel reports.
    private static string FastestBuild()
    {
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        return flags.Contains("avx512f") ? "avx512" : flags.Contains("avx2") ? "avx2" : flags.Contains("avx") ? "avx" : "noavx";
    }
}
