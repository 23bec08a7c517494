using System.ClientModel;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Parley.TestServer;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;

namespace Parley.Server.Tests;

/// <summary>
/// Tools, tool messages, image and file parts and <c>response_format</c> sent by a client pass through byte-equal and
/// are counted before sending exactly as the library counts the same request (<see cref="TokenCounter.CountRequest"/>).
/// </summary>
public sealed class ChatRichContentTests
{
    private const string Model = "gpt-4o-mini";
    private const string Token = "client-key-not-for-upstream";

    // A 1x1 PNG.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    private const string Parameters = """{"type":"object","properties":{"city":{"type":"string","description":"The city"}},"required":["city"]}""";
    private const string Schema = """{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}""";

    private static readonly string Body =
        "{\"model\":\"" + Model + "\",\"messages\":[\n"
        + "  {\"role\":\"system\",\"content\":\"You are terse.\"},\n"
        + "  {\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this image, and the weather?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + Png + "\",\"detail\":\"low\"}}]},\n"
        + "  {\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\n"
        + "  {\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}\n"
        + "],\n"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Gets the weather\",\"parameters\":" + Parameters + "}}],\n"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"reply\",\"strict\":true,\"schema\":" + Schema + "}}}";

    [Fact]
    public async Task ChatCompletions_ToolsImageToolMessagesAndSchema_ByteEqualAndCountedAsTheLibraryCounts()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = Token };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);

        using var response = await GatewayJson.PostAsync(gateway.Client, Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Body, Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions").Body);
        var library = new TokenCounter().CountRequest(LibraryMessages(), ModelCatalog.BuiltIn.Find(Model), LibraryOptions());
        Assert.Equal(library.Value, Assert.Single(gate.Admitted).PromptTokens);
    }

    [Fact]
    public async Task ChatCompletions_ToolsAndSchema_CountMoreThanTheMessagesAlone()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = Token };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);
        var plain = GatewayJson.Chat(Model, "hello");
        var withTools = GatewayJson.Chat(Model, "hello", extra: ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":" + Parameters + "}}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"reply\",\"schema\":" + Schema + "}}");

        using var first = await GatewayJson.PostAsync(gateway.Client, plain);
        using var second = await GatewayJson.PostAsync(gateway.Client, withTools);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var counter = new TokenCounter();
        var model = ModelCatalog.BuiltIn.Find(Model);
        List<ChatMessage> messages = [new(ChatRole.User, "hello")];
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.CreateDeclaration("get_weather", null, Parse(Parameters))],
            ResponseFormat = ChatResponseFormat.ForJsonSchema(Parse(Schema), "reply"),
        };
        Assert.Equal(counter.CountPrompt(messages, model).Value, gate.Admitted[0].PromptTokens);
        Assert.Equal(counter.CountRequest(messages, model, options).Value, gate.Admitted[1].PromptTokens);
        Assert.True(gate.Admitted[1].PromptTokens > gate.Admitted[0].PromptTokens + 20);
    }

    [Fact]
    public async Task OpenAIDotNet_ToolsImageToolMessagesAndSchema_CountedAsTheLibraryCounts()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = Token };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);
        var client = new ChatClient(Model, new ApiKeyCredential(Token), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });
        OpenAI.Chat.ChatMessage[] messages =
        [
            new SystemChatMessage("You are terse."),
            new UserChatMessage(
                ChatMessageContentPart.CreateTextPart("What is in this image, and the weather?"),
                ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png)), "image/png", ChatImageDetailLevel.Low)),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("{\"city\":\"Paris\"}"))]),
            new ToolChatMessage("call_1", "sunny"),
        ];
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Gets the weather", BinaryData.FromString(Parameters)) },
            ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat("reply", BinaryData.FromString(Schema), jsonSchemaIsStrict: true),
        };

        await client.CompleteChatAsync(messages, options);

        var sent = Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions").Json!.Value;
        Assert.Equal("json_schema", sent.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        var library = new TokenCounter().CountRequest(LibraryMessages(), ModelCatalog.BuiltIn.Find(Model), LibraryOptions());
        Assert.Equal(library.Value, Assert.Single(gate.Admitted).PromptTokens);
    }

    private static List<ChatMessage> LibraryMessages() =>
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, [new TextContent("What is in this image, and the weather?"), new DataContent("data:image/png;base64," + Png) { AdditionalProperties = new() { ["detail"] = "low" } }]),
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny")]),
    ];

    private static ChatOptions LibraryOptions() => new()
    {
        Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Gets the weather", Parse(Parameters))],
        ResponseFormat = ChatResponseFormat.ForJsonSchema(Parse(Schema), "reply"),
    };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
