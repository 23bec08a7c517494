using System.Text;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// <c>GET /v1/parley/conversations/{id}/export?format=markdown|json</c>: the conversation as <c>parley history export</c>
/// writes it (<see cref="ConversationExport"/>, the same code), as a download named after the conversation.
/// </summary>
internal sealed class ConversationExportEndpoint
{
    private readonly GatewaySources _sources;
    private readonly ConversationsEndpoint _conversations;

    public ConversationExportEndpoint(GatewaySources sources, ConversationsEndpoint conversations)
    {
        _sources = sources;
        _conversations = conversations;
    }

    public async Task HandleAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var format = context.Request.Query["format"] is { Count: > 0 } value ? value.ToString() : "markdown";
        var json = format switch
        {
            "markdown" or "md" => false,
            "json" => true,
            _ => (bool?)null,
        };
        if (json is null)
        {
            await ErrorResponse.WriteAsync(context, GatewayErrors.InvalidBody("'format' must be markdown or json.", "format")).ConfigureAwait(false);
            return;
        }

        if (await _conversations.FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not var (clientId, storeId))
        {
            return;
        }

        var stored = await _sources.Log.LoadAsync(storeId, cancellationToken).ConfigureAwait(false);
        var text = json.Value ? ConversationExport.ToJson(stored) + "\n" : ConversationExport.ToMarkdown(stored);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"parley-{clientId}.{(json.Value ? "json" : "md")}\"";
        await JsonReply.WriteAsync(context, json.Value ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8", Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }
}
