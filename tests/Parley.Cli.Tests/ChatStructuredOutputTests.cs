using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// <c>parley chat --schema</c> / <c>--json-object</c>: every turn asks for the format, each answer is validated and printed
/// only when valid; an invalid one is reported and the conversation goes on (it stays in the history), exit 1 at the end.
/// </summary>
public class ChatStructuredOutputTests
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_Schema_EachAnswerValidated_InvalidOneReportedAndTheChatGoesOn(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"name":"Ada"}"""));
        server.Enqueue(ScriptedResponse.Text("""{"name":42}"""));
        server.Enqueue(ScriptedResponse.Text("""{"name":"Grace"}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("who?\nand?\nlast?\n", stream ? ["chat", "--schema", Schema] : ["chat", "--no-stream", "--schema", Schema]);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("{\"name\":\"Ada\"}\n{\"name\":\"Grace\"}\n", r.Stdout);
        Assert.Contains("error: the answer does not match the schema", r.Stderr);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, q => Assert.Equal("json_schema", q.Json!.Value.GetProperty("response_format").GetProperty("type").GetString()));
        var roles = server.Requests[2].Json!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], roles);
    }

    [Fact]
    public async Task Chat_JsonObject_SendsJsonObject()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("""{"a":1}"""));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("json please\n", "chat", "--json-object");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("{\"a\":1}\n", r.Stdout);
        Assert.Equal("json_object", server.Requests.Single().Json!.Value.GetProperty("response_format").GetProperty("type").GetString());
    }
}
