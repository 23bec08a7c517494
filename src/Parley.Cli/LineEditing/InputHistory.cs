using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Cli;

/// <summary>
/// The inputs typed in earlier sessions, oldest first, kept in a file across sessions (or in memory only).
/// <para>
/// The file holds one entry per line as a JSON string (<c>"first line\nsecond line"</c>), so multi-line inputs fit;
/// a line that is not a JSON string is taken as it is. Loading keeps the last <see cref="Capacity"/> entries and
/// rewrites the file to those once it has more than twice as many lines. Adding skips blank entries, an entry equal to
/// the previous one, and entries starting with a space (as bash's <c>ignorespace</c>: a way to keep a line out of the
/// history). The file is created with mode 0600 (its directory 0700) since prompts can be private.
/// </para>
/// <para>
/// Several REPLs can share the file: each entry is appended under an exclusive advisory lock (<see cref="FileShare.None"/>,
/// <c>flock</c> on Unix) at the file's end as found under that lock, and readers take a shared lock; a busy file is
/// retried briefly. Each REPL sees the others' entries at its next start. Not thread-safe: one REPL, one caller.
/// </para>
/// </summary>
internal sealed class InputHistory
{
    /// <summary>How many entries are loaded and kept by default.</summary>
    public const int DefaultCapacity = 1000;

    private const int MaxOpenAttempts = 50;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(10);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly List<string> _entries = [];

    /// <summary>An empty history kept in memory only.</summary>
    public InputHistory(int capacity = DefaultCapacity)
        : this(filePath: null, capacity)
    {
    }

    private InputHistory(string? filePath, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        FilePath = filePath;
        Capacity = capacity;
    }

    /// <summary>The file entries are appended to; null when kept in memory only.</summary>
    public string? FilePath { get; }

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; }

    /// <summary>The entries, oldest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Loads the history kept in <paramref name="path"/> (empty when the file does not exist yet; it is
    /// created by the first <see cref="AddAsync"/>).</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but cannot be read.</exception>
    public static async Task<InputHistory> LoadAsync(string path, CancellationToken cancellationToken, int capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var history = new InputHistory(Path.GetFullPath(path), capacity);
        if (!File.Exists(history.FilePath))
        {
            return history;
        }

        var lineCount = 0;
        await using (var stream = await OpenAsync(history.FilePath, ReadOptions, cancellationToken).ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Utf8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineCount++;
                history.Remember(DecodeLine(line));
            }
        }

        if (lineCount > 2 * capacity)
        {
            await history.CompactAsync(cancellationToken).ConfigureAwait(false);
        }

        return history;
    }

    /// <summary>True for entries worth keeping: not blank, not starting with a space.</summary>
    public static bool IsRecordable(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return !string.IsNullOrWhiteSpace(entry) && entry[0] != ' ';
    }

    /// <summary>Adds an entry (and appends it to the file), unless it is blank, starts with a space or repeats the
    /// last entry.</summary>
    /// <returns>True when the entry was added.</returns>
    /// <exception cref="IOException">The file could not be written; the entry is still in <see cref="Entries"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">The file could not be written; the entry is still in <see cref="Entries"/>.</exception>
    public async Task<bool> AddAsync(string entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Remember(entry))
        {
            return false;
        }

        if (FilePath is not null)
        {
            await AppendAsync(FilePath, entry, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>One entry as one line of the file (without the newline): a JSON string that escapes only what JSON
    /// requires (quote, backslash, control characters), so the file stays readable in any language.</summary>
    public static string EncodeLine(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = ReplaceLoneSurrogates(entry);
        var line = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    line.Append("\\\"");
                    break;
                case '\\':
                    line.Append("\\\\");
                    break;
                case '\n':
                    line.Append("\\n");
                    break;
                case '\r':
                    line.Append("\\r");
                    break;
                case '\t':
                    line.Append("\\t");
                    break;
                case < ' ' or (>= '\u007f' and <= '\u009f') or '\u2028' or '\u2029':
                    line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    line.Append(c);
                    break;
            }
        }

        return line.Append('"').ToString();
    }

    /// <summary>One line of the file as an entry: a JSON string decoded, any other line as it is.</summary>
    public static string DecodeLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length < 2 || line[0] != '"')
        {
            return line;
        }

        try
        {
            var reader = new Utf8JsonReader(Utf8.GetBytes(line));
            if (reader.Read() && reader.TokenType == JsonTokenType.String && reader.GetString() is { } value && !reader.Read())
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        return line;
    }

    private bool Remember(string entry)
    {
        if (!IsRecordable(entry) || (_entries.Count > 0 && _entries[^1] == entry))
        {
            return false;
        }

        _entries.Add(entry);
        if (_entries.Count > Capacity)
        {
            _entries.RemoveRange(0, _entries.Count - Capacity);
        }

        return true;
    }

    private static async Task AppendAsync(string path, string entry, CancellationToken cancellationToken)
    {
        CreateDirectory(path);
        var bytes = Utf8.GetBytes(EncodeLine(entry) + "\n");
        await using var stream = await OpenAsync(path, AppendOptions(), cancellationToken).ConfigureAwait(false);
        // One write at the end as found under the exclusive lock, so concurrent appenders never overwrite each other.
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.None };
            await using var stream = await OpenAsync(FilePath!, options, cancellationToken).ConfigureAwait(false);

            // Read again under the exclusive lock: another REPL may have appended since the load.
            var current = new InputHistory(FilePath, Capacity);
            using (var reader = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    current.Remember(DecodeLine(line));
                }
            }

            var text = new StringBuilder();
            foreach (var entry in current._entries)
            {
                text.Append(EncodeLine(entry)).Append('\n');
            }

            var bytes = Utf8.GetBytes(text.ToString());
            stream.SetLength(0);
            stream.Seek(0, SeekOrigin.Begin);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Compaction is housekeeping: a read-only or busy file keeps working uncompacted.
        }
    }

    private static FileStreamOptions ReadOptions => new()
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.ReadWrite | FileShare.Delete,
    };

    private static FileStreamOptions AppendOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static void CreateDirectory(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task<FileStream> OpenAsync(string path, FileStreamOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException e) when (IsLockedByAnother(e) && attempt < MaxOpenAttempts)
            {
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The file is locked by another writer or reader: on Windows a sharing or lock violation, on Unix
    /// <c>flock</c>'s EWOULDBLOCK (its errno is the HResult: 11 on Linux, 35 on macOS and the BSDs).</summary>
    private static bool IsLockedByAnother(IOException e)
    {
        if (e.GetType() != typeof(IOException))
        {
            return false; // file or directory not found, path too long, ...
        }

        if (OperatingSystem.IsWindows())
        {
            return e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021);
        }

        return e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        StringBuilder? fixedText = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (!paired && fixedText is null)
            {
                fixedText = new StringBuilder(text, 0, i, text.Length);
            }

            fixedText?.Append(paired ? c : '\uFFFD');
        }

        return fixedText?.ToString() ?? text;
    }
}
