using dotenv.net;

namespace Parley;

/// <summary>
/// Environment variables as Parley sees them: the process environment first, then a <c>.env</c> file in the
/// working directory, which never overrides a variable that is already set. The process environment is not modified.
/// </summary>
public sealed class EnvironmentSource
{
    private readonly Func<string, string?> _process;
    private readonly IReadOnlyDictionary<string, string> _dotEnv;

    /// <summary>Creates a source from a process-environment reader and the values of a .env file.</summary>
    public EnvironmentSource(Func<string, string?> process, IReadOnlyDictionary<string, string>? dotEnv = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        _process = process;
        _dotEnv = dotEnv ?? new Dictionary<string, string>();
    }

    /// <summary>The values read from the .env file.</summary>
    public IReadOnlyDictionary<string, string> DotEnv => _dotEnv;

    /// <summary>Reads the process environment and <c>.env</c> in <paramref name="workingDirectory"/>.</summary>
    public static EnvironmentSource Load(string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        return new EnvironmentSource(Environment.GetEnvironmentVariable, ReadDotEnv(Path.Combine(workingDirectory, ".env")));
    }

    /// <summary>Reads one .env file into a dictionary (empty when the file is absent).</summary>
    /// <remarks>
    /// dotenv.net's defaults overwrite existing variables and probe the application's folder; every option is
    /// set here so that only the given file is read and nothing is written to the process environment.
    /// </remarks>
    public static IReadOnlyDictionary<string, string> ReadDotEnv(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        try
        {
            var values = dotenv.net.DotEnv.Fluent()
                .WithExceptions()
                .WithEnvFiles(path)
                .WithTrimValues()
                .WithoutOverwriteExistingVars()
                .WithoutProbeForEnv()
                .Read();
            return new Dictionary<string, string>(values, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParleyConfigurationException($"cannot read {path}: {e.Message}", e);
        }
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
