using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace Parley.Benchmarks;

/// <summary>
/// The loopback OpenAI-compatible server (tests/Parley.TestServer) in its own process, so that producing the
/// stream never costs the measured consumer any CPU. It exits when its stdin closes.
/// </summary>
internal sealed class LoopbackServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private LoopbackServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        _control = new HttpClient { BaseAddress = baseUrl };
    }

    /// <summary>The server's base URL (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The OpenAI base URL (<c>…/v1</c>) as clients expect it in OPENAI_BASE_URL.</summary>
    public string OpenAIBaseUrl => new Uri(BaseUrl, "v1").ToString();

    public static async Task<LoopbackServerProcess> StartAsync(string serverDll)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        // Load runs send thousands of long bodies: keep only the last few so the upstream does not grow by hundreds of MB
        // on the cores it shares with the gateway under test.
        start.ArgumentList.Add("--keep-requests");
        start.ArgumentList.Add("100");
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the loopback server");
        _ = process.StandardError.ReadToEndAsync();
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (first is null || !Uri.TryCreate(first.Trim(), UriKind.Absolute, out var url))
        {
            process.Kill();
            throw new InvalidOperationException($"the loopback server did not print its URL (got '{first}')");
        }

        _ = process.StandardOutput.ReadToEndAsync();
        return new LoopbackServerProcess(process, url);
    }

    /// <summary>Queues one scripted response (JSON as documented in tests/Parley.TestServer/README.md).</summary>
    public async Task EnqueueAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _control.PostAsync("_loopback/enqueue", content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Queues a stream of <paramref name="count"/> one-character chunks, written as fast as possible.</summary>
    public Task EnqueueManyAsync(int count) => EnqueueAsync($$"""{"type":"many","count":{{count}}}""");

    /// <summary>Drops queued responses and recorded requests (the server keeps every request it answered).</summary>
    public async Task ResetAsync()
    {
        (await _control.DeleteAsync("_loopback/queue")).EnsureSuccessStatusCode();
        (await _control.DeleteAsync("_loopback/requests")).EnsureSuccessStatusCode();
    }

    /// <summary>The median round trip of a non-streaming echo request from a warm client: the server's share of a one-shot.</summary>
    public async Task<TimeSpan> MeasureEchoLatencyAsync(int samples)
    {
        var body = new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Hello there" } } };
        var times = new List<double>();
        for (var i = 0; i < samples + 3; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await _control.PostAsJsonAsync("v1/chat/completions", body);
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            if (i >= 3)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return TimeSpan.FromMilliseconds(Stats.Median(times));
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
