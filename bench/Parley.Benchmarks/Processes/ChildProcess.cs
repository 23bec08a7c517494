using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>Starts commands for the benchmarks: with scripted stdin, captured output, and optionally measured.</summary>
internal static class ChildProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The harness's own executable (its apphost), used for the .NET peers and the measuring helper.</summary>
    public static string Harness { get; } = Path.Combine(AppContext.BaseDirectory, "Parley.Benchmarks");

    /// <summary>
    /// Runs <paramref name="executable"/> to completion. With <paramref name="measure"/>, it runs under
    /// <see cref="MeasureCommand"/> and <see cref="ChildRun.Usage"/> holds its CPU time and peak RSS.
    /// </summary>
    public static async Task<ChildRun> RunAsync(
        string executable,
        IEnumerable<string> arguments,
        bool measure = false,
        string? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        string? usageFile = measure ? Path.Combine(Path.GetTempPath(), $"parley-bench-usage-{Guid.NewGuid():N}.json") : null;
        var start = new ProcessStartInfo(measure ? Harness : executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        if (measure)
        {
            start.ArgumentList.Add("measure");
            start.ArgumentList.Add(usageFile!);
            start.ArgumentList.Add(executable);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var (userBefore, systemBefore, _) = Rusage.Children();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }
        }
        catch (IOException)
        {
            // The child exited without reading all of its input; its exit code tells what happened.
        }
        finally
        {
            process.StandardInput.Close();
        }

        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{executable} {string.Join(' ', arguments)} did not finish within {Timeout.TotalMinutes} minutes");
            }
        }

        var wall = watch.Elapsed;
        var (userAfter, systemAfter, _) = Rusage.Children();
        MeasuredUsage? usage = null;
        if (usageFile is not null && File.Exists(usageFile))
        {
            usage = JsonSerializer.Deserialize(await File.ReadAllTextAsync(usageFile), BenchJson.Default.MeasuredUsage);
            File.Delete(usageFile);
        }

        return new ChildRun(process.ExitCode, await stdout, await stderr, wall, usage, userAfter - userBefore + systemAfter - systemBefore);
    }

}
