using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>A database that is not Parley's, corrupt or locked: exit 1 with the reason, no stack trace, the file untouched.</summary>
public class PersistenceStorageErrorTests
{
    public static TheoryData<string[]> EveryCommandThatOpensTheDatabase => new()
    {
        new[] { "hello" },
        new[] { "--verbose", "hello" },
        new[] { "chat" },
        new[] { "-c", "hello" },
        new[] { "--cid", "abcd", "hello" },
        new[] { "history" },
        new[] { "history", "--json" },
        new[] { "history", "show", "abcd" },
        new[] { "history", "search", "hello" },
        new[] { "history", "rm", "abcd" },
        new[] { "history", "export", "abcd" },
        new[] { "history", "import", "messages.json" },
        new[] { "usage" },
    };

    [Theory]
    [MemberData(nameof(EveryCommandThatOpensTheDatabase))]
    public async Task Persistence_ForeignSqliteDatabase_Exit1AndNeverWritten(string[] args)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var path = ParleyDatabase.PathOf(parley);
        Directory.CreateDirectory(parley.ParleyHome);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('not yours');";
            command.ExecuteNonQuery();
        }

        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "messages.json"), """[{"role":"user","content":"hi"}]""");
        var before = Hash(path);

        var r = await parley.RunAsync("hello\n", args);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"'{path}' is not a Parley database", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("unexpected", r.Stderr);
        Assert.Equal(before, Hash(path));
        Assert.Equal(["parley.db"], Directory.GetFiles(parley.ParleyHome).Select(Path.GetFileName));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Persistence_NotAnSqliteFile_Exit1AndUntouched()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(ParleyDatabase.PathOf(parley), "my shopping list\n");

        var r = await parley.RunAsync("", "history");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is not a Parley database: it is not an SQLite database file", r.Stderr);
        Assert.Equal("my shopping list\n", await File.ReadAllTextAsync(ParleyDatabase.PathOf(parley)));
    }

    [Fact]
    public async Task Persistence_CorruptDatabase_Exit1WithTheReason()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "hello");
        var path = ParleyDatabase.PathOf(parley);
        var bytes = await File.ReadAllBytesAsync(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        Array.Fill(bytes, (byte)0xA5, pageSize, bytes.Length - pageSize); // every page after the first: garbage
        await File.WriteAllBytesAsync(path, bytes);

        var r = await parley.RunAsync("", "history");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is corrupt", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Persistence_LockedDatabase_Exit1SaysLocked()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "hello");
        var id = (await ParleyDatabase.ListAsync(parley))[0].Id;
        using var connection = new SqliteConnection($"Data Source={ParleyDatabase.PathOf(parley)};Pooling=false");
        connection.Open();
        using var transaction = connection.BeginTransaction(deferred: false); // holds the write lock

        var r = await parley.RunAsync("", "history", "rm", id);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is locked by another process", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        transaction.Rollback();
        Assert.Single(await ParleyDatabase.ListAsync(parley));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
