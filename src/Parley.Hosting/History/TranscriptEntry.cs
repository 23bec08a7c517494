using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>One message of a <see cref="Transcript"/>, with the turn to report after it (its usage or why it has no answer).</summary>
/// <param name="Message">The message (role and text).</param>
/// <param name="Sequence">Its stored sequence number; <see langword="null"/> for the system prompt kept on the conversation.</param>
/// <param name="Turn">The turn this message ends: the answer's turn, or a question's turn that has no answer; otherwise null.</param>
internal sealed record TranscriptEntry(ChatMessage Message, long? Sequence, TurnRecord? Turn);
