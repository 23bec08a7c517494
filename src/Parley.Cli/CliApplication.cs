using System.CommandLine;
using System.Runtime.InteropServices;

namespace Parley.Cli;

/// <summary>Builds the command tree, runs it, and maps every outcome to a documented exit code.</summary>
internal static class CliApplication
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var interrupts = new InterruptController();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            // A repeated Ctrl+C while the program is already ending lets the runtime end the process.
            context.Cancel = interrupts.OnInterrupt();
        });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = interrupts.OnTerminate(ExitCodes.Terminated));
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => context.Cancel = interrupts.OnTerminate(ExitCodes.HungUp));

        CliServices? services = null;
        CliServices Services() => services ??= CliServices.ForProcess(interrupts);
        var verbose = new Option<bool>("--verbose") { Description = "Show details (stack traces) on errors", Recursive = true };
        var root = CommandTree.Build(Services, verbose, args);
        var database = new Option<string?>("--db")
        {
            Description = "Keep conversations and keys in this PostgreSQL database (postgres://user:password@host:port/db) instead of the SQLite file [env: PARLEY_DATABASE_URL]",
            HelpName = "URL",
            Recursive = true,
        };
        root.Add(database);
        var parse = CommandTree.Parse(root, args);
        if (parse.Action is not { ClearsParseErrors: true } && UsageErrors.Describe(parse) is { } usageError)
        {
            Services().Interaction.Error(usageError);
            return ExitCodes.UsageError;
        }

        if (parse.GetValue(verbose))
        {
            Services().Verbose = true;
        }

        if (parse.GetValue(database) is { } databaseUrl)
        {
            Services().DatabaseUrl = databaseUrl;
        }

        try
        {
            var code = await parse.InvokeAsync(
                new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
                interrupts.ApplicationToken).ConfigureAwait(false);
            return interrupts.TerminationExitCode ?? code;
        }
        catch (OperationCanceledException) when (interrupts.ApplicationInterrupted)
        {
            Services().Interaction.Note("interrupted");
            return interrupts.TerminationExitCode ?? ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is CliUsageException or ParleyConfigurationException or MissingApiKeyException or ContextWindowExceededException)
        {
            Services().Interaction.Error(e.Message);
            return ExitCodes.UsageError;
        }
        catch (Parley.Mcp.McpConnectionException e)
        {
            // A tool server that does not start is the user's to fix (the command, the URL): one line, no stack trace.
            Services().Interaction.Error(e.Message);
            ShowDetail(Services(), e, parse.GetValue(verbose));
            return ExitCodes.RuntimeError;
        }
        catch (ParleyStorageException e)
        {
            // A database problem is the user's to fix (move the file, wait for the lock): the message says how; no stack trace.
            Services().Interaction.Error(e.Message);
            return ExitCodes.RuntimeError;
        }
        catch (ParleyException e)
        {
            Services().Interaction.Error(e.Message);
            ShowDetail(Services(), e, parse.GetValue(verbose));
            return ExitCodes.RuntimeError;
        }
        catch (Exception e) when (MissingNativeLibrary.Find(e) is { } missing)
        {
            Services().Interaction.Error(MissingNativeLibrary.Describe(missing));
            ShowDetail(Services(), e, parse.GetValue(verbose));
            return ExitCodes.RuntimeError;
        }
        catch (Exception e)
        {
            Services().Interaction.Error($"unexpected failure: {e.GetType().Name}: {e.Message}");
            ShowDetail(Services(), e, parse.GetValue(verbose));
            if (!parse.GetValue(verbose))
            {
                Services().Interaction.Note("run again with --verbose for details");
            }

            return ExitCodes.RuntimeError;
        }
    }

    private static void ShowDetail(CliServices services, Exception e, bool verbose)
    {
        if (verbose)
        {
            services.Interaction.Detail(e.ToString());
        }
    }
}
