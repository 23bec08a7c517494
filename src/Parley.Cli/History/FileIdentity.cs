using System.Runtime.InteropServices;

namespace Parley.Cli;

/// <summary>
/// Tells whether two paths name the same file: through symbolic links (resolved to their final target) and hard links
/// (the same device and inode, read with <c>stat</c>), not by comparing the path strings.
/// </summary>
internal static class FileIdentity
{
    /// <summary>True when <paramref name="path"/> and <paramref name="other"/> are, or would write to, the same file.</summary>
    public static bool Same(string path, string other)
    {
        var a = FinalPath(path);
        var b = FinalPath(other);
        if (string.Equals(a, b, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            return true;
        }

        return Inode(a) is { } first && Inode(b) is { } second && first == second;
    }

    /// <summary>The full path with every symbolic link along the last component resolved (a dangling link: its target).</summary>
    public static string FinalPath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full; // a link loop or an unreadable link: the path as given
        }
    }

    // (device, inode) from stat(2); null when the file does not exist or the platform's layout is not known.
    private static (ulong Device, ulong Inode)? Inode(string path)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || !Environment.Is64BitProcess)
        {
            return null;
        }

        var buffer = new byte[512]; // larger than struct stat on every 64-bit Linux and macOS
        try
        {
            if (stat(path, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        // 64-bit Linux (x86-64 and the generic layout of arm64): dev_t st_dev (8 bytes), ino_t st_ino (8 bytes).
        // macOS: dev_t st_dev (4 bytes), mode_t st_mode and nlink_t st_nlink (2 + 2), ino_t st_ino (8 bytes).
        var device = OperatingSystem.IsMacOS() ? BitConverter.ToUInt32(buffer, 0) : BitConverter.ToUInt64(buffer, 0);
        return (device, BitConverter.ToUInt64(buffer, 8));
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in the project; this stub is compiled ahead of time all the same.
    [DllImport("libc", SetLastError = true)]
    private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054
}
