namespace Parley;

/// <summary>The state of a recorded turn.</summary>
public enum TurnStatus
{
    /// <summary>The question is saved and the answer has not arrived yet (or the writing process died; see <see cref="Interrupted"/>).</summary>
    Pending,

    /// <summary>The answer arrived and was saved.</summary>
    Complete,

    /// <summary>The turn stopped before it finished: cancelled by the user, or its process ended while the turn was pending.</summary>
    Interrupted,

    /// <summary>The call failed; <see cref="TurnRecord.Error"/> says why.</summary>
    Failed,
}
