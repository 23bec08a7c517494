namespace Parley;

/// <summary>
/// Parley's own files (the database and its journal, learned model facts, the config it writes) are readable only by
/// the user (0600), and the folders Parley creates for them only by the user (0700). Folders that already exist are
/// left as the user set them. Nothing changes on Windows, where files inherit the folder's access rules.
/// </summary>
internal static class PrivateFiles
{
    /// <summary>0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0700.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700; an existing folder is not changed.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> empty as 0600 when it does not exist (an existing file is not changed). Best
    /// effort: when it cannot be created, the caller's own open reports the problem.
    /// </summary>
    public static void CreateFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var stream = new FileStream(path, Options(System.IO.FileMode.CreateNew, FileAccess.Write));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Created by another process meanwhile (as private as ours), or not creatable: the caller's open says why.
        }
    }

    /// <summary>Options that create a missing file as 0600.</summary>
    public static FileStreamOptions Options(System.IO.FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows() && mode is not System.IO.FileMode.Open and not System.IO.FileMode.Truncate)
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }
}
