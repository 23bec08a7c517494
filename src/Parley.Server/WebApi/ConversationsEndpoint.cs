using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// The caller's conversations (<c>/v1/parley/conversations</c>): list and search, read one, rename, delete, and
/// truncate (keep the first N messages: regenerate, or ask an earlier question again). Ids are the ids clients send in
/// <c>X-Parley-Conversation</c>; a key sees only its own conversations: another key's id is not found.
/// </summary>
internal sealed class ConversationsEndpoint
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 1000;

    private const int MaxTitleLength = 200;

    private readonly GatewaySources _sources;
    private readonly ConversationLocks _locks;
    private readonly ConversationCache _kept;

    public ConversationsEndpoint(GatewaySources sources, ChatCompletionsEndpoint chat)
    {
        _sources = sources;
        _locks = chat.ConversationLocks;
        _kept = chat.Conversations;
    }

    /// <summary><c>GET /v1/parley/conversations?q=TEXT&amp;limit=N</c>: <c>{"data":[summary…]}</c>, newest first.</summary>
    public async Task ListAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        if (Store() is not { } store)
        {
            await ErrorResponse.WriteAsync(context, WebApiErrors.NotSupported()).ConfigureAwait(false);
            return;
        }

        var limit = DefaultLimit;
        if (context.Request.Query["limit"] is { Count: > 0 } limitText
            && !(int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is > 0 and <= MaxLimit))
        {
            await ErrorResponse.WriteAsync(context, GatewayErrors.InvalidBody($"'limit' must be a whole number from 1 to {MaxLimit}.", "limit")).ConfigureAwait(false);
            return;
        }

        var search = context.Request.Query["q"].ToString();
        var items = await store.ListClientConversationsAsync(key.ConversationOwner, string.IsNullOrWhiteSpace(search) ? null : search, limit, cancellationToken).ConfigureAwait(false);
        await JsonReply.WriteAsync(
            context,
            json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("data");
                foreach (var item in items)
                {
                    ConversationJson.WriteSummary(json, ConversationSummary.From(item));
                }

                json.WriteEndArray();
                json.WriteEndObject();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /v1/parley/conversations/{id}</c>: the whole conversation.</summary>
    public async Task GetAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        if (await FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not var (clientId, storeId))
        {
            return;
        }

        var stored = await _sources.Log.LoadAsync(storeId, cancellationToken).ConfigureAwait(false);
        await JsonReply.WriteAsync(context, json => ConversationJson.WriteConversation(json, clientId, stored), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>PATCH /v1/parley/conversations/{id}</c> with <c>{"title":"…"}</c>: renames it; answers its summary.</summary>
    public async Task RenameAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken).ConfigureAwait(false);
        string? title;
        using (document)
        {
            title = document is not null && document.RootElement.TryGetProperty("title", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!.Trim()
                : null;
        }

        error ??= title is { Length: > 0 and <= MaxTitleLength }
            ? null
            : GatewayErrors.InvalidBody($"'title' must be a string of 1 to {MaxTitleLength} characters.", "title");
        if (error is not null)
        {
            await ErrorResponse.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        if (await FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not var (clientId, storeId))
        {
            return;
        }

        await _sources.Log.UpdateConversationAsync(storeId, new ConversationUpdate { Title = title }, cancellationToken).ConfigureAwait(false);
        var stored = await _sources.Log.LoadAsync(storeId, cancellationToken).ConfigureAwait(false);
        await JsonReply.WriteAsync(context, json => ConversationJson.WriteSummary(json, ConversationSummary.From(clientId, stored)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /v1/parley/conversations/{id}</c>: deletes it with its messages and turns.</summary>
    public async Task DeleteAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        if (await FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not var (clientId, storeId))
        {
            return;
        }

        using (await _locks.AcquireAsync(ConversationLocks.NameOf(key, clientId), cancellationToken).ConfigureAwait(false))
        {
            _kept.Remove(ConversationCache.KeyOf(key.ConversationOwner, clientId));
            await Store()!.DeleteAsync(storeId, cancellationToken).ConfigureAwait(false);
        }

        await JsonReply.WriteAsync(
            context,
            json =>
            {
                json.WriteStartObject();
                json.WriteString("id", clientId);
                json.WriteString("object", "conversation.deleted");
                json.WriteBoolean("deleted", true);
                json.WriteEndObject();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /v1/parley/conversations/{id}/truncate</c> with <c>{"keep":N}</c>: keeps the first N messages (their
    /// indexes 0 to N-1), after any request on the conversation has finished; answers the conversation as it is now.
    /// </summary>
    public async Task TruncateAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var (document, error) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken).ConfigureAwait(false);
        int keep = -1;
        using (document)
        {
            if (document is not null && !(document.RootElement.TryGetProperty("keep", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out keep) && keep >= 0))
            {
                error = GatewayErrors.InvalidBody("'keep' must be a whole number of messages, 0 or more.", "keep");
            }
        }

        if (error is not null)
        {
            await ErrorResponse.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        if (Store() is not { } store)
        {
            await ErrorResponse.WriteAsync(context, WebApiErrors.NotSupported()).ConfigureAwait(false);
            return;
        }

        if (await FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not var (clientId, storeId))
        {
            return;
        }

        StoredConversation stored;
        using (await _locks.AcquireAsync(ConversationLocks.NameOf(key, clientId), cancellationToken).ConfigureAwait(false))
        {
            _kept.Remove(ConversationCache.KeyOf(key.ConversationOwner, clientId));
            await store.TruncateAsync(storeId, keep, cancellationToken).ConfigureAwait(false);
            stored = await _sources.Log.LoadAsync(storeId, cancellationToken).ConfigureAwait(false);
        }

        await JsonReply.WriteAsync(context, json => ConversationJson.WriteConversation(json, clientId, stored), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The route's conversation of this key: its client id and store id, or null after answering 400, 404 or 501.</summary>
    public async Task<(string ClientId, string StoreId)?> FindAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (!ConversationId.IsValid(id))
        {
            await ErrorResponse.WriteAsync(context, WebApiErrors.InvalidId()).ConfigureAwait(false);
            return null;
        }

        if (Store() is not { } store)
        {
            await ErrorResponse.WriteAsync(context, WebApiErrors.NotSupported()).ConfigureAwait(false);
            return null;
        }

        if (await store.FindClientConversationAsync(key.ConversationOwner, id, cancellationToken).ConfigureAwait(false) is not { } storeId)
        {
            await ErrorResponse.WriteAsync(context, WebApiErrors.ConversationNotFound(id)).ConfigureAwait(false);
            return null;
        }

        return (id, storeId);
    }

    private IConversationHistory? Store() => _sources.Log as IConversationHistory;
}
