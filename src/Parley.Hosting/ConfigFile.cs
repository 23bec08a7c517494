using System.Text.Json;

namespace Parley.Hosting;

/// <summary>Reads and creates <c>config.json</c>. Comments and trailing commas are allowed.</summary>
public static class ConfigFile
{
    /// <summary>The starter file written by <c>parley config init</c>.</summary>
    public const string StarterText = """
        {
          // Parley configuration. Precedence: command-line flag > environment > .env > this file > built-in defaults.
          // Keys are read from environment variables (or a .env file in the working directory), never stored here
          // unless you put a literal "api_key" in a provider (Parley warns when this file is readable by others).
          "default_provider": "openai",
          "default_model": "gpt-4o-mini",
          "providers": {
            // Built in: "openai" (OPENAI_API_KEY, OPENAI_BASE_URL), "ollama" (native API at http://localhost:11434 or $OLLAMA_HOST)
            // and "ollama-openai" (the same server's OpenAI-compatible /v1 endpoint).
            "openai": {
              "kind": "openai",
              "api_key_env": "OPENAI_API_KEY",
              "default_model": "gpt-4o-mini",
              "aliases": { "mini": "gpt-4o-mini", "4o": "gpt-4o" }
            },
            "local": {
              "kind": "openai-compatible",
              "base_url": "http://localhost:11434/v1",
              "default_model": "llama3.2"
            }
            // "azure": { "kind": "azure-openai", "base_url": "https://RESOURCE.openai.azure.com", "api_key_env": "AZURE_OPENAI_API_KEY", "api_version": "2024-10-21", "default_model": "DEPLOYMENT" }
          },
          // Add or override catalog models (context window, prices per million tokens):
          "models": {
            // "my-finetune": { "context_window": 128000, "max_output_tokens": 16384, "encoding": "o200k_base", "input_per_million": 0.3, "output_per_million": 1.2 }
          }
        }

        """;

    /// <summary>Loads the file; an absent file is an empty configuration.</summary>
    /// <exception cref="ParleyConfigurationException">The file is not valid JSON of the expected shape.</exception>
    public static async Task<ParleyConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return new ParleyConfig();
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParleyConfigurationException($"cannot read the config file {path}: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses configuration text; <paramref name="path"/> is only used in error messages.</summary>
    public static ParleyConfig Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ParleyConfig();
        }

        try
        {
            return JsonSerializer.Deserialize(text, ConfigJsonContext.Default.ParleyConfig) ?? new ParleyConfig();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new ParleyConfigurationException($"the config file {path} is not valid{where}: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>Writes the starter file with mode 0600. Refuses to overwrite an existing file.</summary>
    /// <returns>False when the file already existed.</returns>
    public static async Task<bool> InitAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return false;
        }

        PrivateFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(StarterText.AsMemory(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>True when the file can be read by its group or by others (a literal key in it is then at risk).</summary>
    public static bool IsReadableByOthers(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return false;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
