using System.Diagnostics;
using System.Text.Json.Nodes;
using Parley.TestServer.Conformance;

namespace Parley.Server.Tests.Sdk;

/// <summary>
/// The official <c>openai</c> npm package, pinned by Sdk/node/package-lock.json and installed once per test run with
/// <c>npm ci</c> into a temp folder, driven by Sdk/node/acceptance.mjs. Without node/npm (or when the install fails)
/// the tests are skipped with the reason; with <c>PARLEY_REQUIRE_NODE=1</c> (CI) they fail instead.
/// </summary>
public sealed class NodeOpenAIClient : IAsyncLifetime
{
    public const string RequireVariable = "PARLEY_REQUIRE_NODE";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-sdk-node-" + Guid.NewGuid().ToString("N"));

    /// <summary>Why the npm client cannot run here (null when it can).</summary>
    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { "node", "npm" })
        {
            if (!OnPath(tool))
            {
                SkipReason = $"'{tool}' is not on PATH: the official openai npm client needs Node.js 20+ and npm (apt-get install nodejs npm)";
                return;
            }
        }

        string source = Path.Combine(
            FixtureRoot.RepositoryRoot ?? throw new InvalidOperationException("Parley.sln not found above " + AppContext.BaseDirectory),
            "tests", "Parley.Server.Tests", "Sdk", "node");
        Directory.CreateDirectory(_folder);
        foreach (var file in new[] { "package.json", "package-lock.json", "acceptance.mjs" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(_folder, file));
        }

        var (exit, _, error) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], stdin: null, InstallTimeout);
        if (exit != 0)
        {
            SkipReason = $"npm ci failed (exit {exit}): the openai npm package could not be installed from the npm registry: {error.Trim()}";
        }
    }

    /// <summary>Skips the calling test when the npm client cannot run, or fails it when PARLEY_REQUIRE_NODE=1.</summary>
    public void SkipIfUnavailable()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but {SkipReason}");
        }

        Skip.If(true, SkipReason);
    }

    /// <summary>Runs the plan's steps against <paramref name="baseUrl"/>; returns each step's result by name.</summary>
    public async Task<JsonObject> RunAsync(Uri baseUrl, params JsonObject[] steps)
    {
        SkipIfUnavailable();
        var plan = new JsonObject { ["baseURL"] = baseUrl.ToString(), ["steps"] = new JsonArray(steps) };
        var (exit, output, error) = await RunAsync("node", ["acceptance.mjs"], plan.ToJsonString(), RunTimeout);
        Assert.True(exit == 0, $"node acceptance.mjs exited with {exit}: {error}");
        return Assert.IsType<JsonObject>(JsonNode.Parse(output));
    }

    /// <summary>A step: <paramref name="op"/> is models, create or stream.</summary>
    public static JsonObject Step(string name, string op, string apiKey, JsonObject? request = null, int? maxRetries = null, JsonObject? headers = null)
    {
        var step = new JsonObject { ["name"] = name, ["op"] = op, ["apiKey"] = apiKey };
        if (request is not null)
        {
            step["request"] = request;
        }

        if (maxRetries is { } retries)
        {
            step["maxRetries"] = retries;
        }

        if (headers is not null)
        {
            step["headers"] = headers;
        }

        return step;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, tool)));

    private async Task<(int Exit, string Output, string Error)> RunAsync(string tool, string[] arguments, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = _folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {timeout}: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
