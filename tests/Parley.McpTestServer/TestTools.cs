using System.ComponentModel;
using ModelContextProtocol.Server;

namespace Parley.McpTestServer;

/// <summary>The tools the test server offers.</summary>
[McpServerToolType]
public sealed class TestTools
{
    [McpServerTool(Name = "add"), Description("Adds two whole numbers.\nReturns their sum.")]
    public static int Add([Description("The first number")] int a, [Description("The second number")] int b) => a + b;

    [McpServerTool(Name = "get_weather"), Description("Gets the current weather for a city.")]
    public static string GetWeather([Description("The city's name")] string city) =>
        $"{city}: 21 {Environment.GetEnvironmentVariable("WEATHER_UNIT") ?? "C"}, sunny";

    [McpServerTool(Name = "fail"), Description("Always fails (for tests).")]
    public static string Fail() => throw new InvalidOperationException("the fail tool always fails");
}
