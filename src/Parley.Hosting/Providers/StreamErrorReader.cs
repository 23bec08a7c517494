using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Parley.Hosting;

/// <summary>
/// Finds an <c>error</c> object sent inside an SSE stream (<c>data: {"error":{…}}</c>). The SDK parses such a frame
/// as an empty chunk and would drop it; its JSON is still available through the update's patch.
/// </summary>
internal static class StreamErrorReader
{
    public static ParleyApiException? TryRead(ChatResponseUpdate update)
    {
        // An error frame has no choices, so it arrives as an update without contents; a content chunk needs no lookup.
        if (update.Contents.Count > 0 || update.RawRepresentation is not StreamingChatCompletionUpdate raw)
        {
            return null;
        }

#pragma warning disable SCME0001 // JsonPatch is the SDK's access to fields it does not model.
        if (!raw.Patch.TryGetJson("$.error"u8, out var json))
        {
            return null;
        }
#pragma warning restore SCME0001

        var body = "{\"error\":" + System.Text.Encoding.UTF8.GetString(json.Span) + "}";
        var (message, type, code) = ApiErrorTranslator.ReadErrorBody(body);
        return new ParleyApiException(
            ApiFailureKind.HttpError,
            message ?? "the server reported an error inside the stream",
            statusCode: null,
            errorType: type,
            errorCode: code);
    }
}
