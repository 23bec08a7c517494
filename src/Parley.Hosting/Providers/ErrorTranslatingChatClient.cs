using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// Middleware that turns provider exceptions into <see cref="ParleyApiException"/> on both paths, and reports a
/// stream that ends without a finish reason as interrupted (keeping the partial text).
/// </summary>
internal sealed class ErrorTranslatingChatClient : DelegatingChatClient
{
    private readonly ApiErrorTranslator _translator;

    public ErrorTranslatingChatClient(IChatClient innerClient, ApiErrorTranslator translator)
        : base(innerClient)
    {
        _translator = translator;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (_translator.Translate(e, cancellationToken.IsCancellationRequested) is { } translated && !ReferenceEquals(translated, e))
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var partial = new StringBuilder();
        var finished = false;
        await using var enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = enumerator.Current;
            }
            catch (Exception e) when (_translator.Translate(e, cancellationToken.IsCancellationRequested) is { } translated)
            {
                throw WithPartial(translated, partial.ToString());
            }

            if (StreamErrorReader.TryRead(update) is { } streamError)
            {
                throw WithPartial(_translator.Scrub(streamError), partial.ToString());
            }

            partial.Append(update.Text);
            finished |= update.FinishReason is not null;
            yield return update;
        }

        if (!finished)
        {
            throw new ParleyApiException(ApiFailureKind.StreamInterrupted, "the stream ended before the answer was complete (no finish reason)")
            {
                PartialText = partial.ToString(),
            };
        }
    }

    private static ParleyApiException WithPartial(ParleyApiException e, string partial) =>
        partial.Length == 0 || e.PartialText.Length > 0
            ? e
            : new ParleyApiException(e.Kind, e.Message, e.StatusCode, e.ErrorType, e.ErrorCode, e.RetryAfter, e.InnerException) { PartialText = partial };
}
