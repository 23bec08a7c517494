using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// <c>--schema</c> sends the <c>response_format</c> OpenAI's own clients send: compared with a recorded structured-output
/// request (the recorded fixtures, read-only beside the repository; skipped without them).
/// </summary>
public class StructuredOutputRecordedRequestTests
{
    private const string Fixture = "1_openai_nonstream/lcgo_gpt-4o-2024-08-06_json_schema_raw_http";

    [SkippableFact]
    public async Task Schema_RecordedJsonSchemaRequest_SameResponseFormatExceptTheName()
    {
        if (FixtureRoot.Path is null)
        {
            throw new SkipException(FixtureRoot.SkipReason ?? "the recorded fixtures are not beside the repository");
        }

        var basePath = Path.Combine(FixtureRoot.Path!, Fixture);
        var recorded = JsonNode.Parse(await File.ReadAllTextAsync(basePath + ".request.json"))!["response_format"]!;
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.FromFixture(basePath));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-stream", "-m", "gpt-4o-2024-08-06", "--schema", recorded["json_schema"]!["schema"]!.ToJsonString(), "Solve 2 + 2");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("""{"final_answer":"4"}""" + "\n", r.Stdout);
        var sent = JsonNode.Parse(server.Requests.Single().Json!.Value.GetProperty("response_format").GetRawText())!;

        // Ours is named "response" (the name is a label for the model; the recording's client named it "math_schema").
        Assert.Equal("response", sent["json_schema"]!["name"]!.GetValue<string>());
        var expected = recorded.DeepClone();
        expected["json_schema"]!["name"] = "response";
        Assert.True(JsonNode.DeepEquals(expected, sent), $"sent {sent.ToJsonString()}\nrecorded {recorded.ToJsonString()}");
    }
}
