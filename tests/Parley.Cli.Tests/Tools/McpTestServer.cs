using System.Diagnostics;

namespace Parley.Cli.Tests;

/// <summary>The test MCP server (tests/Parley.McpTestServer): its stdio command line, or a running HTTP instance.</summary>
internal sealed class McpTestServer : IAsyncDisposable
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "Parley.McpTestServer.dll");

    private readonly Process _process;

    private McpTestServer(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The <c>--mcp</c> value that starts it over stdio.</summary>
    public static string Command(params string[] extra) => string.Join(' ', new[] { "dotnet", Quote(Dll) }.Concat(extra));

    /// <summary>The MCP endpoint of an HTTP instance.</summary>
    public string Url { get; }

    /// <summary>Starts an HTTP instance on a free loopback port; it stops when disposed (its stdin closes).</summary>
    public static async Task<McpTestServer> StartHttpAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        info.ArgumentList.Add("--http");
        var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var url = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the MCP test server printed no URL");
        return new McpTestServer(process, url);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string Quote(string path) => $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
