using System.Runtime.InteropServices;

namespace Parley.Benchmarks;

/// <summary>kill(2), to stop the gateway the way a service manager does (SIGTERM: it drains and saves, then exits).</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
