using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// A saved turn with a tool round and an image, as the library saves it (the CLI's tool loop is tested with it): shown by
/// <c>history show</c>, <c>/history</c> and the Markdown export, and carried through the JSON export and import.
/// </summary>
public class HistoryToolRoundTests
{
    private static readonly string LongResult = "line one of a long result\nline two " + string.Concat(Enumerable.Repeat("and more words ", 6)) + "end";

    /// <summary>Seeds: the question with an image (12.3 KB), then a call, its result, a failing call and the answer.</summary>
    private static async Task<string> SeedAsync(ParleyProcess parley)
    {
        await using var store = await ParleyDatabase.OpenAsync(parley);
        var conversation = await store.CreateConversationAsync(new NewConversation { Model = "gpt-4o-mini", Provider = "openai" });
        var image = new byte[12_600];
        new Random(3).NextBytes(image);
        var question = new ChatMessage(ChatRole.User, [new TextContent("What is this, and the weather in Paris?"), new DataContent(image, "image/png") { Name = "cat.png" }]);
        var turn = await store.BeginTurnAsync(conversation.Id, question);
        await store.CompleteTurnWithMessagesAsync(turn,
        [
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }), new FunctionCallContent("call_2", "get_news", null)]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonDocument.Parse("""{"temp":21,"sky":"clear"}""").RootElement), new FunctionResultContent("call_2", LongResult)]),
            new(ChatRole.Assistant, "A cat. It is 21 °C and clear in Paris."),
        ], new TurnOutcome { Model = "gpt-4o-mini", Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 30, TotalTokenCount = 150 }, Latency = TimeSpan.FromMilliseconds(800) });
        return conversation.Id;
    }

    private static readonly string[] Body =
    [
        "User: What is this, and the weather in Paris?\n[image: cat.png, image/png, 12.3 KB]\n\n",
        "Assistant: → tool get_weather {\"city\":\"Paris\"}\n→ tool get_news {}\n\n",
        "Tool: ← get_weather: {\"temp\":21,\"sky\":\"clear\"}\n← get_news: line one of a long result line two and more words and more words and more words and more words and…\n\n",
        "Assistant: A cat. It is 21 °C and clear in Paris.\n[Tokens: 120 in / 30 out · 0.8 s · gpt-4o-mini]",
    ];

    [Fact]
    public async Task HistoryShow_ToolRoundAndImage_ShowsCallsResultsAndAttachments()
    {
        using var parley = new ParleyProcess();
        var id = await SeedAsync(parley);

        var r = await parley.RunAsync("", "history", "show", id[..8]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(r.Stdout.Contains(string.Concat(Body), StringComparison.Ordinal), r.Stdout);
    }

    [Fact]
    public async Task ChatHistoryCommand_ResumedToolRound_ShowsCallsResultsAndAttachments()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var id = await SeedAsync(parley);

        var r = await parley.RunAsync("/history\n", "chat", "--cid", id);

        Assert.True(r.ExitCode == 0, r.ToString());
        var expected = string.Concat(Body)[..string.Concat(Body).IndexOf("\n[Tokens", StringComparison.Ordinal)];
        Assert.True(r.Stdout.Contains(expected, StringComparison.Ordinal), r.Stdout);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task HistoryExport_Markdown_ToolRoundAndImage_OnLinesOfTheirOwn()
    {
        using var parley = new ParleyProcess();
        var id = await SeedAsync(parley);

        var r = await parley.RunAsync("", "history", "export", id, "--format", "md");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("## Assistant\n\n→ tool get_weather {\"city\":\"Paris\"}  \n→ tool get_news {}\n\n## Tool\n\n← get_weather: {\"temp\":21,\"sky\":\"clear\"}  \n", r.Stdout);
    }

    [Fact]
    public async Task HistoryExportJson_ToolRoundAndImage_OpenAIShapesAndImportRoundTrips()
    {
        using var parley = new ParleyProcess();
        var id = await SeedAsync(parley);
        var file = Path.Combine(parley.WorkingDirectory, "tools.json");

        var export = await parley.RunAsync("", "history", "export", id, "-o", file);

        Assert.True(export.ExitCode == 0, export.ToString());
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            var messages = document.RootElement.GetProperty("messages").EnumerateArray().ToArray();
            Assert.Equal(["user", "assistant", "tool", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
            var parts = messages[0].GetProperty("content").EnumerateArray().ToArray();
            Assert.Equal(("text", "image_url"), (parts[0].GetProperty("type").GetString(), parts[1].GetProperty("type").GetString()));
            Assert.StartsWith("data:image/png;base64,", parts[1].GetProperty("image_url").GetProperty("url").GetString());
            Assert.Equal(JsonValueKind.Null, messages[1].GetProperty("content").ValueKind);
            var call = messages[1].GetProperty("tool_calls")[0];
            Assert.Equal(("call_1", "function", "get_weather", "{\"city\":\"Paris\"}"), (call.GetProperty("id").GetString(), call.GetProperty("type").GetString(),
                call.GetProperty("function").GetProperty("name").GetString(), call.GetProperty("function").GetProperty("arguments").GetString()));
            Assert.Equal(("call_1", "{\"temp\":21,\"sky\":\"clear\"}"), (messages[2].GetProperty("tool_call_id").GetString(), messages[2].GetProperty("content").GetString()));
            Assert.Equal(("call_2", LongResult), (messages[3].GetProperty("tool_call_id").GetString(), messages[3].GetProperty("content").GetString()));
            Assert.Equal(4, document.RootElement.GetProperty("turns")[0].GetProperty("assistant_index").GetInt32());
        }

        var import = await parley.RunAsync("", "history", "import", file);
        Assert.True(import.ExitCode == 0, import.ToString());
        var show = await parley.RunAsync("", "history", "show", import.Stdout.Trim());

        // An image_url part carries no file name; everything else comes back as it was (the import has no turns).
        Assert.Contains(Body[0].Replace("cat.png, ", "", StringComparison.Ordinal) + Body[1], show.Stdout);
        Assert.Contains("Tool: ← get_weather: {\"temp\":21,\"sky\":\"clear\"}\n\nTool: ← get_news: line one", show.Stdout);
        Assert.Contains("Assistant: A cat. It is 21 °C and clear in Paris.", show.Stdout);
    }
}
