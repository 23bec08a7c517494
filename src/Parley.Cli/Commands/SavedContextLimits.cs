namespace Parley.Cli;

/// <summary>
/// The context limits learned from servers, kept in the data directory (<see cref="LearnedModelFacts"/>); a limit that
/// cannot be saved (a read-only or full disk) is announced instead of failing the turn.
/// </summary>
internal sealed class SavedContextLimits(LearnedModelFacts facts, ConsoleInteraction ui) : IContextLimitMemory
{
    public int? Recall(Uri endpoint, string model) => facts.GetContextLimit(endpoint, model);

    public void Remember(Uri endpoint, string model, int limit)
    {
        try
        {
            facts.SetContextLimit(endpoint, model, limit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ui.Warn($"cannot save the learned context limit to {facts.Path}: {e.Message}");
        }
    }
}
