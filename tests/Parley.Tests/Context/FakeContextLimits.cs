namespace Parley.Tests.Context;

/// <summary>Context limits kept in memory, per endpoint key and model, with an optional fixed answer for every lookup.</summary>
internal sealed class FakeContextLimits : ILearnedModelFacts
{
    public Dictionary<string, int> Saved { get; } = [];

    /// <summary>When set, what every lookup answers (the saved limits are then ignored).</summary>
    public int? Always { get; init; }

    public static string Key(Uri endpoint, string model) => LearnedModelFacts.EndpointKey(endpoint) + " " + model;

    public int? GetContextLimit(Uri endpoint, string modelId) => Always ?? (Saved.TryGetValue(Key(endpoint, modelId), out var limit) ? limit : null);

    public void SetContextLimit(Uri endpoint, string modelId, int tokens) => Saved[Key(endpoint, modelId)] = tokens;

    public double? GetCalibrationRatio(Uri endpoint, string modelId) => null;

    public void SetCalibrationRatio(Uri endpoint, string modelId, double ratio)
    {
    }
}
