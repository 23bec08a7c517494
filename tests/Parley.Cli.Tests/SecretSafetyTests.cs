using System.Text;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// Keys never leave through server text (streamed error frames, connection errors, hints), keys with control
/// characters are refused, Parley's files are private, and error bodies are bounded.
/// </summary>
public class SecretSafetyTests
{
    private const string Key = "sk-proj-secret-safety-4c1d8e2b";
    private const string OtherKey = "sk-other-provider-9a7b6c5d";

    [Fact]
    public async Task StreamedErrorFrame_EchoingConfiguredKeys_MaskedOnStderrAndInDatabase()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a b c").WithStreamError($"invalid key {Key} (also seen: {OtherKey})"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(
            Path.Combine(parley.ParleyHome, "config.json"),
            "{\"providers\":{\"other\":{\"kind\":\"openai-compatible\",\"base_url\":\"http://127.0.0.1:9/v1\",\"api_key\":\"" + OtherKey + "\"}}}");
        File.SetUnixFileMode(Path.Combine(parley.ParleyHome, "config.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await parley.RunAsync(stdin: "", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: the server reported an error: invalid key *** (also seen: ***)", result.Stderr);
        Assert.DoesNotContain(Key, result.Stderr + result.Stdout);
        Assert.DoesNotContain(OtherKey, result.Stderr + result.Stdout);
        var error = await LastTurnErrorAsync(parley);
        Assert.Contains("invalid key", error);
        Assert.DoesNotContain(Key, error);
        Assert.DoesNotContain(OtherKey, error);
    }

    [Theory]
    [InlineData("http://parley:{0}@127.0.0.1:9/v1")]
    [InlineData("http://127.0.0.1:9/v1?api_key={0}")]
    public async Task BaseUrlWithKey_ConnectionRefused_KeyMaskedOnStderrAndInDatabase(string urlFormat)
    {
        using var parley = new ParleyProcess().With("OPENAI_API_KEY", "sk-test-0123456789abcdef");
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, urlFormat, Key);

        var result = await parley.RunAsync(stdin: "", "--max-retries", "0", "--base-url", url, "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("connection refused", result.Stderr);
        Assert.Contains("127.0.0.1:9", result.Stderr);
        Assert.DoesNotContain(Key, result.Stderr + result.Stdout);
        var error = await LastTurnErrorAsync(parley);
        Assert.DoesNotContain(Key, error);
    }

    [Theory]
    [InlineData("sk-test-0123456789\r\nX-Injected: yes")]
    [InlineData("sk-test-0123456789abcdef\n")]
    [InlineData("sk-test-0123\u001b456789abcdef")]
    public async Task ApiKeyWithControlCharacters_Refused_ClearErrorAndNoRequest(string key)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, key);

        var result = await parley.RunAsync(stdin: "", "hello");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("OPENAI_API_KEY", result.Stderr);
        Assert.Contains("control character", result.Stderr);
        Assert.DoesNotContain("sk-test-0123", result.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ParleyFiles_AfterARun_OnlyTheUserCanReadThem()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ContextLengthExceeded(4096, 5000)); // Parley learns the limit: learned-models.json
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var result = await parley.RunAsync(stdin: "", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(parley.ParleyHome));
        var files = Directory.GetFiles(parley.ParleyHome);
        Assert.Contains(Path.Combine(parley.ParleyHome, "parley.db"), files);
        Assert.Contains(Path.Combine(parley.ParleyHome, "learned-models.json"), files);
        foreach (var file in files)
        {
            var mode = File.GetUnixFileMode(file);
            Assert.True(
                (mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0,
                $"{Path.GetFileName(file)} is {mode}");
        }
    }

    [Fact]
    public async Task HugeErrorBody_50MB_StderrAndDatabaseKeepABoundedExcerpt()
    {
        await using var server = await LoopbackServer.StartAsync();
        var huge = "bad request: " + new string('x', 50 * 1024 * 1024);
        server.Enqueue(ScriptedResponse.Error(400, huge));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var result = await parley.RunAsync(stdin: "", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad request:", result.Stderr);
        Assert.Contains("bytes more)", result.Stderr);
        Assert.True(result.Stderr.Length < 8 * 1024, $"stderr has {result.Stderr.Length} characters");
        var error = await LastTurnErrorAsync(parley);
        Assert.Contains("bytes more)", error);
        Assert.True(error.Length < 8 * 1024, $"turns.error has {error.Length} characters");
    }

    [Fact]
    public async Task HugeErrorBody_WithVerbose_DetailsBoundedAndKeyMasked()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(400, $"bad request from {Key}: " + new string('x', 2 * 1024 * 1024)));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var result = await parley.RunAsync(stdin: "", "--verbose", "hello");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bytes more)", result.Stderr);
        Assert.DoesNotContain(Key, result.Stderr);
        Assert.True(result.Stderr.Length < 200 * 1024, $"stderr has {result.Stderr.Length} characters");
    }

    [Fact]
    public async Task PipedAnswer_WithEscapeSequences_BytesExactlyAsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        const string answer = "title\u001b]0;pwned\u0007 clear\u001b[2J hidden\u001b[8m secret\u001b[0m bell\u0007 done";
        server.Enqueue(ScriptedResponse.Text(answer).WithChunks("title\u001b]0;pw", "ned\u0007 clear\u001b[2J hidden\u001b[8m secret\u001b[0m bell\u0007 done"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var result = await parley.RunAsync(stdin: "", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(answer + "\n", result.Stdout);
    }

    private static async Task<string> LastTurnErrorAsync(ParleyProcess parley)
    {
        var list = await ParleyDatabase.ListAsync(parley);
        var conversation = await ParleyDatabase.LoadAsync(parley, list[0].Id);
        var turn = conversation.Turns[^1];
        Assert.NotNull(turn.Error);
        return turn.Error;
    }
}
