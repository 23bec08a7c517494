using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary>
/// A gateway conversation (<c>X-Parley-Conversation</c>) with a tool round and an image: the model's tool calls, the
/// client's tool result and the image part are saved with the conversation and sent upstream again, in OpenAI's shapes.
/// </summary>
public sealed class ConversationToolCallTests
{
    private const string Pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private const string ToolCallAnswer = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,
        "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
        "usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}
        """;

    private const string Tools = """
        ,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]
        """;

    [Fact]
    public async Task ChatCompletions_ToolRoundAndImageOnAConversation_SavedAndSentUpstreamAgain()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Raw(200, "application/json", ToolCallAnswer));
        upstream.Enqueue(ScriptedResponse.Text("A cat, and it is 21 °C in Paris."));
        var question = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"What is this, and the weather in Paris?"},{"type":"image_url","image_url":{"url":""" + "\"" + Pixel + "\"" + """}}]}]""" + Tools.Trim() + "}";
        var result = """{"model":"gpt-4o-mini","messages":[{"role":"tool","tool_call_id":"call_1","content":"21 °C"}]""" + Tools.Trim() + "}";

        using var first = await PostAsync(gateway.Client, question, "tools-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await PostAsync(gateway.Client, result, "tools-1");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var sent = upstream.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        var messages = sent[1].Json!.Value.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        var parts = messages[0].GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(Pixel, parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, messages[1].GetProperty("content").ValueKind);
        var call = Assert.Single(messages[1].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("call_1", "get_weather", "{\"city\":\"Paris\"}"),
            (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString(), call.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal(("call_1", "21 °C"), (messages[2].GetProperty("tool_call_id").GetString(), messages[2].GetProperty("content").GetString()));

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(2, saved.Turns.Count);
        Assert.Equal(["user", "assistant", "tool", "assistant"], saved.Messages.Select(m => m.Message.Role.Value));
        Assert.IsType<DataContent>(saved.Messages[0].Message.Contents[1]);
        Assert.Equal("get_weather", Assert.IsType<FunctionCallContent>(Assert.Single(saved.Messages[1].Message.Contents)).Name);
        Assert.Equal("call_1", Assert.IsType<FunctionResultContent>(Assert.Single(saved.Messages[2].Message.Contents)).CallId);
    }

    [Fact]
    public async Task ChatCompletions_StreamedToolCallOnAConversation_SavedWithItsArguments()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var stream = string.Concat(
            Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"get_weather","arguments":""}}]}""", null),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}""", null),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Rome\"}"}}]}""", "\"tool_calls\""),
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":8,\"total_tokens\":38}}\n\n",
            "data: [DONE]\n\n");
        upstream.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", stream));

        using var response = await PostAsync(gateway.Client, """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Weather in Rome?"}]}""", "tools-2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(saved.Messages[1].Message.Contents));
        Assert.Equal(("call_7", "get_weather", "{\"city\":\"Rome\"}"), (call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments)));
    }

    private static string Chunk(string delta, string? finish) =>
        $$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish ?? "null"}}}]}""" + "\n\n";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string conversation)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-key-not-for-upstream");
        request.Headers.Add("X-Parley-Conversation", conversation);
        return client.SendAsync(request);
    }
}
