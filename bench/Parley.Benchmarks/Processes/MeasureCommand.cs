using System.Diagnostics;
using System.Text.Json;

namespace Parley.Benchmarks;

/// <summary>
/// <c>measure OUT EXE ARGS…</c>: runs one command with this process's stdin, stdout and stderr, waits for it, and
/// writes its CPU time and peak RSS to OUT as JSON. The command is this helper's only child, so getrusage's
/// children figures are exactly its own (and those of its own children, e.g. node's workers), whatever runtime it is.
/// </summary>
internal static class MeasureCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: measure OUT.json EXE [ARGS…]");
            return 2;
        }

        var start = new ProcessStartInfo(args[1]) { UseShellExecute = false };
        foreach (var arg in args[2..])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {args[1]}");
        await process.WaitForExitAsync();
        var (user, system, maxRss) = Rusage.Children();
        var measured = new MeasuredUsage(process.ExitCode, user, system, maxRss);
        await File.WriteAllTextAsync(args[0], JsonSerializer.Serialize(measured, BenchJson.Default.MeasuredUsage));
        return process.ExitCode;
    }
}
