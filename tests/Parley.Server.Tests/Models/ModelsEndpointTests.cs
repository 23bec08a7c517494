using System.Net;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class ModelsEndpointTests
{
    [Fact]
    public async Task Models_CatalogAliasesAndUpstreamList_WithWindowOutputAndPricing()
    {
        var options = new LoopbackServerOptions();
        options.Models.Add("house-model-7b");
        await using var upstream = await LoopbackServer.StartAsync(options);
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await gateway.Client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", document.RootElement.GetProperty("object").GetString());
        var models = document.RootElement.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.Clone());
        var known = ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;
        var mini = models["gpt-4o-mini"];
        Assert.Equal("model", mini.GetProperty("object").GetString());
        Assert.Equal(known.ContextWindow, mini.GetProperty("context_window").GetInt32());
        Assert.Equal(known.MaxOutputTokens, mini.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal(known.InputPerMillion, mini.GetProperty("pricing").GetProperty("input").GetDecimal());
        Assert.Equal(known.CachedInputPerMillion, mini.GetProperty("pricing").GetProperty("cached_input").GetDecimal());
        Assert.Equal(known.OutputPerMillion, mini.GetProperty("pricing").GetProperty("output").GetDecimal());
        Assert.Equal(known.ContextWindow, models["openai:fast"].GetProperty("context_window").GetInt32());
        var house = models["house-model-7b"];
        Assert.Equal(JsonValueKind.Null, house.GetProperty("context_window").ValueKind);
        Assert.Equal(JsonValueKind.Null, house.GetProperty("pricing").ValueKind);
    }
}
