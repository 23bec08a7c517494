namespace Parley.Server;

/// <summary>The web API's own errors, in OpenAI's shape.</summary>
internal static class WebApiErrors
{
    /// <summary>The key has no conversation with this id (another key's conversation is not found either).</summary>
    public static GatewayError ConversationNotFound(string id) =>
        new(404, GatewayErrors.InvalidRequest, "conversation_not_found", $"No conversation with id '{id}' was found.", "id");

    public static GatewayError InvalidId() =>
        GatewayErrors.InvalidBody("A conversation id is 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'.", "id");

    /// <summary>The gateway's conversation log is not a whole store (a custom <see cref="IConversationLog"/> without <see cref="IConversationHistory"/>).</summary>
    public static GatewayError NotSupported() =>
        new(501, "server_error", "not_supported", "The gateway's conversation log cannot list or edit conversations (it is not an IConversationHistory).");
}
