using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Parley.Server;

/// <summary>
/// <c>GET /v1/parley/me</c>: who the key is, the models it may use (null: all) and its budgets with what they have
/// left — <c>{"key_name","models","budget":{"daily":{"limit_usd","spent_usd","left_usd"},"monthly":{…}}}</c>; an
/// unlimited period has null limit and left. Spent counts settled costs and open reservations, as the gate does — not
/// the unused part of a budget lease this gateway holds (<see cref="IBudgetLedger.HeldUnused"/>).
/// </summary>
internal sealed class MeEndpoint
{
    private readonly IApiKeyStore? _keys;
    private readonly IBudgetLedger? _ledger;
    private readonly TimeProvider _time;

    /// <param name="keys">The key store; null on a gateway without keys (<c>--no-auth</c>).</param>
    /// <param name="ledger">Where the gate reserves budgets; null without keys.</param>
    /// <param name="time">The clock that tells today's UTC day (the system's by default).</param>
    public MeEndpoint(IApiKeyStore? keys = null, IBudgetLedger? ledger = null, TimeProvider? time = null)
    {
        _keys = keys;
        _ledger = ledger;
        _time = time ?? TimeProvider.System;
    }

    public async Task HandleAsync(HttpContext context, GateKey key, CancellationToken cancellationToken)
    {
        var bearer = BearerToken.Read(context.Request);
        var record = ReferenceEquals(key, GateKey.Anonymous) || _keys is null || bearer is null
            ? null
            : await _keys.FindKeyAsync(bearer, cancellationToken).ConfigureAwait(false);
        var unused = record is null || _ledger is null ? 0m : _ledger.HeldUnused(record.Id, DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));
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
                WritePeriod(json, "daily", record?.Limits.DailyUsd, Math.Max(0m, (record?.SpentTodayUsd ?? 0m) - unused));
                WritePeriod(json, "monthly", record?.Limits.MonthlyUsd, Math.Max(0m, (record?.SpentThisMonthUsd ?? 0m) - unused));
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
