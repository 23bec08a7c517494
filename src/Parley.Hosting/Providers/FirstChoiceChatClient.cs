using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Parley.Hosting;

/// <summary>
/// Keeps a stream to choice 0. With <c>n</c> &gt; 1 the server interleaves the choices' chunks
/// (<c>choices[0].index</c> = 0, 1, 2, …); the OpenAI SDK drops the index, so without this filter the answer's text
/// would be the choices' fragments mixed together. The non-streaming path already reads choice 0.
/// </summary>
/// <remarks>
/// The index is read on every chunk (through the SDK's JSON patch, a few microseconds): a server need not send the
/// role in the first chunk of each choice, so no chunk can be assumed to be choice 0. A chunk without choices (the
/// usage chunk, an error object) is passed on.
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
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is StreamingChatCompletionUpdate raw && ChoiceIndex(raw) is > 0)
            {
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
