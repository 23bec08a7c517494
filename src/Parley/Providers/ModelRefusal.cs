using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Parley;

/// <summary>
/// Reads a model's refusal: OpenAI's <c>message.refusal</c> (streamed as <c>delta.refusal</c>), sent with
/// <c>content</c> null when the model declines a request (safety, structured outputs).
/// </summary>
/// <remarks>
/// Microsoft.Extensions.AI carries a refusal as an <see cref="ErrorContent"/> whose <see cref="ErrorContent.ErrorCode"/>
/// is <see cref="ErrorCode"/>. Microsoft.Extensions.AI.OpenAI 10.11 does that for a complete response, but drops a
/// streamed refusal: its updates carry no content at all. <see cref="Read(ChatResponseUpdate)"/> then reads the piece
/// from the OpenAI SDK's own update (<c>StreamingChatCompletionUpdate.RefusalUpdate</c>), so a refusal can be shown as
/// it arrives whichever way the OpenAI client was built.
/// </remarks>
internal static class ModelRefusal
{
    /// <summary>The <see cref="ErrorContent.ErrorCode"/> of a refusal.</summary>
    public const string ErrorCode = "Refusal";

    /// <summary>The refusal in <paramref name="response"/>, or null when the model did not refuse.</summary>
    /// <param name="response">A complete response.</param>
    /// <returns>The refusal text, or null.</returns>
    public static string? Read(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        StringBuilder? refusal = null;
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (FromContent(content) is { } piece)
                {
                    (refusal ??= new StringBuilder()).Append(piece);
                }
            }
        }

        return refusal is { Length: > 0 } ? refusal.ToString() : null;
    }

    /// <summary>The piece of a refusal that <paramref name="update"/> carries, or null when it carries none.</summary>
    /// <param name="update">One streamed update.</param>
    /// <returns>The piece of refusal text, or null.</returns>
    public static string? Read(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var contents = update.Contents;
        if (contents.Count == 0)
        {
            // Only an update without contents can be a refusal piece Microsoft.Extensions.AI dropped; text chunks cost no lookup.
            return FromRaw(update);
        }

        string? refusal = null;
        for (var i = 0; i < contents.Count; i++)
        {
            if (FromContent(contents[i]) is { } piece)
            {
                refusal += piece;
            }
        }

        return refusal;
    }

    /// <summary>A refusal as Microsoft.Extensions.AI carries it.</summary>
    /// <param name="refusal">The refusal text.</param>
    /// <returns>An <see cref="ErrorContent"/> with <see cref="ErrorCode"/>.</returns>
    public static ErrorContent ToContent(string refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new ErrorContent(refusal) { ErrorCode = ErrorCode };
    }

    /// <summary>The refusal text <paramref name="content"/> carries, or null when it is not a refusal.</summary>
    internal static string? FromContent(AIContent content) =>
        content is ErrorContent { ErrorCode: ErrorCode, Message: { Length: > 0 } message } ? message : null;

    /// <summary>The refusal piece in the OpenAI SDK's update under <paramref name="update"/> (null: none, or another provider).</summary>
    internal static string? FromRaw(ChatResponseUpdate update) =>
        update.RawRepresentation is StreamingChatCompletionUpdate { RefusalUpdate: { Length: > 0 } piece } ? piece : null;
}
