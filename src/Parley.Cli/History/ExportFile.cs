using System.Text;

namespace Parley.Cli;

/// <summary>
/// Writes an export (<c>history export -o</c>, <c>/save</c> in chat): never over the conversation database or its
/// WAL, shared-memory or journal file (compared by file identity, so a symbolic or hard link is caught), and through a
/// temporary file in the same folder and a rename, so a failed write leaves the old file as it was.
/// </summary>
internal static class ExportFile
{
    /// <summary>Throws <see cref="CliUsageException"/> when <paramref name="target"/> is the database or one of its side files.</summary>
    public static void RefuseDatabase(string target, string databaseFile, string shownName)
    {
        var database = Path.GetFullPath(databaseFile);
        foreach (var file in new[] { database, database + "-wal", database + "-shm", database + "-journal" })
        {
            if (FileIdentity.Same(target, file))
            {
                throw new CliUsageException($"{shownName} would overwrite the conversation database ({file}); choose another file");
            }
        }

        // Where stat is not available (or another database is named), the file's first bytes still tell: an export
        // never replaces an SQLite database or write-ahead log.
        if (StartsLikeADatabase(target))
        {
            throw new CliUsageException($"{shownName} would overwrite an SQLite database ({FileIdentity.FinalPath(target)}); choose another file");
        }
    }

    private static bool StartsLikeADatabase(string target)
    {
        Span<byte> head = stackalloc byte[16];
        try
        {
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var database = read == 16 && head.SequenceEqual("SQLite format 3\0"u8);
            var wal = read >= 4 && head[0] == 0x37 && head[1] == 0x7f && head[2] == 0x06 && head[3] is 0x82 or 0x83;
            return database || wal;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // missing or unreadable: the write itself will say so
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="target"/> after <see cref="RefuseDatabase"/>.</summary>
    /// <returns>The file written (a symbolic link's final target).</returns>
    public static async Task<string> WriteAsync(string target, string text, string databaseFile, string shownName, CancellationToken cancellationToken)
    {
        RefuseDatabase(target, databaseFile, shownName);

        // Through a symbolic link the file it points to is replaced (the link stays); a hard link's other names keep
        // their content: the rename gives this name a new file.
        var final = FileIdentity.FinalPath(target);
        var folder = Path.GetDirectoryName(final) ?? ".";
        var temporary = Path.Combine(folder, $".{Path.GetFileName(final)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows() && File.Exists(final))
            {
                options.UnixCreateMode = File.GetUnixFileMode(final); // the file keeps its permissions
            }

            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, final, overwrite: true);
            return final;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
