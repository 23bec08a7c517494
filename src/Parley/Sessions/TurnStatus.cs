namespace Parley;

/// <summary>How a turn ended.</summary>
public enum TurnStatus
{
    /// <summary>The model finished its answer.</summary>
    Complete,

    /// <summary>The answer was cut short (Ctrl+C, a broken stream); the partial answer is kept.</summary>
    Interrupted,

    /// <summary>No answer: the call failed.</summary>
    Failed,
}
