using System.Text.Json;

namespace Parley.Cli.Tests;

/// <summary><c>parley models</c>: the catalog as a table or as JSON.</summary>
public class ModelsCommandTests
{
    [Fact]
    public async Task Models_Table_ListsEveryCatalogModelWithLimitsPricesAndFlags()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "models");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^MODEL\s+PROVIDER\s+CONTEXT\s+MAX OUT\s+ENCODING\s+\$/M IN\s+\$/M CACHED\s+\$/M OUT\s+FLAGS$", lines[0]);
        Assert.Equal(ModelCatalog.BuiltIn.Models.Count + 1, lines.Length);
        Assert.Matches(@"^gpt-4o-mini\s+openai\s+128,000\s+16,384\s+o200k_base\s+0\.15\s+0\.075\s+0\.60$", Row(lines, "gpt-4o-mini"));
        Assert.Matches(@"^gpt-4\s+openai\s+8,192\s+4,096\s+cl100k_base\s+30\.00\s+-\s+60\.00$", Row(lines, "gpt-4"));
        Assert.EndsWith("reasoning effort developer no-temperature", Row(lines, "o3-mini"));
        Assert.EndsWith("reasoning user no-temperature", Row(lines, "o1-mini"));
        Assert.Matches(@"^llama3\.2\s+ollama\s+131,072\s+\?\s+-\s+0\.00\s+0\.00\s+0\.00\s+local ~tokens$", Row(lines, "llama3.2"));
        Assert.Contains("US$ per million tokens", r.Stderr);
    }

    [Fact]
    public async Task Models_Json_PrintsAnArrayWithEveryFieldSourceAndPriceDate()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "models", "--json");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.Equal(ModelCatalog.BuiltIn.Models.Count, doc.RootElement.GetArrayLength());
        var mini = Model(doc, "gpt-4o-mini");
        Assert.Equal(
            ["id", "provider", "context_window", "max_output_tokens", "encoding", "exact_tokenizer", "input_per_million", "cached_input_per_million",
             "output_per_million", "reasoning", "system_role", "supports_temperature", "supports_reasoning_effort", "max_tokens_field", "framing",
             "image_tokens", "image_input", "file_input", "local", "source", "price_date"],
            mini.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.15m, mini.GetProperty("input_per_million").GetDecimal());
        Assert.Equal(0.075m, mini.GetProperty("cached_input_per_million").GetDecimal());
        Assert.Equal(0.6m, mini.GetProperty("output_per_million").GetDecimal());
        Assert.Equal(128_000, mini.GetProperty("context_window").GetInt32());
        Assert.True(mini.GetProperty("exact_tokenizer").GetBoolean());
        Assert.Equal(3, mini.GetProperty("framing").GetProperty("reply_priming").GetInt32());
        Assert.Contains("LiteLLM", mini.GetProperty("source").GetString());
        Assert.Equal("2026-11-23", mini.GetProperty("price_date").GetString());
        Assert.True(mini.GetProperty("image_input").GetBoolean());
        Assert.False(mini.GetProperty("file_input").GetBoolean());
        Assert.False(Model(doc, "gpt-3.5-turbo").GetProperty("image_input").GetBoolean());
        Assert.Equal("user", Model(doc, "o1-mini").GetProperty("system_role").GetString());
        Assert.Equal(2, Model(doc, "o3-mini").GetProperty("framing").GetProperty("reply_priming").GetInt32());
        var llama = Model(doc, "llama3.2");
        Assert.Equal(JsonValueKind.Null, llama.GetProperty("max_output_tokens").ValueKind);
        Assert.Equal(JsonValueKind.Null, llama.GetProperty("encoding").ValueKind);
        Assert.False(llama.GetProperty("exact_tokenizer").GetBoolean());
        Assert.Equal("max_tokens", llama.GetProperty("max_tokens_field").GetString());
    }

    [Fact]
    public async Task Models_ConfigOverrides_AreListed()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """
            { "models": {
                "gpt-4o": { "input_per_million": 2.0 },
                "my-vllm": { "provider": "vllm", "context_window": 32768, "framing": "chatml" } } }
            """);

        var r = await parley.RunAsync(stdin: "", "models", "--json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var gpt4o = Model(doc, "gpt-4o");
        Assert.Equal(2.0m, gpt4o.GetProperty("input_per_million").GetDecimal());
        Assert.Equal(JsonValueKind.Null, gpt4o.GetProperty("price_date").ValueKind);
        Assert.StartsWith("user config", gpt4o.GetProperty("source").GetString());
        var mine = Model(doc, "my-vllm");
        Assert.Equal("vllm", mine.GetProperty("provider").GetString());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("input_per_million").ValueKind);
    }

    [Fact]
    public async Task Models_BadConfigModels_ExitsWithUsageError()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """{ "models": { "gpt-4o": { "input_price": 2.0 } } }""");

        var r = await parley.RunAsync(stdin: "", "models");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown field 'input_price'", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    private static string Row(string[] lines, string id) => Assert.Single(lines, l => l.StartsWith(id + " ", StringComparison.Ordinal));

    private static JsonElement Model(JsonDocument doc, string id) =>
        doc.RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);
}
