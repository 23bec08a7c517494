using System.Text.Json;

namespace Parley.Cli.Tests;

/// <summary><c>parley history</c> and <c>parley usage</c> name the virtual key of conversations made through <c>parley serve</c>.</summary>
public class KeyHistoryTests
{
    [Fact]
    public async Task History_Piped_KeyConversations_EighthFieldNamesTheKey()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "from the CLI", "a");
        await ParleyDatabase.AddConversationAsync(parley, "through the gateway", "b", keyName: "alice");

        var r = await parley.RunAsync("", "history");

        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["through the gateway", "alice"], [lines[0][1], lines[0][7]]);
        Assert.Equal(["from the CLI", "-"], [lines[1][1], lines[1][7]]);
    }

    [Fact]
    public async Task History_Piped_NoKeys_SevenFieldsAsBefore()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "from the CLI", "a");

        var r = await parley.RunAsync("", "history");

        Assert.Equal(7, r.Stdout.TrimEnd('\n').Split('\t').Length);
    }

    [Fact]
    public async Task HistoryJson_And_Show_NameTheKey()
    {
        using var parley = new ParleyProcess();
        var id = await ParleyDatabase.AddConversationAsync(parley, "through the gateway", "b", keyName: "alice");

        var list = await parley.RunAsync("", "history", "--json");
        var show = await parley.RunAsync("", "history", "show", id, "--json");

        using var listed = JsonDocument.Parse(list.Stdout);
        Assert.Equal("alice", listed.RootElement[0].GetProperty("key").GetString());
        using var shown = JsonDocument.Parse(show.Stdout);
        Assert.Equal("alice", shown.RootElement.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Usage_Piped_KeyLinesSumEachKey()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "one", "a", keyName: "alice");
        await ParleyDatabase.AddConversationAsync(parley, "two", "b", keyName: "alice");
        await ParleyDatabase.AddConversationAsync(parley, "three", "c", keyName: "bob");
        await ParleyDatabase.AddConversationAsync(parley, "four", "d");

        var r = await parley.RunAsync("", "usage");

        Assert.Equal(0, r.ExitCode);
        var keyLines = r.Stdout.TrimEnd('\n').Split('\n').Where(l => l.StartsWith("key\t", StringComparison.Ordinal)).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["alice", "2", "30", "0.000009"], [keyLines[0][1], keyLines[0][3], keyLines[0][6], keyLines[0][7]]);
        Assert.Equal(["bob", "1", "15", "0.0000045"], [keyLines[1][1], keyLines[1][3], keyLines[1][6], keyLines[1][7]]);
    }

    [Fact]
    public async Task Usage_Piped_NoKeys_NoKeyLines()
    {
        using var parley = new ParleyProcess();
        await ParleyDatabase.AddConversationAsync(parley, "one", "a");

        var r = await parley.RunAsync("", "usage");

        Assert.DoesNotContain("\nkey\t", r.Stdout);
    }
}
