using System.Diagnostics;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Every input Parley reads for a prompt stops at the size limit (16 MiB) with a clear usage error.</summary>
public class InputLimitTests
{
    private const int LimitBytes = 16 * 1024 * 1024;

    [Theory]
    [InlineData("--messages", "/dev/zero")]
    [InlineData("--messages", "/dev/urandom")]
    public async Task Prompt_EndlessMessagesFile_Exit2AtTheLimit(string flag, string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-log", flag, path, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {path} is larger than the 16 MiB input limit\n", r.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Tokens_EndlessFile_Exit2AtTheLimit()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "tokens", "-f", "/dev/zero");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: /dev/zero is larger than the 16 MiB input limit\n", r.Stderr);
    }

    [Fact]
    public async Task HistoryImport_FileOfExactlyTheLimit_IsRead()
    {
        using var parley = new ParleyProcess();
        var path = Path.Combine(parley.WorkingDirectory, "big.json");
        var head = "[{\"role\": \"user\", \"content\": \"";
        var tail = "\"}]";
        await File.WriteAllTextAsync(path, head + new string('a', LimitBytes - head.Length - tail.Length) + tail);
        Assert.Equal(LimitBytes, new FileInfo(path).Length);

        var r = await parley.RunAsync(stdin: "", "history", "import", path);

        Assert.Equal(0, r.ExitCode);
        Assert.Matches("^[0-9a-f]{32}\n$", r.Stdout);
    }

    [Fact]
    public async Task HistoryImport_EndlessFile_Exit2AtTheLimit()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "history", "import", "/dev/zero");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: /dev/zero is larger than the 16 MiB input limit\n", r.Stderr);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tokens")]
    [InlineData("chat")]
    public async Task StandardInput_OverTheLimit_Exit2WithoutReadingTheRest(string command)
    {
        string[] args = command switch
        {
            "" => ["--no-log"],
            "chat" => ["chat", "--no-log"],
            _ => [command],
        };
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var chunk = Enumerable.Repeat((byte)'a', 1024 * 1024).ToArray();
        try
        {
            // Far more than the limit: parley must stop reading and exit while this is still being written.
            for (var i = 0; i < 64; i++)
            {
                await process.StandardInput.BaseStream.WriteAsync(chunk);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // parley closed its end of the pipe: what it should do.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("error: standard input is larger than the 16 MiB input limit\n", await stderr);
        Assert.Empty(server.Requests);
    }
}
