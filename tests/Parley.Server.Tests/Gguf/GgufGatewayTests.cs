using System.Net;
using System.Text;
using System.Text.Json;
using LLama;
using LLama.Common;
using Parley.TestServer;
using Parley.TestServer.Gguf;

namespace Parley.Server.Tests;

/// <summary>The gateway serving a GGUF file in-process over the OpenAI API (a tiny self-made model: counts, not text).</summary>
public sealed class GgufGatewayTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("parley-gguf-").FullName;

    [Fact]
    public async Task Stream_GgufModel_ServedInProcessCountedExactlyAndSaved()
    {
        var model = TinyGguf.Write(Path.Combine(directory, "tiny.gguf"), new TinyGgufOptions { ContextLength = 128 });
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var body = GatewayJson.Chat("gguf:" + model, "Hello", stream: true, extra: ",\"max_tokens\":5,\"temperature\":0,\"stream_options\":{\"include_usage\":true}");

        using var response = await GatewayJson.PostAsync(gateway.Client, body);
        var events = GatewayJson.Events(await response.Content.ReadAsStringAsync());
        using var tooLong = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gguf:" + model, new string('x', 200)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("data: [DONE]\n\n", events[^1]);
        using var usage = JsonDocument.Parse(events[^2]["data: ".Length..]);
        var counts = usage.RootElement.GetProperty("usage");
        Assert.Equal(LlamaCppCount(model, "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"), counts.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, counts.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0m, counts.GetProperty("cost_usd").GetDecimal());
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"length\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("context_length_exceeded", (await GatewayJson.ErrorAsync(tooLong)).GetProperty("code").GetString());
        Assert.DoesNotContain(upstream.Requests, r => r.Path == "/v1/chat/completions");
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(5, saved.Turns.Single().Usage.OutputTokenCount);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static int LlamaCppCount(string model, string prompt)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model));
        return weights.Tokenize(prompt, add_bos: false, special: true, Encoding.UTF8).Length;
    }
}
