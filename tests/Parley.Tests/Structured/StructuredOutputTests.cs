using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Hosting;
using Parley.TestServer;

namespace Parley.Tests.Structured;

/// <summary>
/// Structured output through the library: <see cref="ChatOptions.ResponseFormat"/> on a session is sent, counted in the
/// preflight, and an answer is checked with <see cref="StructuredOutput.Validate"/>.
/// </summary>
public sealed class StructuredOutputTests
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}""";

    [Fact]
    public async Task Session_ResponseFormat_IsSentAndTheAnswerValidates()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":36}"""));
        var format = StructuredOutput.ForSchema(Schema, "person");
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", ChatOptions = new ChatOptions { ResponseFormat = format } });

        var turn = await session.SendAsync("who?");

        Assert.Null(StructuredOutput.Validate(format, turn.Text));
        var sent = server.Requests.Single().Json!.Value.GetProperty("response_format");
        Assert.Equal("person", sent.GetProperty("json_schema").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Session_SchemaLargerThanTheWindow_IsRefusedBeforeSending()
    {
        await using var server = await LoopbackServer.StartAsync();
        var properties = new StringBuilder();
        for (var i = 0; i < 900; i++)
        {
            properties.Append(i == 0 ? "" : ",").Append("\"field_number_").Append(i).Append("\":{\"type\":\"string\",\"description\":\"a field of the answer\"}");
        }

        var format = StructuredOutput.ForSchema("{\"type\":\"object\",\"properties\":{" + properties + "}}");
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions
        {
            Model = "gpt-4",
            Context = ContextPolicy.KeepAll(),
            ChatOptions = new ChatOptions { ResponseFormat = format },
        });

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() => session.SendAsync("who?"));

        Assert.True(error.PromptTokens > error.ContextWindow - error.ReservedOutput, error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void CountRequest_Schema_AddsItsTokensToThePrompt()
    {
        var counter = new TokenCounter();
        var model = ModelCatalog.BuiltIn.Find("gpt-4o")!;
        List<ChatMessage> messages = [new(ChatRole.User, "who?")];

        var plain = counter.CountRequest(messages, model, new ChatOptions());
        var withSchema = counter.CountRequest(messages, model, new ChatOptions { ResponseFormat = StructuredOutput.ForSchema(Schema) });

        Assert.Equal(counter.CountPrompt(messages, model), plain);
        Assert.True(withSchema.Value > plain.Value + 10, $"{plain} -> {withSchema}");
        Assert.True(withSchema.IsEstimate);
    }

    [Theory]
    [InlineData("""{"name":"Ada","age":36}""", null)]
    [InlineData("""{"name":"Ada","age":"old"}""", "the answer does not match the schema at $.age:")]
    [InlineData("""{"name":"Ada"}""", "the answer does not match the schema at $:")]
    [InlineData("""{"name":"Ada","age":36,"x":1}""", "the answer does not match the schema at $")]
    [InlineData("Ada", "the answer is not valid JSON (line 1, column 1)")]
    [InlineData("", "the answer is empty, not JSON")]
    public void Validate_Schema_ReportsTheFirstError(string answer, string? expected)
    {
        var reason = StructuredOutput.Validate(StructuredOutput.ForSchema(Schema), answer);

        if (expected is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.NotNull(reason);
            Assert.StartsWith(expected, reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"a":1}""", null)]
    [InlineData("[1]", "the answer is an array, not a JSON object")]
    [InlineData("\"text\"", "the answer is a string, not a JSON object")]
    public void Validate_JsonObject_AcceptsOnlyAnObject(string answer, string? expected) =>
        Assert.Equal(expected, StructuredOutput.Validate(ChatResponseFormat.Json, answer));

    [Fact]
    public void Validate_Text_AcceptsAnything() => Assert.Null(StructuredOutput.Validate(ChatResponseFormat.Text, "anything"));

    [Fact]
    public void ForSchema_SameIdTwice_BuildsBoth()
    {
        const string withId = """{"$id":"https://example.com/person","type":"object"}""";

        var first = StructuredOutput.ForSchema(withId);
        var second = StructuredOutput.ForSchema(withId);

        Assert.Null(StructuredOutput.Validate(second, "{}"));
        Assert.Equal(JsonValueKind.Object, first.Schema!.Value.ValueKind);
    }

    [Theory]
    [InlineData("""{"type":5}""", "not a valid JSON schema")]
    [InlineData("""{"type":"object""", "not valid JSON")]
    [InlineData("true", "must be a JSON object")]
    public void ForSchema_Invalid_ThrowsFormatException(string schema, string reason)
    {
        var error = Assert.Throws<FormatException>(() => StructuredOutput.ForSchema(schema));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
