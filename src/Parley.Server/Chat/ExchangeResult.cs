using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>What came back from upstream, gathered while it is passed on: the answer's text, why it stopped, usage and cost.</summary>
internal sealed class ExchangeResult
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public string? FinishReason { get; private set; }

    public string? ResponseModel { get; private set; }

    public UsageDetails? Usage { get; set; }

    public decimal? CostUsd { get; set; }

    public TimeSpan? TimeToFirstToken { get; set; }

    public TurnStatus Status { get; set; } = TurnStatus.Complete;

    public string? Error { get; set; }

    /// <summary>Gets or sets what is held back until the turn is saved (named conversations): a non-streaming answer, or a stream's closing events; or null.</summary>
    public ReadOnlyMemory<byte>? HeldAnswer { get; set; }

    /// <summary>Reads a completion (<c>message</c>) or a chunk (<c>delta</c>): the first choice's text and finish reason, and the model.</summary>
    /// <returns>True when it carried answer text.</returns>
    public bool Read(JsonElement root, bool chunk)
    {
        if (ResponseModel is null && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            ResponseModel = model.GetString();
        }

        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return false;
        }

        var choice = choices[0];
        if (choice.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            FinishReason = finish.GetString();
        }

        if (choice.TryGetProperty(chunk ? "delta" : "message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString();
            if (!string.IsNullOrEmpty(text))
            {
                _text.Append(text);
                return true;
            }
        }

        return false;
    }
}
