using System.Diagnostics;

namespace Parley.Postgres;

/// <summary>
/// Who writes a pending turn (process id, its start time, machine), so a later open can tell a turn whose process died
/// from one still being answered: the same rule as the SQLite store's (the core keeps its copy internal).
/// </summary>
/// <param name="ProcessId">The process id.</param>
/// <param name="StartedAtUnixMs">When the process started (Unix milliseconds), so a reused id is not mistaken for it.</param>
/// <param name="Host">The machine name.</param>
internal sealed record PostgresWriterIdentity(int ProcessId, long StartedAtUnixMs, string Host)
{
    /// <summary>A pending turn written on another machine counts as alive this long after its last change.</summary>
    public static readonly TimeSpan OtherHostLease = TimeSpan.FromHours(24);

    private const long StartTimeToleranceMs = 1000;

    private static readonly Lazy<PostgresWriterIdentity> LazyCurrent = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return new PostgresWriterIdentity(Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds(), Environment.MachineName);
    });

    /// <summary>Gets this process.</summary>
    public static PostgresWriterIdentity Current => LazyCurrent.Value;

    /// <summary>Whether the writer of a pending turn may still be running.</summary>
    public static bool IsAlive(long? processId, long? startedAtUnixMs, string? host, DateTimeOffset updatedAt, DateTimeOffset now)
    {
        var current = Current;
        if (processId is null || startedAtUnixMs is null || host is null || !string.Equals(host, current.Host, StringComparison.OrdinalIgnoreCase))
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
            return false; // it exited while we looked
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true; // its start time cannot be read: assume it is the writer
        }
        catch (NotSupportedException)
        {
            return true;
        }
    }
}
