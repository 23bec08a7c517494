using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests.Compare;

/// <summary>
/// <c>parley compare</c> run as a process against one loopback server that plays both backends: OpenAI-compatible
/// (<c>/v1</c>, as "openai") and Ollama's native API (<c>/api</c>). Deterministic columns are asserted exactly; timing
/// columns only by order and lower bounds.
/// </summary>
public sealed class CompareCliTests
{
    private const int TimerSlackMs = 5;

    // Round prices so costs read exactly: 20 prompt + 4 completion tokens cost 20 × $1000/M + 4 × $2000/M = $0.028.
    private const string PricesConfig = """
        { "models": { "gpt-4o-mini": { "input_per_million": 1000, "cached_input_per_million": 1000, "output_per_million": 2000 } } }
        """;

    private static ParleyProcess Parley(LoopbackServer server)
    {
        var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));
        Directory.CreateDirectory(parley.ParleyHome);
        File.WriteAllText(Path.Combine(parley.ParleyHome, "config.json"), PricesConfig);
        return parley;
    }

    [Fact]
    public async Task Compare_SequentialJson_DeterministicColumnsExactTimingsByOrder()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hosted answer about Paris.", promptTokens: 20, completionTokens: 4).WithDelay(TimeSpan.FromMilliseconds(1200)));
        server.Enqueue(ScriptedResponse.Text("Local answer.", promptTokens: 30, completionTokens: 2));
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--json", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "What is the capital of France?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        var hosted = rows[0];
        var local = rows[1];

        Assert.Equal("gpt-4o-mini", hosted.GetProperty("model").GetString());
        Assert.Equal("openai", hosted.GetProperty("provider").GetString());
        Assert.Equal("openai", hosted.GetProperty("kind").GetString());
        Assert.Equal(20, hosted.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(4, hosted.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(0.028m, hosted.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(ModelCatalog.BuiltIn.Find("gpt-4o-mini")!.ContextWindow, hosted.GetProperty("context_window").GetInt32());
        Assert.Equal("Hosted answer about Paris.", hosted.GetProperty("answer").GetString());
        Assert.Equal(JsonValueKind.Null, hosted.GetProperty("num_ctx").ValueKind);
        Assert.Equal(1, hosted.GetProperty("answered").GetInt32());

        Assert.Equal("ollama:llama3.2", local.GetProperty("model").GetString());
        Assert.Equal("ollama", local.GetProperty("provider").GetString());
        Assert.Equal("ollama", local.GetProperty("kind").GetString());
        Assert.Equal(30, local.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(2, local.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(0m, local.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(131_072, local.GetProperty("context_window").GetInt32());
        Assert.Equal(2048, local.GetProperty("num_ctx").GetInt32());
        Assert.Equal(1000.0, local.GetProperty("output_tokens_per_second").GetDouble());
        Assert.Equal("Local answer.", local.GetProperty("answer").GetString());

        var hostedTotal = hosted.GetProperty("total_ms").GetInt64();
        var localTotal = local.GetProperty("total_ms").GetInt64();
        // The server's Task.Delay and the CLI's whole-millisecond timing each may come in up to a timer tick under the
        // scripted delay (CI once saw 1199 ms), so allow a few milliseconds, far less than any real timing bug would show.
        Assert.True(hostedTotal >= 1200 - TimerSlackMs, $"hosted total {hostedTotal} ms < the scripted 1200 ms delay");
        Assert.True(localTotal < hostedTotal, $"local {localTotal} ms, hosted {hostedTotal} ms");
        foreach (var row in rows)
        {
            Assert.True(row.GetProperty("time_to_first_token_ms").GetInt64() <= row.GetProperty("total_ms").GetInt64());
        }

        var chats = server.Requests.Where(q => q.Path is "/v1/chat/completions" or "/api/chat").ToList();
        Assert.Equal(["/v1/chat/completions", "/api/chat"], chats.Select(q => q.Path));
        Assert.True(chats[1].ReceivedAt - chats[0].ReceivedAt >= TimeSpan.FromMilliseconds(1200 - TimerSlackMs), "--sequential sent the second request before the first answer ended");
    }

    [Fact]
    public async Task Compare_Concurrent_SendsBothRequestsBeforeEitherAnswers()
    {
        await using var server = await LoopbackServer.StartAsync();
        var delay = TimeSpan.FromMilliseconds(2500);
        server.Enqueue(ScriptedResponse.Text("same answer", promptTokens: 5, completionTokens: 2).WithDelay(delay));
        server.Enqueue(ScriptedResponse.Text("same answer", promptTokens: 5, completionTokens: 2).WithDelay(delay));
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--json", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var chats = server.Requests.Where(q => q.Path is "/v1/chat/completions" or "/api/chat").OrderBy(q => q.ReceivedAt).ToList();
        Assert.Equal(2, chats.Count);
        Assert.True(chats[1].ReceivedAt - chats[0].ReceivedAt < delay, "the second request waited for the first answer");
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.All(doc.RootElement.EnumerateArray(), row => Assert.True(row.GetProperty("total_ms").GetInt64() >= delay.TotalMilliseconds - TimerSlackMs));
    }

    [Fact]
    public async Task Compare_Runs_AsksEveryModelNTimesAndReportsMedians()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--runs", "3", "--sequential", "--json", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "one two three");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(3, server.Requests.Count(q => q.Path == "/v1/chat/completions"));
        Assert.Equal(3, server.Requests.Count(q => q.Path == "/api/chat"));
        using var doc = JsonDocument.Parse(r.Stdout);
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            Assert.Equal(3, row.GetProperty("runs").GetInt32());
            Assert.Equal(3, row.GetProperty("answered").GetInt32());
            Assert.Equal("Echo: one two three", row.GetProperty("answer").GetString());
            Assert.Equal(Words("one two three"), row.GetProperty("prompt_tokens").GetInt64());
        }
    }

    [Fact]
    public async Task Compare_TextWithTable_PrintsResultsAndLocalVsHostedRows()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hosted answer about Paris.", promptTokens: 20, completionTokens: 4));
        server.Enqueue(ScriptedResponse.Text("Local answer.", promptTokens: 30, completionTokens: 2));
        using var parley = Parley(server);
        var address = LoopbackAddresses.OllamaHost(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--table", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "Capital?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Matches(@"^\| model\s+\| provider\s+\| first token \|\s+total \| out tok/s \| prompt \| completion \|\s+cost \| context \| answer\s+\|$", lines[0]);
        Assert.Matches(@"^\| gpt-4o-mini\s+\| openai\s+\|\s+\d+\.\d\d s \|\s+\d+\.\d\d s \|\s+\d+ \|\s+20 \|\s+4 \|\s+\$0\.028 \| 128,000 \| Hosted answer about Paris\.\s+\|$", lines[2]);
        Assert.Matches(@"^\| ollama:llama3\.2 \| ollama\s+\|\s+\d+\.\d\d s \|\s+\d+\.\d\d s \|\s+1000 \|\s+30 \|\s+2 \|\s+\$0 \| 131,072 \| Local answer\.\s+\|$", lines[3]);

        string Row(string feature) => Assert.Single(lines, l => l.StartsWith("| " + feature + " ", StringComparison.Ordinal));
        Assert.Contains("| feature", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("gpt-4o-mini (local)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("ollama:llama3.2 (local)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("an API key (OPENAI_API_KEY)", Row("setup"), StringComparison.Ordinal);
        Assert.Contains($"model pulled into Ollama at {address} (3.2B, Q4_K_M)", Row("setup"), StringComparison.Ordinal);
        Assert.Contains("$0.028 for this answer; $1000.00 in / $2000.00 out per 1M tokens", Row("cost"), StringComparison.Ordinal);
        Assert.Contains("$0: no per-token price (your hardware and power)", Row("cost"), StringComparison.Ordinal);
        Assert.Contains("prompts stay on this machine (127.0.0.1)", Row("privacy"), StringComparison.Ordinal);
        Assert.Contains("1000 tok/s", Row("performance"), StringComparison.Ordinal);
        Assert.Contains("1/1 runs answered", Row("reliability"), StringComparison.Ordinal);
        Assert.Contains("128,000 tokens (catalog)", Row("context window"), StringComparison.Ordinal);
        Assert.Contains("131,072 tokens (Ollama /api/show); num_ctx 2,048 used", Row("context window"), StringComparison.Ordinal);
        Assert.Contains("sets num_ctx (2,048) to fit it", Row("memory management"), StringComparison.Ordinal);
        Assert.Contains("prompts over 128,000 tokens are stopped before sending", Row("memory management"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_Csv_HeaderAndOneRowPerModel()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hosted answer.", promptTokens: 20, completionTokens: 4));
        server.Enqueue(ScriptedResponse.Text("Local, short.", promptTokens: 30, completionTokens: 2));
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--csv", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "Capital?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("model,provider,kind,local,runs,answered,time_to_first_token_ms,total_ms,output_tokens_per_second,prompt_tokens,completion_tokens,cost_usd,context_window,num_ctx,answer,error", lines[0]);
        Assert.Matches(@"^gpt-4o-mini,openai,openai,true,1,1,\d+,\d+,[\d.]+,20,4,0\.028,128000,,Hosted answer\.,$", lines[1]);
        Assert.Matches(@"^ollama:llama3\.2,ollama,ollama,true,1,1,\d+,\d+,1000\.0,30,2,0,131072,2048,""Local, short\."",$", lines[2]);
    }

    [Fact]
    public async Task Compare_Csv_CarriesWholeAnswerQuoted()
    {
        const string answer = "Paris, of course. It is the \"City of Light\",\nand the seat of government since 987 — a long answer, well past forty characters.\n\nSecond paragraph.";
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text(answer, promptTokens: 20, completionTokens: 4));
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--csv", "-m", "gpt-4o-mini", "Capital?");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var records = CsvRecords.Parse(r.Stdout);
        Assert.Equal(2, records.Count);
        var (header, row) = (records[0], records[1]);
        Assert.Equal(header.Length, row.Length);
        Assert.Equal(answer, row[Array.IndexOf(header, "answer")]);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("svg")]
    public async Task Compare_Chart_WritesImageWithLabels(string format)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = Parley(server);
        var chart = Path.Combine(parley.Root, "chart." + format);

        var r = await parley.RunAsync(stdin: "", "compare", "--sequential", "--chart", chart, "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"chart written to {chart}", r.Stderr, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(chart);
        if (format == "png")
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            using var image = SkiaSharp.SKBitmap.Decode(bytes);
            Assert.Equal((ComparisonChart.Width, ComparisonChart.Height), (image.Width, image.Height));
            // Text drawn with the embedded font: a chart without glyphs compresses to a few kilobytes.
            Assert.True(bytes.Length > 15_000, $"{bytes.Length} bytes: the labels are probably missing");
        }
        else
        {
            var svg = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
            Assert.Contains("font-family=\"DejaVu Sans\"", svg, StringComparison.Ordinal);
            Assert.Contains("ollama:llama3.2", svg, StringComparison.Ordinal);
            Assert.Contains("Latency", svg, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Compare_OllamaModelNotInstalled_OtherModelsStillMeasuredExitOne()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", "--json", "-m", "gpt-4o-mini", "-m", "ollama:phi4", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: ollama:phi4: model phi4 is not installed: run `ollama pull phi4`", r.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(1, rows[0].GetProperty("answered").GetInt32());
        Assert.Equal(0, rows[1].GetProperty("answered").GetInt32());
        Assert.Equal("model phi4 is not installed: run `ollama pull phi4`", rows[1].GetProperty("errors")[0].GetString());
        Assert.DoesNotContain(server.Requests, q => q.Path == "/api/chat");
    }

    [Theory]
    [InlineData("--json", "--csv")]
    [InlineData("--chart", "out.gif")]
    [InlineData("--runs", "0")]
    public async Task Compare_BadFlags_ExitTwo(string flag, string value)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = Parley(server);

        var r = await parley.RunAsync(stdin: "", "compare", flag, value, "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Compare_NoModel_ExitTwo()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "compare", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--model", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_HostedModelWithoutKey_ExitTwoBeforeAnyRequest()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "compare", "-m", "gpt-4o-mini", "-m", "ollama:llama3.2", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OPENAI_API_KEY", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    /// <summary>The loopback server's prompt size for one user message: words + 3 per message + 3.</summary>
    private static long Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + 3 + 3;
}
