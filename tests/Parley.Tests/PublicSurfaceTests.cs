using System.Reflection;
using System.Runtime.CompilerServices;

namespace Parley.Tests;

/// <summary>
/// The shape of the packages (README, Design): the core reads nothing from the user's machine, hosting does, the CLI
/// and the gateway see only the core's public API, and the core's public surface stays small.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Core = typeof(ChatSession).Assembly;
    private static readonly Assembly Hosting = typeof(ParleyPaths).Assembly;

    [Theory]
    [InlineData("ConfigFile")]
    [InlineData("ParleyConfig")]
    [InlineData("EnvironmentSource")]
    [InlineData("ParleyPaths")]
    [InlineData("ProviderResolver")]
    [InlineData("ConnectionOverrides")]
    [InlineData("LearnedModelFacts")]
    [InlineData("MissingApiKeyException")]
    public void Core_ConfigurationTypes_LiveInHostingOnly(string name)
    {
        Assert.Null(Core.GetType("Parley." + name));
        Assert.True(Hosting.GetType("Parley.Hosting." + name) is { IsPublic: true }, name);
    }

    [Fact]
    public void Core_DataPaths_OnePathsType()
    {
        Assert.Null(Core.GetType("Parley.ParleyDataPaths"));
        Assert.Null(Hosting.GetType("Parley.Hosting.ParleyDataPaths"));
        Assert.Equal("parley.db", Path.GetFileName(ParleyPaths.Resolve(_ => null).DatabaseFile));
    }

    [Theory]
    [InlineData("Parley")]
    [InlineData("Parley.Hosting")]
    public void InternalsVisibleTo_OnlyTestsAndBenchmarks(string assemblyName)
    {
        var assembly = assemblyName == "Parley" ? Core : Hosting;
        var friends = assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();

        Assert.NotEmpty(friends);
        Assert.All(friends, friend => Assert.True(friend.EndsWith(".Tests", StringComparison.Ordinal) || friend == "Parley.Benchmarks", friend));
    }

    [Fact]
    public void Core_PublicTypes_AtMostFifty()
    {
        // The baseline (src/Parley/PublicAPI.Shipped.txt) fails the build on any change; this bounds its size.
        var types = Core.GetExportedTypes().Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.True(types.Count <= 50, $"{types.Count} public types: {string.Join(", ", types)}");
    }

    [Fact]
    public void Core_Middleware_ConfiguredThroughOneExtensionsClass()
    {
        var extensions = Core.GetExportedTypes()
            .Where(t => t.Name.EndsWith("ChatClientBuilderExtensions", StringComparison.Ordinal))
            .Select(t => t.Name);

        Assert.Equal(["ParleyChatClientBuilderExtensions"], extensions);
    }
}
