using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerModelsOptionTests : LoopbackServerTestBase
{
    protected override LoopbackServerOptions Options => new() { Models = ["my-model"] };

    [Fact]
    public async Task Models_Configured_ListsOnlyThose()
    {
        using var doc = JsonDocument.Parse(await Client.GetStringAsync("v1/models"));

        var ids = doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString());
        Assert.Equal(["my-model"], ids);
    }
}
