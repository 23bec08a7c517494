using System.Globalization;
using System.Runtime.InteropServices;

namespace Parley.TestServer;

/// <summary>
/// The server as its own process: prints its base URL as the first stdout line, then serves until SIGTERM/Ctrl+C
/// or, when stdin is a pipe, until stdin closes (so a parent that dies takes the server with it).
/// </summary>
internal static class StandaloneHost
{
    private const string Usage = "usage: Parley.TestServer [--port N] [--context-window N] [--truncate-to-max-tokens] [--api-key KEY] [--keep-requests N] [--ignore-stdin]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new LoopbackServerOptions();
        var watchStdin = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when TryInt(args, ++i, out var port):
                    options.Port = port;
                    break;
                case "--context-window" when TryInt(args, ++i, out var window):
                    options.ContextWindow = window;
                    break;
                case "--truncate-to-max-tokens":
                    options.TruncateToMaxTokens = true;
                    break;
                case "--api-key" when i + 1 < args.Length:
                    options.ApiKey = args[++i];
                    break;
                case "--keep-requests" when TryInt(args, ++i, out var keep):
                    options.KeepRequests = keep;
                    break;
                case "--ignore-stdin":
                    watchStdin = false;
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"unexpected argument '{args[Math.Min(i, args.Length - 1)]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        await using var server = await LoopbackServer.StartAsync(options);
        Console.Out.WriteLine(server.BaseAddress);
        Console.Out.Flush();

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        if (watchStdin && StdinIsPipe())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await using var stdin = Console.OpenStandardInput();
                    await stdin.CopyToAsync(Stream.Null);
                }
                catch (IOException)
                {
                    // Closed either way.
                }
                stop.TrySetResult();
            });
        }

        await stop.Task;
        return 0;
    }

    private static bool TryInt(string[] args, int index, out int value)
    {
        value = 0;
        return index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>True when stdin is a pipe or socket (a parent holds the other end), not a terminal, file or /dev/null.</summary>
    private static bool StdinIsPipe()
    {
        if (!Console.IsInputRedirected)
            return false;
        try
        {
            var target = new FileInfo("/proc/self/fd/0").LinkTarget;
            if (target is not null)
                return target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return !OperatingSystem.IsLinux();
    }
}
