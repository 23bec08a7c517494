using System.Diagnostics;

namespace Parley;

/// <summary>
/// Which process wrote a pending turn: process id, its start time and the machine. A pending turn
/// whose process is gone is stale (the process died before it saved the answer).
/// </summary>
/// <param name="ProcessId">The writer's process id.</param>
/// <param name="StartedAtUnixMs">The writer's start time, in Unix milliseconds (tells a reused process id apart).</param>
/// <param name="Host">The writer's machine name.</param>
internal sealed record WriterIdentity(int ProcessId, long StartedAtUnixMs, string Host)
{
    /// <summary>How far apart two readings of one process's start time may be.</summary>
    private const long StartTimeToleranceMs = 1000;

    /// <summary>How long a pending turn written on another machine is assumed live (its process cannot be checked).</summary>
    internal static readonly TimeSpan OtherHostLease = TimeSpan.FromHours(24);

    private static readonly Lazy<WriterIdentity> LazyCurrent = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return new WriterIdentity(Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds(), Environment.MachineName);
    });

    /// <summary>Gets the identity of this process.</summary>
    public static WriterIdentity Current => LazyCurrent.Value;

    /// <summary>Whether the process that wrote a pending turn may still be running.</summary>
    /// <param name="processId">The recorded process id, or <see langword="null"/>.</param>
    /// <param name="startedAtUnixMs">The recorded start time, or <see langword="null"/>.</param>
    /// <param name="host">The recorded machine, or <see langword="null"/>.</param>
    /// <param name="updatedAt">When the turn was written.</param>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="false"/> only when the writer is known to be gone.</returns>
    public static bool IsAlive(long? processId, long? startedAtUnixMs, string? host, DateTimeOffset updatedAt, DateTimeOffset now)
    {
        var current = Current;
        if (processId is null || startedAtUnixMs is null || host is null)
        {
            return now - updatedAt < OtherHostLease;
        }

        if (!string.Equals(host, current.Host, StringComparison.OrdinalIgnoreCase))
        {
            return now - updatedAt < OtherHostLease;
        }

        if (processId == current.ProcessId)
        {
            return Math.Abs(startedAtUnixMs.Value - current.StartedAtUnixMs) <= StartTimeToleranceMs;
        }

        if (processId is <= 0 or > int.MaxValue)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById((int)processId.Value);
            long started = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
            return Math.Abs(started - startedAtUnixMs.Value) <= StartTimeToleranceMs;
        }
        catch (ArgumentException)
        {
            return false; // no process with this id
        }
        catch (InvalidOperationException)
        {
            return false; // the process exited while we looked
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true; // cannot read its start time: assume it is the writer
        }
        catch (NotSupportedException)
        {
            return true;
        }
    }
}
