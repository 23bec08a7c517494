namespace Parley.Cli.Tests;

/// <summary>The benchmark smoke run loads both cores for a minute: it runs alone, after the other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkSmokeCollection
{
    public const string Name = "Benchmark smoke run";
}
