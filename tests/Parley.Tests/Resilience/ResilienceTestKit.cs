using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Resilience;

/// <summary>Shared helpers for the resilience tests.</summary>
internal static class ResilienceTestKit
{
    public static readonly TheoryData<bool> BothPaths = new() { false, true };

    public static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "be brief"),
        new(ChatRole.User, "hello"),
    ];

    /// <summary>Calls the client on one path and returns the whole answer's text.</summary>
    public static async Task<string> AskAsync(IChatClient client, bool streaming, IEnumerable<ChatMessage>? messages = null, CancellationToken token = default)
    {
        messages ??= Conversation();
        if (!streaming)
        {
            return (await client.GetResponseAsync(messages, cancellationToken: token)).Text;
        }

        var text = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync(messages, cancellationToken: token))
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }

    public static ParleyApiException Http(int status, string? code = null, TimeSpan? retryAfter = null) =>
        new(ApiFailureKind.HttpError, $"the server said {status}", status, errorCode: code, retryAfter: retryAfter);

    public static ParleyApiException Failure(ApiFailureKind kind) => new(kind, $"failed: {kind}");

    /// <summary>A timeout as the transport reports a connect timeout: an OCE around a <see cref="TimeoutException"/>.</summary>
    public static ParleyApiException ConnectTimeout() => new(
        ApiFailureKind.Timeout,
        "no answer from http://127.0.0.1:1 in time",
        innerException: new TaskCanceledException("The operation was canceled.", new TimeoutException("The connection attempt timed out.")));
}
