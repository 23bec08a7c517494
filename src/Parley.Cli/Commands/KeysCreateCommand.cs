using System.CommandLine;
using System.Text.RegularExpressions;

namespace Parley.Cli;

/// <summary>
/// <c>parley keys create NAME [--daily-usd X] [--monthly-usd Y] [--models a,b] [--rpm N] [--tpm N] [--context budget|last:N|summarize]</c>: prints the new key
/// alone on stdout, once (only its hash is stored); what it may do goes to stderr.
/// </summary>
internal sealed partial class KeysCreateCommand
{
    private readonly CliServices _services;

    public KeysCreateCommand(CliServices services) => _services = services;

    public static Command Create(Func<CliServices> services)
    {
        var name = KeysCommand.NameArgument("A unique name for the key (letters, digits, . _ -; up to 64), shown in history and usage");
        var daily = new Option<decimal?>("--daily-usd") { Description = "Budget per UTC day in US dollars", HelpName = "USD" };
        var monthly = new Option<decimal?>("--monthly-usd") { Description = "Budget per UTC month in US dollars", HelpName = "USD" };
        var models = new Option<string?>("--models") { Description = "The only models the key may use, comma-separated", HelpName = "A,B" };
        var rpm = new Option<int?>("--rpm") { Description = "Most requests per minute", HelpName = "N" };
        var tpm = new Option<int?>("--tpm") { Description = "Most tokens per minute (prompt plus max answer)", HelpName = "N" };
        var context = new Option<string?>("--context") { Description = "Default context policy for requests without X-Parley-Context: budget, last:N or summarize", HelpName = "POLICY" };
        OptionValues.Money(daily, 0, 1_000_000, "a dollar amount of 0 or more, e.g. 5");
        OptionValues.Money(monthly, 0, 1_000_000, "a dollar amount of 0 or more, e.g. 50");
        OptionValues.Whole(rpm, 1, int.MaxValue, "a whole number of 1 or more");
        OptionValues.Whole(tpm, 1, int.MaxValue, "a whole number of 1 or more");
        var command = new Command("create", "Create a virtual key: prints the key alone on stdout, once (only its hash is stored)")
        {
            name, daily, monthly, models, rpm, tpm, context,
        };
        command.SetAction((parse, ct) => new KeysCreateCommand(services()).RunAsync(
            parse.GetValue(name)!,
            new ApiKeyLimits(parse.GetValue(daily), parse.GetValue(monthly), ParseModels(parse.GetValue(models)), parse.GetValue(rpm), parse.GetValue(tpm))
            {
                ContextPolicy = ParseContext(parse.GetValue(context)),
            },
            ct));
        return command;
    }

    public async Task<int> RunAsync(string name, ApiKeyLimits limits, CancellationToken cancellationToken)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new CliUsageException($"'{name}' is not a key name: use up to 64 letters, digits, '.', '_' or '-'");
        }

        string secret = ApiKeySecret.Generate();
        var (store, keys) = await KeysCommand.OpenAsync(_services, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var created = await keys.CreateKeyAsync(name, secret, limits, cancellationToken).ConfigureAwait(false)
                ?? throw new CliUsageException($"a key named '{name}' exists already (names stay taken after revoke; parley keys list shows them)");
            await _services.Interaction.WriteOutputLineAsync(secret).ConfigureAwait(false);
            _services.Interaction.Note($"created key '{created.Name}' ({KeyLimitsText.Describe(created.Limits)})");
            _services.Interaction.Note("this is the only time the key is shown: only its hash is stored");
            return ExitCodes.Ok;
        }
    }

    private static string? ParseContext(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var value = text.Trim().ToLowerInvariant();
        return value is "budget" or "summarize" || (value.StartsWith("last:", StringComparison.Ordinal) && int.TryParse(value.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
            ? value
            : throw new CliUsageException($"--context must be budget, last:N (N a positive number of messages) or summarize, not '{text}'");
    }

    private static string[]? ParseModels(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var models = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        return models.Length > 0 ? models : throw new CliUsageException("--models needs at least one model name, e.g. --models gpt-4o-mini,gpt-4o");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
