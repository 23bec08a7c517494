using System.CommandLine;
using Spectre.Console;

namespace Parley.Cli;

/// <summary>
/// <c>parley keys list [--json]</c>: every key with its limits and what it spent today and this month (UTC), never a key or
/// its hash; a table in a terminal, tab-separated lines when piped.
/// </summary>
internal sealed class KeysListCommand
{
    private readonly CliServices _services;

    public KeysListCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array (numbers, ISO 8601 UTC times)" };
        var command = new Command("list", "List the virtual keys with their limits and spend today and this month (UTC)") { json };
        command.SetAction((parse, ct) => new KeysListCommand(services()).RunAsync(parse.GetValue(json), ct));
        return command;
    }

    public async Task<int> RunAsync(bool json, CancellationToken cancellationToken)
    {
        var ui = _services.Interaction;
        IReadOnlyList<ApiKeyRecord> all;
        var (store, keys) = await KeysCommand.OpenAsync(_services, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            all = await keys.ListKeysAsync(cancellationToken).ConfigureAwait(false);
        }

        if (json)
        {
            await ui.WriteOutputLineAsync(Json(all)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        if (all.Count == 0)
        {
            ui.Note("no virtual keys yet: parley keys create NAME");
            return ExitCodes.Ok;
        }

        if (ui.AnswerIsTerminal)
        {
            await ui.WriteRenderableAsync(Table(all)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var key in all)
        {
            await ui.WriteOutputLineAsync(Line(key)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Piped: name, daily_usd, monthly_usd, models, rpm, tpm, spent_today_usd, spent_this_month_usd, created, revoked (<c>-</c>: none; models <c>any</c>: all).</summary>
    private static string Line(ApiKeyRecord key) => string.Join(
        '\t',
        Tsv.Field(key.Name),
        Tsv.Cost(key.Limits.DailyUsd),
        Tsv.Cost(key.Limits.MonthlyUsd),
        Tsv.Field(key.Limits.Models is { } models ? string.Join(",", models) : "any"),
        key.Limits.RequestsPerMinute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        key.Limits.TokensPerMinute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        Tsv.Cost(key.SpentTodayUsd),
        Tsv.Cost(key.SpentThisMonthUsd),
        DisplayTime.Local(key.CreatedAt),
        key.RevokedAt is { } revoked ? DisplayTime.Local(revoked) : "-");

    private static Table Table(IReadOnlyList<ApiKeyRecord> keys)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in new[] { "name", "daily", "monthly", "models", "rpm", "tpm", "context", "today", "month", "created", "revoked" })
        {
            table.AddColumn(new TableColumn(header).NoWrap());
        }

        foreach (var key in keys)
        {
            table.AddRow(
                [
                    Markup.Escape(key.Name),
                    KeyLimitsText.Money(key.Limits.DailyUsd),
                    KeyLimitsText.Money(key.Limits.MonthlyUsd),
                    Markup.Escape(key.Limits.Models is { } models ? string.Join(",", models) : "any"),
                    KeyLimitsText.Number(key.Limits.RequestsPerMinute),
                    KeyLimitsText.Number(key.Limits.TokensPerMinute),
                    Markup.Escape(key.Limits.ContextPolicy ?? "-"),
                    KeyLimitsText.Money(key.SpentTodayUsd),
                    KeyLimitsText.Money(key.SpentThisMonthUsd),
                    DisplayTime.Local(key.CreatedAt),
                    key.RevokedAt is { } revoked ? DisplayTime.Local(revoked) : "-",
                ]);
        }

        return table;
    }

    private static string Json(IReadOnlyList<ApiKeyRecord> keys) => HistoryJson.Write(json =>
    {
        json.WriteStartArray();
        foreach (var key in keys)
        {
            json.WriteStartObject();
            json.WriteString("name", key.Name);
            json.WriteNumberOrNull("daily_usd", JsonOutputExtensions.TrimZeros(key.Limits.DailyUsd));
            json.WriteNumberOrNull("monthly_usd", JsonOutputExtensions.TrimZeros(key.Limits.MonthlyUsd));
            if (key.Limits.Models is { } models)
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

            json.WriteNumberOrNull("rpm", (long?)key.Limits.RequestsPerMinute);
            json.WriteNumberOrNull("tpm", (long?)key.Limits.TokensPerMinute);
            json.WriteString("context_policy", key.Limits.ContextPolicy);
            json.WriteNumber("spent_today_usd", JsonOutputExtensions.TrimZeros(key.SpentTodayUsd));
            json.WriteNumber("spent_this_month_usd", JsonOutputExtensions.TrimZeros(key.SpentThisMonthUsd));
            json.WriteString("created_at", DisplayTime.Iso(key.CreatedAt));
            json.WriteString("revoked_at", key.RevokedAt is { } revoked ? DisplayTime.Iso(revoked) : null);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });
}
