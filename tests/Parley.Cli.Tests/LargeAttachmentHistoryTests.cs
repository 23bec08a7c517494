using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// An attachment over the history's inline limit (256 KiB) is kept as a reference with its file's absolute path: listed
/// by <c>history show</c>, and read again from that file when the conversation continues, so the same bytes go upstream.
/// </summary>
public class LargeAttachmentHistoryTests
{
    [Fact]
    public async Task AttachLargeImage_ShownByHistoryAndSentAgain_WhenContinued()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("A black square."));
        server.Enqueue(ScriptedResponse.Text("Still black."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var png = TestImages.Png(64, 64, padding: 300 * 1024);
        var file = Path.Combine(parley.WorkingDirectory, "big.png");
        await File.WriteAllBytesAsync(file, png);
        var dataUrl = "data:image/png;base64," + Convert.ToBase64String(png);

        var first = await parley.RunAsync(stdin: "", "-m", "gpt-4o", "-a", "big.png", "What is this?");
        Assert.True(first.ExitCode == 0, first.Stderr);

        var id = (await ParleyDatabase.ListAsync(parley)).Single().Id;
        var show = await parley.RunAsync("", "history", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(show.Stdout.Contains("[image: big.png, image/png, 300.", StringComparison.Ordinal), show.Stdout);
        Assert.DoesNotContain("not kept", show.Stdout);

        var next = await parley.RunAsync(stdin: "", "-c", "And now?");
        Assert.True(next.ExitCode == 0, next.Stderr);

        Assert.Equal(2, server.Requests.Count);
        var question = server.Requests[1].Json!.Value.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("What is this?", question[0].GetProperty("text").GetString());
        Assert.Equal(dataUrl, question[1].GetProperty("image_url").GetProperty("url").GetString());

        // The path is for the history only: it never goes upstream.
        Assert.All(server.Requests, r => Assert.DoesNotContain(parley.WorkingDirectory, r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttachLargeImage_FileGone_HistoryShowsItNotKeptOnALineOfItsOwn()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("A black square."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var file = Path.Combine(parley.WorkingDirectory, "big.png");
        await File.WriteAllBytesAsync(file, TestImages.Png(64, 64, padding: 300 * 1024));
        var first = await parley.RunAsync(stdin: "", "-m", "gpt-4o", "-a", "big.png", "What is this?");
        Assert.True(first.ExitCode == 0, first.Stderr);
        File.Delete(file);

        var id = (await ParleyDatabase.ListAsync(parley)).Single().Id;
        var show = await parley.RunAsync("", "history", "show", id);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(show.Stdout.Contains("User: What is this?\n[image not kept: big.png, image/png, ", StringComparison.Ordinal), show.Stdout);
    }
}
