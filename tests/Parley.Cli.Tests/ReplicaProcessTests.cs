using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Parley.Postgres;
using Parley.Postgres.Tests;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// Three real <c>parley serve --db postgres://…</c> processes on one database (a throwaway cluster), driven concurrently.
/// Runs once: .ci/run leaves it out of the NativeAOT pass of this suite.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaProcessTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int ReplicaCount = 3;
    private readonly List<Process> _processes = [];
    private readonly List<HttpClient> _clients = [];
    private LoopbackServer? _upstream;
    private ParleyProcess? _parley;
    private string _url = string.Empty;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                ParleyProcess.Signal(process, 15);
                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            }

            process.Dispose();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _parley?.Dispose();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task ReplicaProcesses_64ConcurrentClientsOnASmallBudget_NeverSpendPastItAndAnswer200Or429()
    {
        const decimal Budget = 0.002m; // a request of max_tokens 1000 reserves about $0.0006 on gpt-4o-mini
        string secret = await StartAsync("--daily-usd", "0.002");
        for (int i = 0; i < 64; i++)
        {
            _upstream!.Enqueue(ScriptedResponse.Text("slow answer").WithDelay(TimeSpan.FromMilliseconds(300))); // all race at once
        }

        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => StatusAsync(_clients[i % ReplicaCount], secret, $"question {i}", maxTokens: 1000)));

        await using var store = await PostgresConversationStore.OpenAsync(_url);
        var key = Assert.Single(await store.ListKeysAsync());
        Assert.True(key.SpentTodayUsd <= Budget, $"spent {key.SpentTodayUsd} of {Budget}");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or (HttpStatusCode)429, $"unexpected {s}"));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains((HttpStatusCode)429, statuses);
    }

    [SkippableFact]
    public async Task ReplicaProcesses_ConversationAlternatingBetweenThem_KeepsItsFullHistoryInOrder()
    {
        string secret = await StartAsync();

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(_clients[i % ReplicaCount], secret, $"question {i}", conversation: "shared-1"));
        }

        await using var store = await PostgresConversationStore.OpenAsync(_url);
        var saved = Assert.Single(await store.ListAsync(), c => c.TurnCount > 0);
        var messages = (await store.LoadAsync(saved.Id)).Messages.Select(m => m.Message).Where(m => m.Role != Microsoft.Extensions.AI.ChatRole.System).Select(m => m.Text);
        Assert.Equal(Enumerable.Range(0, 6).SelectMany(i => new[] { $"question {i}", $"Echo: question {i}" }), messages);
    }

    [SkippableFact]
    public async Task ReplicaProcesses_StreamedConversationAlternatingBetweenThem_KeepsItsFullHistoryInOrder()
    {
        string secret = await StartAsync();

        // Like an SDK: the stream is done at "data: [DONE]", and the next turn goes out at once to the next replica.
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal($"Echo: question {i}", await StreamUntilDoneAsync(_clients[i % ReplicaCount], secret, $"question {i}", "shared-stream"));
        }

        await using var store = await PostgresConversationStore.OpenAsync(_url);
        var saved = Assert.Single(await store.ListAsync(), c => c.TurnCount > 0);
        var messages = (await store.LoadAsync(saved.Id)).Messages.Select(m => m.Message).Where(m => m.Role != Microsoft.Extensions.AI.ChatRole.System).Select(m => m.Text);
        Assert.Equal(Enumerable.Range(0, 6).SelectMany(i => new[] { $"question {i}", $"Echo: question {i}" }), messages);
    }

    [SkippableFact]
    public async Task ReplicaProcesses_KeyRevokedThroughTheCli_EveryReplicaRefusesItWithinOneSecond()
    {
        string secret = await StartAsync();
        foreach (var client in _clients)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, secret, "before"));
        }

        // Every replica keeps using the key while it is revoked, so each has it freshly cached when the revocation lands.
        using var revoking = new CancellationTokenSource();
        var busy = _clients.Select(client => Task.Run(async () =>
        {
            while (!revoking.IsCancellationRequested && await StatusAsync(client, secret, "during") == HttpStatusCode.OK)
            {
            }
        })).ToList();
        var revoked = await _parley!.RunAsync("", "keys", "revoke", "team", "--db", _url);
        var deadline = Stopwatch.StartNew(); // the requirement: within one second of the revoke command's exit
        revoking.Cancel();
        Assert.Equal(0, revoked.ExitCode);

        var refused = await Task.WhenAll(_clients.Select(async client =>
        {
            HttpStatusCode status;
            while ((status = await StatusAsync(client, secret, "after")) != HttpStatusCode.Unauthorized && deadline.Elapsed < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(50);
            }

            return (status, deadline.Elapsed);
        }));
        await Task.WhenAll(busy);

        Assert.All(refused, r => Assert.True(r.status == HttpStatusCode.Unauthorized && r.Elapsed <= TimeSpan.FromSeconds(1), $"{r.status} after {r.Elapsed.TotalMilliseconds:0} ms"));
    }

    [SkippableFact]
    public async Task ReplicaProcesses_PostgresRestartedUnderLoad_Answer503ThenRecoverWithNoLostOrDuplicatedTurn()
    {
        string secret = await StartAsync();
        var results = new List<(string Question, HttpStatusCode Status)>();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_clients[0], secret, "warm up"));
        results.Add(("warm up", HttpStatusCode.OK));

        try
        {
            var load = Enumerable.Range(0, 12).Select(i => AskAsync(i % ReplicaCount, $"load {i}")).ToList();
            await postgres.StopAsync();
            load.AddRange(Enumerable.Range(12, 6).Select(i => AskAsync(i % ReplicaCount, $"load {i}")));
            results.AddRange(await Task.WhenAll(load));
        }
        finally
        {
            await postgres.StartAsync();
        }

        var refused = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));

        // Every replica recovers by itself (a pool may find one dead connection first).
        for (int replica = 0; replica < ReplicaCount; replica++)
        {
            var statuses = new List<HttpStatusCode>();
            for (int i = 0; i < 3; i++)
            {
                var (question, status) = await AskAsync(replica, $"after {replica}.{i}");
                results.Add((question, status));
                statuses.Add(status);
            }

            Assert.True(statuses.Skip(1).All(s => s == HttpStatusCode.OK), $"replica {replica} after the restart: " + string.Join(", ", statuses));
        }

        // An exchange answered while the database was away is saved once it returns (the history writer retries each
        // step, so until it has caught up a turn can be between its question and its answer); once it has, no turn is
        // half written.
        var answered = results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Question).ToList();
        var (saved, halfWritten) = await SavedQuestionsAsync(strict: false);
        for (var waited = Stopwatch.StartNew(); (halfWritten || answered.Except(saved).Any()) && waited.Elapsed < TimeSpan.FromSeconds(60);)
        {
            await Task.Delay(500);
            (saved, halfWritten) = await SavedQuestionsAsync(strict: false);
        }

        (saved, _) = await SavedQuestionsAsync(strict: true);
        Assert.Equal(saved.Count, saved.Distinct().Count());
        Assert.All(answered, q => Assert.Contains(q, saved));

        async Task<(string Question, HttpStatusCode Status)> AskAsync(int replica, string question) =>
            (question, await StatusAsync(_clients[replica], secret, question));
    }

    /// <summary>Creates the key "team" through the CLI and starts the replicas; returns the key's secret.</summary>
    private async Task<string> StartAsync(params string[] keyOptions)
    {
        postgres.SkipIfUnavailable();
        _url = await postgres.CreateDatabaseAsync();
        _upstream = await LoopbackServer.StartAsync();
        _parley = new ParleyProcess().Against(_upstream.OpenAIBaseUrl).With("OLLAMA_HOST", LoopbackAddresses.Closed());
        var created = await _parley.RunAsync("", ["keys", "create", "team", .. keyOptions, "--db", _url]);
        Assert.Equal(0, created.ExitCode);

        for (int i = 0; i < ReplicaCount; i++)
        {
            int port = new Uri(LoopbackAddresses.Closed()).Port;
            var process = _parley.Start(["serve", "--db", _url, "--port", port.ToString(CultureInfo.InvariantCulture)], redirectStdin: false);
            _processes.Add(process);
            await new OutputWatcher(process.StandardError).WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            _clients.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
        }

        return created.Stdout.Trim();
    }

    /// <summary>
    /// The questions of every saved turn, and whether a turn is half written (a question without its answer): a failure
    /// when <paramref name="strict"/>, else left out and reported.
    /// </summary>
    private async Task<(List<string> Questions, bool HalfWritten)> SavedQuestionsAsync(bool strict)
    {
        var halfWritten = false;
        await using var store = await PostgresConversationStore.OpenAsync(_url);
        var questions = new List<string>();
        foreach (var item in await store.ListAsync())
        {
            var conversation = await store.LoadAsync(item.Id);
            var messages = conversation.Messages.Select(m => m.Message).Where(m => m.Role != Microsoft.Extensions.AI.ChatRole.System).ToList();
            for (int i = 0; i < messages.Count; i += 2)
            {
                if (i + 1 == messages.Count && !strict)
                {
                    halfWritten = true;
                    break;
                }

                Assert.True(i + 1 < messages.Count, $"a half-written turn in {item.Id}: {messages[i].Text}");
                Assert.Equal("Echo: " + messages[i].Text, messages[i + 1].Text);
                questions.Add(messages[i].Text);
            }
        }

        return (questions, halfWritten);
    }

    /// <summary>Streams one turn and reads it only up to <c>data: [DONE]</c>, as SDKs do; returns the answer's text.</summary>
    private static async Task<string> StreamUntilDoneAsync(HttpClient client, string secret, string question, string conversation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"{{question}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Add("X-Parley-Conversation", conversation);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var answer = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line && line != "data: [DONE]")
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal)
                && System.Text.Json.Nodes.JsonNode.Parse(line[6..])?["choices"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } choices
                && choices[0]?["delta"]?["content"]?.GetValue<string>() is { } text)
            {
                answer.Append(text);
            }
        }

        return answer.ToString();
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string secret, string question, int? maxTokens = null, string? conversation = null)
    {
        string limit = maxTokens is null ? string.Empty : $",\"max_tokens\":{maxTokens}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{question}}"}]{{limit}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }
}
