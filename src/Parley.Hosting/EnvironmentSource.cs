namespace Parley.Hosting;

/// <summary>
/// Environment variables as Parley sees them: the process environment first, then a <c>.env</c> file in the
/// working directory, which never overrides a variable that is already set. The process environment is not modified.
/// </summary>
/// <remarks>
/// The <c>.env</c> syntax is python-dotenv's: <c>export</c> prefixes, single- and double-quoted values (double quotes
/// decode <c>\n</c>, <c>\t</c>, <c>\"</c>, <c>\\</c> …; both may span lines), <c> #</c> comments after unquoted values,
/// <c>${NAME}</c> and <c>${NAME:-default}</c>. A statement that cannot be parsed is skipped and named in
/// <see cref="DotEnvWarnings"/>; the other lines still apply.
/// </remarks>
public sealed class EnvironmentSource
{
    private readonly Func<string, string?> _process;
    private readonly IReadOnlyDictionary<string, string> _dotEnv;

    /// <summary>Creates a source from a process-environment reader and the values of a .env file.</summary>
    public EnvironmentSource(Func<string, string?> process, IReadOnlyDictionary<string, string>? dotEnv = null)
        : this(process, dotEnv, [])
    {
    }

    private EnvironmentSource(Func<string, string?> process, IReadOnlyDictionary<string, string>? dotEnv, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(process);
        _process = process;
        _dotEnv = dotEnv ?? new Dictionary<string, string>();
        DotEnvWarnings = warnings;
    }

    /// <summary>The values read from the .env file.</summary>
    public IReadOnlyDictionary<string, string> DotEnv => _dotEnv;

    /// <summary>One line per <c>.env</c> statement that could not be parsed and was skipped (file and line number).</summary>
    public IReadOnlyList<string> DotEnvWarnings { get; }

    /// <summary>Reads the process environment and <c>.env</c> in <paramref name="workingDirectory"/>.</summary>
    /// <exception cref="ParleyConfigurationException">The .env file exists but cannot be read.</exception>
    public static EnvironmentSource Load(string workingDirectory) => Load(workingDirectory, Environment.GetEnvironmentVariable);

    /// <summary>Reads <c>.env</c> in <paramref name="workingDirectory"/> over the environment that <paramref name="process"/> reads.</summary>
    /// <exception cref="ParleyConfigurationException">The .env file exists but cannot be read.</exception>
    public static EnvironmentSource Load(string workingDirectory, Func<string, string?> process)
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        ArgumentNullException.ThrowIfNull(process);
        var path = Path.Combine(workingDirectory, ".env");
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return new EnvironmentSource(process);
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParleyConfigurationException($"cannot read {path}: {e.Message}", e);
        }

        var content = DotEnvParser.Parse(text, process);
        var warnings = content.UnparsedLines.Select(line => $"{path}:{line}: cannot parse this statement; skipped").ToList();
        return new EnvironmentSource(process, content.Values, warnings);
    }

    /// <summary>The value of a variable (process first, then .env); null when unset or empty.</summary>
    public string? Get(string name)
    {
        var value = _process(name);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        return _dotEnv.TryGetValue(name, out var fromFile) && !string.IsNullOrEmpty(fromFile) ? fromFile : null;
    }
}
