using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// <c>--schema FILE|JSON</c> and <c>--json-object</c>: the request carries the response format, the answer is buffered
/// and validated (JsonSchema.Net), stdout carries only the JSON, an invalid answer exits 1 with the reason and no
/// second model call, an invalid schema exits 2 before anything is sent.
/// </summary>
public class StructuredOutputTests
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Schema_ValidAnswer_PrintsOnlyTheJsonAndSendsAStrictSchema(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":36}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["--schema", Schema, "who?"] : ["--no-stream", "--schema", Schema, "who?"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("""{"name":"Ada","age":36}""" + "\n", r.Stdout);
        var format = server.Requests.Single().Json!.Value.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.Equal("response", jsonSchema.GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Schema).RootElement, jsonSchema.GetProperty("schema")), jsonSchema.GetProperty("schema").GetRawText());
    }

    [Fact]
    public async Task Schema_FromAFile_SendsTheFilesSchema()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":36}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var file = Path.Combine(parley.WorkingDirectory, "person.json");
        await File.WriteAllTextAsync(file, Schema);

        var r = await parley.RunAsync(stdin: "", "--schema", "person.json", "who?");

        Assert.True(r.ExitCode == 0, r.ToString());
        var sent = server.Requests.Single().Json!.Value.GetProperty("response_format").GetProperty("json_schema").GetProperty("schema");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Schema).RootElement, sent));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Schema_AnswerViolatesTheSchema_ExitsOneWithThePathAndPrintsNothing(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":"thirty-six"}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["--schema", Schema, "who?"] : ["--no-stream", "--schema", Schema, "who?"]);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.Contains("does not match the schema at $.age", r.Stderr, StringComparison.Ordinal);
        Assert.Single(server.Requests); // no retry, no repair call
    }

    [Fact]
    public async Task Schema_AnswerIsNotJson_ExitsOne()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Ada, 36"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--schema", Schema, "who?");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.Contains("the answer is not valid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":5}}}""", "not a valid JSON schema")]
    [InlineData("""{"type":"object",""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("missing-file.json", "missing-file.json")]
    public async Task Schema_Invalid_ExitsTwoBeforeSending(string schema, string reason)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--schema", schema, "who?");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Schema_WithJson_ContentIsTheValidatedJsonValue()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":36}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json", "--schema", Schema, "who?");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var content = doc.RootElement.GetProperty("content");
        Assert.Equal(JsonValueKind.Object, content.ValueKind);
        Assert.Equal(36, content.GetProperty("age").GetInt32());
    }

    [Fact]
    public async Task JsonObject_ObjectAnswer_SendsJsonObjectAndPrintsIt()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"ok":true}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json-object", "answer in JSON");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("""{"ok":true}""" + "\n", r.Stdout);
        Assert.Equal("json_object", server.Requests.Single().Json!.Value.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task JsonObject_ArrayAnswer_ExitsOne()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("[1,2,3]"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--json-object", "answer in JSON");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.Contains("the answer is an array, not a JSON object", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Schema_Refusal_ExitsOneWithTheRefusal(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal("I'm very sorry, but I can't assist with that request."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["--schema", Schema, "rob a bank"] : ["--no-stream", "--schema", Schema, "rob a bank"]);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.Contains("the model refused: I'm very sorry, but I can't assist with that request.", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_BothFlags_IsAUsageError()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--schema", Schema, "--json-object", "who?");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Schema_LargeSchema_IsCountedInTheCostBudgetBeforeSending()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var properties = new StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            properties.Append(i == 0 ? "" : ",").Append("\"field_number_").Append(i).Append("\":{\"type\":\"string\",\"description\":\"a field\"}");
        }

        var large = "{\"type\":\"object\",\"properties\":{" + properties + "}}";

        var plain = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--max-cost", "0.0001", "--max-tokens", "10", "--no-log", "who?");
        var withSchema = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--max-cost", "0.0001", "--max-tokens", "10", "--no-log", "--schema", large, "who?");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(withSchema.ExitCode == 1, withSchema.ToString());
        Assert.Contains("cost limit", withSchema.Stderr, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Schema_Ollama_SendsTheSchemaAsFormat()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [new OllamaModel("llama3.2") { ContextLength = 131_072 }] });
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada","age":36}"""));
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:llama3.2", "--no-log", "--schema", Schema, "who?");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("""{"name":"Ada","age":36}""" + "\n", r.Stdout);
        var chat = Assert.Single(server.Requests, q => q.Path == "/api/chat");
        var format = chat.Json!.Value.GetProperty("format");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Schema).RootElement, format), format.GetRawText());
    }

    [Fact]
    public async Task JsonObject_Ollama_SendsFormatJson()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [new OllamaModel("llama3.2") { ContextLength = 131_072 }] });
        server.Enqueue(ScriptedResponse.Text("""{"ok":true}"""));
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", "-m", "ollama:llama3.2", "--no-log", "--json-object", "answer in JSON");

        Assert.True(r.ExitCode == 0, r.ToString());
        var chat = Assert.Single(server.Requests, q => q.Path == "/api/chat");
        Assert.Equal("json", chat.Json!.Value.GetProperty("format").GetString());
    }
}
