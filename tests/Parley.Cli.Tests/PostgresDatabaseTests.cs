using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Postgres.Tests;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>--db postgres://…</c> and <c>PARLEY_DATABASE_URL</c>: every command keeps its data in PostgreSQL (a throwaway cluster).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseTests(PostgresServer postgres)
{
    [SkippableFact]
    public async Task KeysOneShotAndHistory_DbUrl_AllKeptInPostgresNotInTheSqliteFile()
    {
        postgres.SkipIfUnavailable();
        string url = await postgres.CreateDatabaseAsync();
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var created = await parley.RunAsync("", "keys", "create", "alice", "--daily-usd", "5", "--db", url);
        var listed = await parley.RunAsync("", "--db", url, "keys", "list");
        var oneShot = await parley.With("PARLEY_DATABASE_URL", url).RunAsync("", "--no-stream", "hello from postgres");
        var chat = await parley.RunAsync("chatting in postgres\n", "chat", "--db", url);
        var history = await parley.RunAsync("", "history", "--db", url);
        var usage = await parley.RunAsync("", "usage", "--json", "--db", url);
        var path = await parley.RunAsync("", "history", "path");

        Assert.Equal((0, 0, 0, 0, 0, 0), (created.ExitCode, listed.ExitCode, oneShot.ExitCode, chat.ExitCode, history.ExitCode, usage.ExitCode));
        Assert.Matches(new Regex("^pk-[A-Za-z0-9_-]{43}\n$"), created.Stdout);
        Assert.Contains("alice", listed.Stdout);
        Assert.Equal("Echo: hello from postgres\n", oneShot.Stdout);
        Assert.Contains("hello from postgres", history.Stdout);
        Assert.Contains("chatting in postgres", history.Stdout);
        Assert.Equal(2, JsonDocument.Parse(usage.Stdout).RootElement.GetProperty("total").GetProperty("chat_turns").GetInt32());
        Assert.Matches($"^parley@127\\.0\\.0\\.1:{postgres.Port}/parley_test_\\w+\n$", path.Stdout);
        Assert.False(File.Exists(Path.Combine(parley.ParleyHome, "parley.db")), "nothing may go to the SQLite file");
        await using var store = await Parley.Postgres.PostgresConversationStore.OpenAsync(url);
        Assert.Equal(["chatting in postgres", "hello from postgres"], (await store.ListAsync()).Select(c => c.Title));
        Assert.Equal("alice", Assert.Single(await store.ListKeysAsync()).Name);
    }

    [SkippableFact]
    public async Task Serve_DbUrl_AnswersAKeyedRequestAndHistoryListsIt()
    {
        postgres.SkipIfUnavailable();
        string url = await postgres.CreateDatabaseAsync();
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var created = await parley.RunAsync("", "keys", "create", "team", "--db", url);
        Assert.Equal(0, created.ExitCode);
        int port = new Uri(LoopbackAddresses.Closed()).Port;
        using var process = parley.Start(["serve", "--db", url, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectStdin: false);
        var stderr = new OutputWatcher(process.StandardError);
        await stderr.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello through the gateway"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created.Stdout.Trim());

        using var response = await client.SendAsync(request);
        ParleyProcess.Signal(process, 15);
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        var history = await parley.RunAsync("", "history", "--db", url);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(0, history.ExitCode);
        Assert.Contains("hello through the gateway", history.Stdout);
        Assert.Contains("team", history.Stdout);
        Assert.False(File.Exists(Path.Combine(parley.ParleyHome, "parley.db")), "nothing may go to the SQLite file");
    }

    [SkippableTheory]
    [InlineData("postgres://parley:hunter2@127.0.0.1:5432")]
    [InlineData("postgres://parley:hunter2@127.0.0.1:5432/db?sslmode=maybe")]
    [InlineData("mysql://parley:hunter2@127.0.0.1/db")]
    public async Task DbUrl_Malformed_OneLineErrorExit2WithoutThePassword(string url)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync("", "history", "--db", url);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --db: ", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("hunter2", r.Stderr + r.Stdout);
    }

    [SkippableFact]
    public async Task DbUrl_UnreachableServer_ClearErrorExit1NoStackTraceNoPassword()
    {
        using var parley = new ParleyProcess().With("PARLEY_DATABASE_URL", "postgres://parley:hunter2@127.0.0.1:1/parley");

        var r = await parley.RunAsync("", "keys", "list");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("PostgreSQL at parley@127.0.0.1:1/parley cannot be used", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("hunter2", r.Stderr + r.Stdout);
    }
}
