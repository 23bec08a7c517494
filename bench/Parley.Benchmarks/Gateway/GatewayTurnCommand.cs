using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Parley.Hosting;
using Parley.Server;

namespace Parley.Benchmarks;

/// <summary>
/// <c>gateway-turn SIZES TURNS WARMUP</c>: the gateway's own work for one turn of a named conversation of N messages,
/// in-process (no HTTP, no upstream): bring the kept conversation up to date from the store and join the request
/// (<see cref="GatewayConversation.LoadAsync"/>), count the prompt, fit it to the window (the budget policy a named
/// conversation gets without a header, as <c>ContextFitter</c> applies it) and build the upstream body
/// (<see cref="UpstreamBody.Build"/>). The turn is not saved, so the conversation stays at N messages. The messages are
/// the gateway benchmark's (its wrk request and the loopback server's echo) on gpt-4o-mini (128k window), so from about
/// 7,500 messages on the budget policy drops the oldest. Prints one line per size: median ms per phase.
/// Not part of <c>bench/run.sh</c>: a focused probe (<c>dotnet run -c Release --project bench/Parley.Benchmarks -- gateway-turn 1000,5000,10000 50 5</c>).
/// </summary>
internal static class GatewayTurnCommand
{
    private const string Question = "Hello there, how are you today?";
    private const string ModelId = "gpt-4o-mini";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: gateway-turn SIZES(comma-separated) TURNS WARMUP");
            return 2;
        }

        var sizes = args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var turns = int.Parse(args[1], CultureInfo.InvariantCulture);
        var warmup = int.Parse(args[2], CultureInfo.InvariantCulture);
        var model = ModelCatalog.BuiltIn.Find(ModelId) ?? throw new InvalidOperationException($"{ModelId} is not in the catalog");
        using var http = new HttpClient();
        var provider = new ResolvedProvider { Name = "openai", Kind = ProviderKind.OpenAI, BaseUrl = new Uri("http://127.0.0.1:9/v1/"), Model = ModelId };
        var route = new UpstreamRoute(provider, new Uri("http://127.0.0.1:9/v1/chat/completions"), http, model);
        var body = Encoding.UTF8.GetBytes($$"""{"model":"{{ModelId}}","messages":[{"role":"user","content":"{{Question}}"}]}""");
        Console.WriteLine("messages | load+join ms | count ms | fit ms | body ms | total ms | dropped | body KiB");
        foreach (var size in sizes)
        {
            await using var store = await SqliteConversationStore.OpenInMemoryAsync();
            var history = Enumerable.Range(0, size).Select(i => i % 2 == 0 ? new ChatMessage(ChatRole.User, Question) : new ChatMessage(ChatRole.Assistant, "Echo: " + Question));
            await store.ImportAsync(new NewConversation { ClientId = "bench" }, history);
            var cache = new ConversationCache();
            var counter = new TokenCounter();
            var policy = ContextPolicy.TokenBudget();
            var budget = ContextBudget.For(model, counter);
            var phases = new List<double>[4];
            for (var p = 0; p < phases.Length; p++)
            {
                phases[p] = [];
            }

            var dropped = 0;
            var bytes = 0;
            for (var turn = 0; turn < warmup + turns; turn++)
            {
                using var request = ChatRequest.TryParse(body, out _) ?? throw new InvalidOperationException("bad request");
                var exchange = new ChatExchange(request, route, GateKey.Anonymous);
                var t0 = Stopwatch.GetTimestamp();
                exchange.Use(await GatewayConversation.LoadAsync(store, cache, "bench", null, exchange, CancellationToken.None));
                var t1 = Stopwatch.GetTimestamp();
                exchange.PromptTokens = counter.CountPrompt(exchange.Messages, model);
                var t2 = Stopwatch.GetTimestamp();
                var fitted = await policy.ApplyAsync(new ContextRequest { Messages = exchange.Messages, Budget = budget });
                if (fitted.Dropped > 0)
                {
                    exchange.ReplaceMessages(fitted.Messages);
                    exchange.PromptTokens = counter.CountPrompt(exchange.Messages, model);
                }

                var t3 = Stopwatch.GetTimestamp();
                var upstream = UpstreamBody.Build(request, route.UpstreamModel, exchange.MessagesReplaced ? exchange.Messages : null, exchange.ClientBody, exchange.Conversation?.Json);
                var t4 = Stopwatch.GetTimestamp();
                dropped = fitted.Dropped;
                bytes = upstream.Length;
                if (turn >= warmup)
                {
                    phases[0].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    phases[1].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                    phases[2].Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                    phases[3].Add(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
                }
            }

            var medians = phases.Select(Median).ToArray();
            var totals = Enumerable.Range(0, turns).Select(i => phases.Sum(p => p[i])).ToList();
            Console.WriteLine($"{size:N0} | {medians[0]:0.000} | {medians[1]:0.000} | {medians[2]:0.000} | {medians[3]:0.000} | {Median(totals):0.000} | {dropped:N0} | {bytes / 1024.0:N0}");
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
