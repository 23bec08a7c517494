using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Hosting;

namespace Parley.Cli;

/// <summary>A turn's answer checked against the JSON format asked for (<c>--schema</c>, <c>--json-object</c>).</summary>
internal static class StructuredAnswer
{
    /// <summary>
    /// The answer as the JSON asked for, or null after saying on stderr why it is not (a refusal, invalid JSON, a schema
    /// violation); never a second call to repair it.
    /// </summary>
    public static JsonElement? Check(ChatTurn turn, ChatResponseFormat format, ConsoleInteraction ui)
    {
        if (turn.Refusal is { } refusal)
        {
            ui.Error($"the model refused: {refusal}");
            return null;
        }

        var text = turn.Text.Trim();
        if (StructuredOutput.Validate(format, text) is { } reason)
        {
            ui.Error(turn.FinishReason == ChatFinishReason.Length ? $"{reason} (the answer was cut at the output limit)" : reason);
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
