namespace Parley.Cli;

/// <summary>
/// The facts learned from servers, kept in the data directory (<see cref="LearnedModelFacts"/>); a context limit that
/// cannot be saved (a read-only or full disk) is announced instead of failing the turn.
/// </summary>
internal sealed class SavedContextLimits(LearnedModelFacts facts, ConsoleInteraction ui) : ILearnedModelFacts
{
    public double? GetCalibrationRatio(Uri endpoint, string modelId) => facts.GetCalibrationRatio(endpoint, modelId);

    public void SetCalibrationRatio(Uri endpoint, string modelId, double ratio) => facts.SetCalibrationRatio(endpoint, modelId, ratio);

    public int? GetContextLimit(Uri endpoint, string modelId) => facts.GetContextLimit(endpoint, modelId);

    public void SetContextLimit(Uri endpoint, string modelId, int tokens)
    {
        try
        {
            facts.SetContextLimit(endpoint, modelId, tokens);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ui.Warn($"cannot save the learned context limit to {facts.Path}: {e.Message}");
        }
    }
}
