using System.Runtime.InteropServices;

namespace Parley.Benchmarks;

/// <summary>getrusage(2): the CPU time and peak resident set of a process's waited-for children.</summary>
internal static partial class Rusage
{
    private const int RusageChildren = -1;

    /// <summary>The user and system CPU seconds and the peak RSS (KiB) of every child reaped so far.</summary>
    public static (double UserSeconds, double SystemSeconds, long MaxRssKb) Children()
    {
        if (GetRusage(RusageChildren, out var usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (usage.User.Seconds + (usage.User.Microseconds / 1e6), usage.System.Seconds + (usage.System.Microseconds / 1e6), usage.MaxRss);
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out RusageData usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs (ru_maxrss first).
    [StructLayout(LayoutKind.Sequential)]
    private struct RusageData
    {
        public TimeVal User;
        public TimeVal System;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NvCsw;
        public long NivCsw;
    }
}
