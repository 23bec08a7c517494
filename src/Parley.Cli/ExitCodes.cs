namespace Parley.Cli;

/// <summary>The process exit codes parley documents.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;
    public const int HungUp = 129; // 128 + SIGHUP: the terminal closed
    public const int Terminated = 143; // 128 + SIGTERM: kill, timeout, a service manager
}
