using System.Globalization;

namespace Parley;

/// <summary>
/// Remembers that the database file passed <c>PRAGMA quick_check</c>: its length and last write time when the last
/// Parley process that checked it closed it cleanly (no WAL left). An open whose file still matches skips the full
/// check (which reads every page: seconds for a database of hundreds of megabytes); any other change to the file — a
/// crash that left a WAL, another program writing into it — makes the next open check every page again.
/// </summary>
internal static class IntegrityStamp
{
    /// <summary>The stamp file beside the database.</summary>
    public static string PathOf(string databasePath) => databasePath + "-checked";

    /// <summary>True when the file is exactly as the last clean close left it.</summary>
    public static bool Matches(string databasePath)
    {
        try
        {
            if (HasWal(databasePath) || !File.Exists(PathOf(databasePath)))
            {
                return false;
            }

            return string.Equals(File.ReadAllText(PathOf(databasePath)).Trim(), Describe(databasePath), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Records the file as checked; called after the store's connection closed. Best effort: a failure only means a full check next time.</summary>
    public static void Record(string databasePath)
    {
        try
        {
            if (HasWal(databasePath) || !File.Exists(databasePath))
            {
                File.Delete(PathOf(databasePath)); // another process still has it open: check it again next time
                return;
            }

            using var stream = new FileStream(PathOf(databasePath), PrivateFiles.Options(FileMode.Create, FileAccess.Write, FileShare.None));
            using var writer = new StreamWriter(stream);
            writer.Write(Describe(databasePath) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool HasWal(string databasePath) => new FileInfo(databasePath + "-wal") is { Exists: true, Length: > 0 };

    private static string Describe(string databasePath)
    {
        var file = new FileInfo(databasePath);
        return string.Create(CultureInfo.InvariantCulture, $"{file.Length} {file.LastWriteTimeUtc.Ticks}");
    }
}
