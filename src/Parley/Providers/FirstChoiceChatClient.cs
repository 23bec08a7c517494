using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Parley;

/// <summary>
/// Keeps a stream to choice 0. With <c>n</c> &gt; 1 the server interleaves the choices' chunks
/// (<c>choices[0].index</c> = 0, 1, 2, …); the OpenAI SDK drops the index, so without this filter the answer's text
/// would be the choices' fragments mixed together. The non-streaming path already reads choice 0.
/// </summary>
/// <remarks>
/// Reading the index goes through the SDK's JSON patch (a few microseconds), so it is read only when it can differ
/// from 0: on chunks that start a choice (they carry the role) and, once a second choice has shown up, on every chunk.
/// A chunk without choices (the usage chunk, an error object) is passed on.
/// </remarks>
internal sealed class FirstChoiceChatClient : DelegatingChatClient
{
    public FirstChoiceChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var severalChoices = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is StreamingChatCompletionUpdate raw && (severalChoices || raw.Role is not null) && ChoiceIndex(raw) is > 0)
            {
                severalChoices = true;
                continue;
            }

            yield return update;
        }
    }

    private static int? ChoiceIndex(StreamingChatCompletionUpdate raw)
    {
#pragma warning disable SCME0001 // JsonPatch is the SDK's access to fields it does not expose (the choice index).
        return raw.Patch.TryGetJson("$.choices[0].index"u8, out var json)
            && System.Buffers.Text.Utf8Parser.TryParse(json.Span, out int index, out _)
            ? index
            : null;
#pragma warning restore SCME0001
    }
}
