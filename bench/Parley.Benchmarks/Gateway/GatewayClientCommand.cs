using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// <c>gateway-client</c>: the .NET client of the gateway benchmark, as its own process (keep-alive HttpClient).
/// <list type="bullet">
/// <item><c>latency DIRECT GATEWAY KEY COUNT WARMUP</c>: sequential non-streaming requests, alternating direct and
/// through the gateway, each on its own kept-alive connection; prints <c>direct_p50 direct_p99 gateway_p50 gateway_p99</c> in ms.</item>
/// <item><c>stream URL KEY</c>: one streaming request read to its end; prints the number of <c>data:</c> lines.</item>
/// <item><c>hold URL KEY COUNT</c>: opens COUNT streaming requests at once, prints <c>open N</c> once every one has
/// received its first bytes, then holds them until stdin closes.</item>
/// </list>
/// </summary>
internal static class GatewayClientCommand
{
    public const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there, how are you today?"}]}""";
    public const string StreamBody = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello there"}]}""";

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "latency" when args.Length == 6:
                return await LatencyAsync(new Uri(args[1]), new Uri(args[2]), args[3], int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture));
            case "stream" when args.Length == 3:
                return await StreamAsync(new Uri(args[1]), args[2]);
            case "hold" when args.Length == 4:
                return await HoldAsync(new Uri(args[1]), args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            default:
                Console.Error.WriteLine("usage: gateway-client latency DIRECT GATEWAY KEY COUNT WARMUP | stream URL KEY | hold URL KEY COUNT");
                return 2;
        }
    }

    private static HttpClient Client(string key, int connections = 1)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static HttpRequestMessage Post(Uri baseUrl, string body) => new(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions"))
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    private static async Task<int> LatencyAsync(Uri direct, Uri gateway, string key, int count, int warmup)
    {
        using var directClient = Client("sk-bench-0123456789");
        using var gatewayClient = Client(key);
        var directTimes = new List<double>(count);
        var gatewayTimes = new List<double>(count);
        var buffer = new byte[64 * 1024];
        for (var i = 0; i < warmup + count; i++)
        {
            // Alternate which goes first, so neither always follows the other.
            var directFirst = (i & 1) == 0;
            var a = await TimeAsync(directFirst ? directClient : gatewayClient, directFirst ? direct : gateway, buffer);
            var b = await TimeAsync(directFirst ? gatewayClient : directClient, directFirst ? gateway : direct, buffer);
            if (i >= warmup)
            {
                directTimes.Add(directFirst ? a : b);
                gatewayTimes.Add(directFirst ? b : a);
            }
        }

        Console.WriteLine(string.Join(' ', new[]
        {
            Stats.Percentile(directTimes, 0.5), Stats.Percentile(directTimes, 0.99),
            Stats.Percentile(gatewayTimes, 0.5), Stats.Percentile(gatewayTimes, 0.99),
        }.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture))));
        return 0;
    }

    private static async Task<double> TimeAsync(HttpClient client, Uri baseUrl, byte[] buffer)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = Post(baseUrl, Body);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using (var stream = await response.Content.ReadAsStreamAsync())
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{baseUrl} answered {(int)response.StatusCode}");
        }

        return elapsed;
    }

    private static async Task<int> StreamAsync(Uri baseUrl, string key)
    {
        using var client = Client(key);
        using var request = Post(baseUrl, StreamBody);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"{baseUrl} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return 1;
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long lines = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                lines++;
            }
        }

        Console.WriteLine(lines.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static async Task<int> HoldAsync(Uri baseUrl, string key, int count)
    {
        using var client = Client(key, connections: int.MaxValue);
        var responses = new List<HttpResponseMessage>(count);
        var opening = Enumerable.Range(0, count).Select(async _ =>
        {
            using var request = Post(baseUrl, StreamBody);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{baseUrl} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[1];
            if (await stream.ReadAsync(first) == 0)
            {
                throw new InvalidOperationException("a stream ended before its first chunk");
            }

            return response;
        });
        responses.AddRange(await Task.WhenAll(opening));
        Console.WriteLine($"open {responses.Count}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        return 0;
    }
}
