using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Cli;

/// <summary><c>parley config path | show | init</c>.</summary>
internal static class ConfigCommand
{
    public static Command Create(Func<CliServices> services)
    {
        var command = new Command("config", "Show or create the configuration file");

        var path = new Command("path", "Print the config file's path");
        path.SetAction(async (_, ct) =>
        {
            var s = services();
            await s.Interaction.WriteOutputLineAsync(s.Paths.ConfigFile).ConfigureAwait(false);
            return ExitCodes.Ok;
        });

        var show = new Command("show", "Print the effective configuration (keys masked)");
        show.SetAction(async (_, ct) => await ShowAsync(services(), ct).ConfigureAwait(false));

        var init = new Command("init", "Write a commented starter config file (mode 0600)");
        init.SetAction(async (_, ct) =>
        {
            var s = services();
            var file = s.Paths.ConfigFile;
            if (!await ConfigFile.InitAsync(file, ct).ConfigureAwait(false))
            {
                s.Interaction.Error($"{file} already exists; edit it, or remove it first");
                return ExitCodes.UsageError;
            }

            s.Interaction.Note($"wrote {file}");
            return ExitCodes.Ok;
        });

        command.Add(path);
        command.Add(show);
        command.Add(init);
        return command;
    }

    private static async Task<int> ShowAsync(CliServices services, CancellationToken cancellationToken)
    {
        var resolver = await services.CreateResolverAsync(cancellationToken).ConfigureAwait(false);
        var config = await services.LoadConfigAsync(cancellationToken).ConfigureAwait(false);
        var active = resolver.Resolve(new ConnectionOverrides(), requireKey: false);
        var root = new JsonObject
        {
            ["config_file"] = services.Paths.ConfigFile,
            ["config_file_exists"] = File.Exists(services.Paths.ConfigFile),
            ["data_directory"] = services.Paths.DataDirectory,
            ["default_provider"] = active.Name,
            ["default_model"] = active.Model,
        };
        var providers = new JsonObject();
        foreach (var (name, settings) in resolver.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var resolved = resolver.Resolve(new ConnectionOverrides { Provider = name }, requireKey: false);
            var entry = new JsonObject
            {
                ["kind"] = ProviderKindNames.ToName(resolved.Kind),
                ["base_url"] = SecretRedactor.RedactUrl(resolved.BaseUrl),
                ["api_key_env"] = settings.ApiKeyEnv,
                ["api_key"] = resolved.ApiKey is null ? null : SecretMasker.Mask(resolved.ApiKey),
                ["default_model"] = resolved.Model,
            };
            if (settings.Aliases is { Count: > 0 } aliases)
            {
                entry["aliases"] = new JsonObject(aliases.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
            }

            providers[name] = entry;
        }

        root["providers"] = providers;
        if (config.Models is { } models)
        {
            // From the element, not its raw text, which keeps the file's comments (`config init` writes some there).
            root["models"] = models.ValueKind == JsonValueKind.Object ? JsonObject.Create(models) : JsonValue.Create(models);
        }

        await services.Interaction.WriteOutputLineAsync(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
