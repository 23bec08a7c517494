using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// <c>GET /v1/parley/me</c>: who the key is, the models it may use (null: all) and its budgets with what they have
/// left — <c>{"key_name","models","budget":{"daily":{"limit_usd","spent_usd","left_usd"},"monthly":{…}}}</c>; an
/// unlimited period has null limit and left. Spent counts settled costs and open reservations, as the gate does.
/// </summary>
internal sealed class MeEndpoint
{
    private readonly IApiKeyStore? _keys;

    /// <param name="keys">The key store; null on a gateway without keys (<c>--no-auth</c>).</param>
    public MeEndpoint(IApiKeyStore? keys = null) => _keys = keys;

    public async Task HandleAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var bearer = BearerToken.Read(context.Request);
        var record = ReferenceEquals(key, GateKey.Anonymous) || _keys is null || bearer is null
            ? null
            : await _keys.FindKeyAsync(bearer, cancellationToken).ConfigureAwait(false);
        await JsonReply.WriteAsync(
            context,
            json =>
            {
                json.WriteStartObject();
                json.WriteString("key_name", key.Name);
                if (key.Models is { } models)
                {
                    json.WriteStartArray("models");
                    foreach (var model in models)
                    {
                        json.WriteStringValue(model);
                    }

                    json.WriteEndArray();
                }
                else
                {
                    json.WriteNull("models");
                }

                json.WriteStartObject("budget");
                WritePeriod(json, "daily", record?.Limits.DailyUsd, record?.SpentTodayUsd ?? 0m);
                WritePeriod(json, "monthly", record?.Limits.MonthlyUsd, record?.SpentThisMonthUsd ?? 0m);
                json.WriteEndObject();
                json.WriteEndObject();
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static void WritePeriod(Utf8JsonWriter json, string name, decimal? limit, decimal spent)
    {
        json.WriteStartObject(name);
        json.WriteCost("limit_usd", limit);
        json.WriteCost("spent_usd", spent);
        json.WriteCost("left_usd", limit is { } l ? Math.Max(0m, l - spent) : null);
        json.WriteEndObject();
    }
}
