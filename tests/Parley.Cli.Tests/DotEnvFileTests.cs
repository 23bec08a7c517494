using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>A <c>.env</c> file in the working directory, read as python-dotenv reads it.</summary>
public sealed class DotEnvFileTests
{
    [Fact]
    public async Task Prompt_ExportedKeyInDotEnv_SentAsTheKey()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("hello"));
        using var parley = new ParleyProcess().With("OPENAI_BASE_URL", server.OpenAIBaseUrl.ToString());
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, ".env"), "export OPENAI_API_KEY=sk-exported-0123456789\n");

        var r = await parley.RunAsync(stdin: null, "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hello", r.Stdout.Trim());
        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer sk-exported-0123456789", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Prompt_UnterminatedQuoteInDotEnv_WarnsNamingTheLineAndAnswers()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("hello"));
        using var parley = new ParleyProcess().With("OPENAI_BASE_URL", server.OpenAIBaseUrl.ToString());
        var dotEnv = Path.Combine(parley.WorkingDirectory, ".env");
        await File.WriteAllTextAsync(dotEnv, "OPENAI_API_KEY=sk-dotenv-0123456789\nPARLEY_MODEL='gpt-4o\n");

        var r = await parley.RunAsync(stdin: null, "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hello", r.Stdout.Trim());
        Assert.Contains($"warning: {dotEnv}:2: cannot parse this statement; skipped", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Equal("Bearer sk-dotenv-0123456789", Assert.Single(server.Requests).Headers["Authorization"]);
    }
}
