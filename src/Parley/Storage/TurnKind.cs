namespace Parley;

/// <summary>What a recorded model call was for.</summary>
internal enum TurnKind
{
    /// <summary>A user question and the assistant's answer.</summary>
    Chat,

    /// <summary>A call that folded older messages into the conversation's running summary.</summary>
    Summary,
}
