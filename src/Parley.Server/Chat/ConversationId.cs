using System.Text.Json;

namespace Parley.Server;

/// <summary>
/// The conversation a stateless client names: header <c>X-Parley-Conversation</c>, else
/// <c>metadata.parley_conversation</c> in the body (removed before forwarding). Up to 128 characters of
/// <c>[A-Za-z0-9._:-]</c>; an unknown id starts a conversation.
/// </summary>
internal static class ConversationId
{
    public const string Header = "X-Parley-Conversation";

    public const string MetadataKey = "parley_conversation";

    private const int MaxLength = 128;

    /// <summary>The id the request names (null: none), whether it came from the body's metadata, or the 400 error for an invalid one.</summary>
    public static string? Read(string? header, ChatRequest request, out bool inMetadata, out GatewayError? error)
    {
        error = null;
        inMetadata = false;
        string? id = header;
        string param = Header;
        if (request.Metadata is { ValueKind: JsonValueKind.Object } metadata && metadata.TryGetProperty(MetadataKey, out var value))
        {
            inMetadata = true;
            if (id is null)
            {
                param = "metadata." + MetadataKey;
                if (value.ValueKind != JsonValueKind.String)
                {
                    error = GatewayErrors.InvalidBody($"'{param}' must be a string.", param);
                    return null;
                }

                id = value.GetString();
            }
        }

        if (id is null)
        {
            return null;
        }

        if (!IsValid(id))
        {
            error = GatewayErrors.InvalidBody($"The conversation id ({param}) must be 1 to {MaxLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'.", param);
            return null;
        }

        return id;
    }

    /// <summary>True when <paramref name="id"/> is 1 to 128 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static bool IsValid(string id) => id.Length is > 0 and <= MaxLength && id.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    /// <summary>The body without <c>metadata.parley_conversation</c>; every other byte stays as the client sent it.</summary>
    public static byte[] RemoveFromBody(byte[] body)
    {
        if (JsonSplice.FindValue(body, "metadata"u8) is not var (start, end))
        {
            return body;
        }

        var metadata = body.AsSpan(start, end - start);
        return JsonSplice.RemoveProperty(metadata, "parley_conversation"u8) is { } stripped
            ? JsonSplice.Replace(body, start, end, stripped)
            : body;
    }
}
