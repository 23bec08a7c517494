using System.Diagnostics;
using System.Text.Json;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerStandaloneTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Parley.TestServer.dll");
        Assert.True(File.Exists(dll), dll);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static async Task<Uri> ReadBaseAddressAsync(Process process)
    {
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout);
        Assert.NotNull(line);
        return new Uri(line);
    }

    [Fact]
    public async Task Standalone_Started_PrintsBaseUrlFirstAndServes()
    {
        using var process = Start("--context-window", "50");
        try
        {
            var baseAddress = await ReadBaseAddressAsync(process);
            Assert.Equal("127.0.0.1", baseAddress.Host);
            Assert.EndsWith("/", baseAddress.ToString(), StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = baseAddress };
            using var models = JsonDocument.Parse(await client.GetStringAsync("v1/models"));
            Assert.Equal("list", models.RootElement.GetProperty("object").GetString());

            using var tooBig = await client.PostAsync("v1/chat/completions", ChatRequest.OpenAI(string.Join(' ', Enumerable.Repeat("w", 60))));
            Assert.Equal(400, (int)tooBig.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Standalone_StdinClosed_Exits()
    {
        using var process = Start();
        try
        {
            await ReadBaseAddressAsync(process);

            process.StandardInput.Close();

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Standalone_BadArgument_ExitsWithUsageError()
    {
        using var process = Start("--bogus");

        await process.WaitForExitAsync().WaitAsync(StartTimeout);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage:", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
    }
}
