namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public sealed class InputHistoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-history-" + Guid.NewGuid().ToString("N")[..12]);

    private string HistoryPath => Path.Combine(_directory, "history.txt");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<InputHistory> LoadAsync(int capacity = InputHistory.DefaultCapacity) =>
        await InputHistory.LoadAsync(HistoryPath, CancellationToken.None, capacity);

    [Fact]
    public async Task LoadAsync_MissingFile_EmptyAndCreatesNothing()
    {
        var history = await LoadAsync();

        Assert.Empty(history.Entries);
        Assert.False(File.Exists(HistoryPath));
        Assert.Equal(Path.GetFullPath(HistoryPath), history.FilePath);
    }

    [Fact]
    public async Task AddAsync_FirstEntry_CreatesDirectoryAndOwnerOnlyFile()
    {
        var history = await LoadAsync();

        await history.AddAsync("hello", CancellationToken.None);

        Assert.True(File.Exists(HistoryPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(HistoryPath));
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(_directory));
        }
    }

    [Fact]
    public async Task AddAsync_Entries_AppendedOneJsonStringPerLine()
    {
        var history = await LoadAsync();

        await history.AddAsync("hello", CancellationToken.None);
        await history.AddAsync("two\nlines \"quoted\" \\ 你好", CancellationToken.None);

        Assert.Equal(
            ["\"hello\"", "\"two\\nlines \\\"quoted\\\" \\\\ 你好\""],
            await File.ReadAllLinesAsync(HistoryPath));
    }

    [Fact]
    public async Task LoadAsync_AfterAdds_NextSessionSeesEntriesInOrder()
    {
        var first = await LoadAsync();
        await first.AddAsync("one", CancellationToken.None);
        await first.AddAsync("multi\nline\n\tindented", CancellationToken.None);
        await first.AddAsync("three 😀", CancellationToken.None);

        var second = await LoadAsync();

        Assert.Equal(["one", "multi\nline\n\tindented", "three 😀"], second.Entries);
    }

    [Fact]
    public async Task AddAsync_ConsecutiveDuplicate_SkippedInMemoryAndFile()
    {
        var history = await LoadAsync();

        Assert.True(await history.AddAsync("same", CancellationToken.None));
        Assert.False(await history.AddAsync("same", CancellationToken.None));

        Assert.Equal(["same"], history.Entries);
        Assert.Single(await File.ReadAllLinesAsync(HistoryPath));
    }

    [Fact]
    public async Task AddAsync_DuplicateOfLastEntryOfPreviousSession_Skipped()
    {
        var first = await LoadAsync();
        await first.AddAsync("same", CancellationToken.None);
        var second = await LoadAsync();

        Assert.False(await second.AddAsync("same", CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_NonConsecutiveDuplicate_Kept()
    {
        var history = await LoadAsync();

        await history.AddAsync("a", CancellationToken.None);
        await history.AddAsync("b", CancellationToken.None);
        await history.AddAsync("a", CancellationToken.None);

        Assert.Equal(["a", "b", "a"], history.Entries);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public async Task AddAsync_BlankEntry_Skipped(string entry)
    {
        var history = await LoadAsync();

        Assert.False(await history.AddAsync(entry, CancellationToken.None));

        Assert.Empty(history.Entries);
        Assert.False(File.Exists(HistoryPath));
    }

    [Fact]
    public async Task AddAsync_EntryStartingWithSpace_NeverStored()
    {
        var history = await LoadAsync();

        Assert.False(await history.AddAsync(" my secret prompt", CancellationToken.None));
        await history.AddAsync("public", CancellationToken.None);

        Assert.Equal(["public"], history.Entries);
        Assert.DoesNotContain("secret", await File.ReadAllTextAsync(HistoryPath));
    }

    [Fact]
    public async Task AddAsync_MoreThanCapacity_KeepsNewestInMemory()
    {
        var history = new InputHistory(capacity: 3);

        foreach (var entry in new[] { "1", "2", "3", "4", "5" })
        {
            await history.AddAsync(entry, CancellationToken.None);
        }

        Assert.Equal(["3", "4", "5"], history.Entries);
        Assert.Null(history.FilePath);
    }

    [Fact]
    public async Task LoadAsync_MoreEntriesThanCapacity_KeepsLastOnes()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllLinesAsync(HistoryPath, Enumerable.Range(1, 1500).Select(i => $"\"entry {i}\""));

        var history = await LoadAsync();

        Assert.Equal(1000, history.Entries.Count);
        Assert.Equal("entry 501", history.Entries[0]);
        Assert.Equal("entry 1500", history.Entries[^1]);
        Assert.Equal(1500, (await File.ReadAllLinesAsync(HistoryPath)).Length);
    }

    [Fact]
    public async Task LoadAsync_MoreThanTwiceCapacityLines_RewritesFileToLastEntries()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllLinesAsync(HistoryPath, Enumerable.Range(1, 25).Select(i => $"\"entry {i}\""));

        var history = await LoadAsync(capacity: 10);

        var lines = await File.ReadAllLinesAsync(HistoryPath);
        Assert.Equal(10, lines.Length);
        Assert.Equal("\"entry 16\"", lines[0]);
        Assert.Equal(history.Entries, lines.Select(InputHistory.DecodeLine));
    }

    [Fact]
    public async Task LoadAsync_PlainTextAndBlankLines_PlainTakenAsIsBlankSkipped()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllLinesAsync(HistoryPath, ["plain line", string.Empty, "\"json line\"", "\"broken json", "plain line"]);

        var history = await LoadAsync();

        Assert.Equal(["plain line", "json line", "\"broken json", "plain line"], history.Entries);
    }

    [Fact]
    public async Task LoadAsync_ConsecutiveDuplicatesInFile_Collapsed()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllLinesAsync(HistoryPath, ["\"a\"", "\"a\"", "\"b\""]);

        var history = await LoadAsync();

        Assert.Equal(["a", "b"], history.Entries);
    }

    [Fact]
    public async Task AddAsync_TwoSessionsAppendingConcurrently_NoEntryLost()
    {
        var first = await LoadAsync();
        var second = await LoadAsync();

        await Task.WhenAll(
            Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await first.AddAsync($"first {i}", CancellationToken.None);
                }
            }),
            Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await second.AddAsync($"second {i}", CancellationToken.None);
                }
            }));

        var lines = (await File.ReadAllLinesAsync(HistoryPath)).Select(InputHistory.DecodeLine).ToList();
        Assert.Equal(200, lines.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"first {i}"), lines.Where(l => l.StartsWith("first", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"second {i}"), lines.Where(l => l.StartsWith("second", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AddAsync_FileNotWritable_ThrowsButKeepsEntryInMemory()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            return; // root writes read-only files
        }

        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(HistoryPath, string.Empty);
        File.SetUnixFileMode(HistoryPath, UnixFileMode.UserRead);
        var history = await LoadAsync();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => history.AddAsync("kept", CancellationToken.None));

        Assert.Equal(["kept"], history.Entries);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with \"quotes\" and \\ backslash")]
    [InlineData("line 1\nline 2\r\nline 3")]
    [InlineData("tab\tand control \u0001")]
    [InlineData("你好, 😀, café")]
    [InlineData("\"starts with a quote")]
    [InlineData("<script>&amp;</script>")]
    [InlineData("separators \u2028 \u2029 \u0085 end")]
    public void EncodeLine_ThenDecodeLine_RoundTrips(string entry)
    {
        var line = InputHistory.EncodeLine(entry);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Equal(entry, InputHistory.DecodeLine(line));
    }

    [Fact]
    public void EncodeLine_NonAscii_KeptReadable()
    {
        Assert.Equal("\"你好 😀 café\"", InputHistory.EncodeLine("你好 😀 café"));
    }

    [Fact]
    public void EncodeLine_LoneSurrogate_ReplacedNotThrown()
    {
        Assert.Equal("a\uFFFDb", InputHistory.DecodeLine(InputHistory.EncodeLine("a\uD800b")));
    }

    [Fact]
    public async Task AddAsync_NullEntry_ThrowsWithParameterName()
    {
        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => new InputHistory().AddAsync(null!, CancellationToken.None));

        Assert.Equal("entry", e.ParamName);
    }

    [Fact]
    public async Task LoadAsync_EmptyPath_ThrowsWithParameterName()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => InputHistory.LoadAsync(string.Empty, CancellationToken.None));

        Assert.Equal("path", e.ParamName);
    }
}
