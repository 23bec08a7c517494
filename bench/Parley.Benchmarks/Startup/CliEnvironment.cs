namespace Parley.Benchmarks;

/// <summary>An isolated home for <c>parley</c> runs: its own PARLEY_HOME and working directory, pointed at the loopback server.</summary>
internal sealed class CliEnvironment : IDisposable
{
    /// <param name="ollamaHost">OLLAMA_HOST for the runs (the loopback server's Ollama emulation), or null for none.</param>
    public CliEnvironment(LoopbackServerProcess server, string name, string? ollamaHost = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "parley-bench-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        WorkingDirectory = Path.Combine(Root, "work");
        Directory.CreateDirectory(WorkingDirectory);
        Variables = new Dictionary<string, string?>
        {
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl,
            ["OPENAI_API_KEY"] = "sk-bench-0123456789",
            ["PARLEY_HOME"] = Path.Combine(Root, "home"),
            ["NO_COLOR"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["PARLEY_PROVIDER"] = null,
            ["PARLEY_MODEL"] = null,
            ["XDG_CONFIG_HOME"] = null,
            ["XDG_DATA_HOME"] = null,
            ["OLLAMA_HOST"] = ollamaHost,
        };
    }

    public string Root { get; }

    public string WorkingDirectory { get; }

    public IReadOnlyDictionary<string, string?> Variables { get; }

    public Task<ChildRun> RunAsync(CliVariant cli, IEnumerable<string> arguments, string? stdin = null, bool measure = false) =>
        ChildProcess.RunAsync(cli.Executable, arguments, measure, stdin, Variables, WorkingDirectory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
