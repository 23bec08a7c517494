namespace Parley.Tests.Context;

/// <summary>Context limits kept in memory, per endpoint key and model, with an optional fixed answer for every lookup.</summary>
internal sealed class FakeContextLimits : IContextLimitMemory
{
    public Dictionary<string, int> Saved { get; } = [];

    /// <summary>When set, what every lookup answers (the saved limits are then ignored).</summary>
    public int? Always { get; init; }

    public static string Key(Uri endpoint, string model) => LearnedModelFacts.EndpointKey(endpoint) + " " + model;

    public int? Recall(Uri endpoint, string model) => Always ?? (Saved.TryGetValue(Key(endpoint, model), out var limit) ? limit : null);

    public void Remember(Uri endpoint, string model, int limit) => Saved[Key(endpoint, model)] = limit;
}
