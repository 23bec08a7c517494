using System.ClientModel;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Parley.Hosting;

namespace Parley.Benchmarks;

/// <summary>
/// <c>stream-peer parley|openai-dotnet|meai|httpclient BASE_URL CHUNKS</c>: one .NET consumer of one streamed completion.
/// Each consumes the whole stream, counts the content chunks, and prints a <see cref="StreamPeerResult"/>.
/// </summary>
internal static class StreamPeerCommand
{
    public const string Model = "gpt-4o-mini";
    public const string SystemPrompt = "You are a helpful assistant.";
    public const string Question = "Stream as fast as you can.";
    public const string ApiKey = "sk-bench-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: stream-peer parley|openai-dotnet|meai|httpclient BASE_URL CHUNKS");
            return 2;
        }

        var baseUrl = new Uri(args[1]);
        var expected = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var counter = new ChunkCounter();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        switch (args[0])
        {
            case "parley":
                await ParleyAsync(baseUrl, counter);
                break;
            case "openai-dotnet":
                await OpenAIAsync(baseUrl, counter);
                break;
            case "httpclient":
                await HttpClientAsync(baseUrl, counter);
                break;
            case "meai":
                await MeaiAsync(baseUrl, counter);
                break;
            default:
                Console.Error.WriteLine($"unknown peer {args[0]}");
                return 2;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (counter.Chunks < expected)
        {
            Console.Error.WriteLine($"expected {expected} chunks, saw {counter.Chunks}");
            return 1;
        }

        var result = new StreamPeerResult(counter.Chunks, counter.Chars, counter.Seconds, allocated);
        Console.WriteLine(JsonSerializer.Serialize(result, BenchJson.Default.StreamPeerResult));
        return 0;
    }

    /// <summary>(a) Parley: a ChatSession (memory, usage, cost, exact preflight) over the CLI's client pipeline.</summary>
    private static async Task ParleyAsync(Uri baseUrl, ChunkCounter counter)
    {
        var provider = new ResolvedProvider
        {
            Name = "openai",
            Kind = ProviderKind.OpenAI,
            BaseUrl = new Uri(baseUrl, "v1"),
            ApiKey = ApiKey,
            Model = Model,
        };

        // The same pipeline as src/Parley.Cli/Commands/CliChatClients.cs with the CLI's default flags.
        IChatClient client = ChatClientFactory.Create(provider, new ChatClientFactoryOptions { ConnectTimeout = null })
            .AsBuilder()
            .UseResilience(new ResilienceOptions
            {
                MaxRetries = null,
                IdleTimeout = null,
                RequestTimeout = null,
            })
            .Build();
        var session = new ChatSession(client, new ChatSessionOptions { Model = Model, SystemPrompt = SystemPrompt });
        await foreach (var update in session.StreamAsync(Question))
        {
            counter.Add(update.Text.Length);
        }

        counter.End();
        if (session.LastTurn?.Usage?.OutputTokenCount is null)
        {
            throw new InvalidOperationException("the session recorded no usage");
        }
    }

    /// <summary>(b) The official OpenAI .NET SDK, used directly.</summary>
    private static async Task OpenAIAsync(Uri baseUrl, ChunkCounter counter)
    {
        var client = new ChatClient(Model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = new Uri(baseUrl, "v1") });
        List<OpenAI.Chat.ChatMessage> messages = [new SystemChatMessage(SystemPrompt), new UserChatMessage(Question)];
        await foreach (var update in client.CompleteChatStreamingAsync(messages))
        {
            foreach (var part in update.ContentUpdate)
            {
                counter.Add(part.Text.Length);
            }
        }

        counter.End();
    }

    /// <summary>For reference: the same SDK through Microsoft.Extensions.AI's adapter (what Parley builds on), nothing else.</summary>
    private static async Task MeaiAsync(Uri baseUrl, ChunkCounter counter)
    {
        IChatClient client = new ChatClient(Model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = new Uri(baseUrl, "v1") }).AsIChatClient();
        List<Microsoft.Extensions.AI.ChatMessage> messages = [new(ChatRole.System, SystemPrompt), new(ChatRole.User, Question)];
        await foreach (var update in client.GetStreamingResponseAsync(messages))
        {
            counter.Add(update.Text.Length);
        }

        counter.End();
    }

    /// <summary>(d) The floor: HttpClient and a line reader; counts <c>data:</c> lines, parses no JSON.</summary>
    private static async Task HttpClientAsync(Uri baseUrl, ChunkCounter counter)
    {
        using var http = new HttpClient();
        var body = $$$"""
            {"model":"{{{Model}}}","messages":[{"role":"system","content":"{{{SystemPrompt}}}"},{"role":"user","content":"{{{Question}}}"}],"stream":true,"stream_options":{"include_usage":true}}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var frames = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && !line.AsSpan(6).SequenceEqual("[DONE]"))
            {
                // The first frame carries the role, the last two the finish reason and the usage: not content.
                if (frames++ > 0)
                {
                    counter.Add(1);
                }
            }
        }

        counter.End();
        counter.Chunks = Math.Max(0, counter.Chunks - 2);
        counter.Chars = counter.Chunks;
    }

    private sealed class ChunkCounter
    {
        private long _first;
        private long _end;

        public long Chunks { get; set; }

        public long Chars { get; set; }

        public double Seconds => _first == 0 ? 0 : Stopwatch.GetElapsedTime(_first, _end).TotalSeconds;

        public void Add(int chars)
        {
            if (chars == 0)
            {
                return;
            }

            if (Chunks == 0)
            {
                _first = Stopwatch.GetTimestamp();
            }

            Chunks++;
            Chars += chars;
        }

        public void End() => _end = Stopwatch.GetTimestamp();
    }
}
