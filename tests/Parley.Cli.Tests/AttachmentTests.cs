using System.Text;
using System.Text.Json;
using Parley.TestServer;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Parley.Cli.Tests;

/// <summary><c>-a/--attach</c> and <c>/attach</c>, run as a process against the loopback server, which records what it was sent.</summary>
public class AttachmentTests
{
    [Fact]
    public async Task Attach_Image_IsSentAsAnImageUrlPartWithItsBytes()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var png = TestImages.Png(64, 32);
        // The kind comes from the bytes: a PNG with another extension is still a PNG.
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "picture.dat"), png);

        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", "gpt-4o", "-a", "picture.dat", "What is in this image?");

        Assert.Equal(0, r.ExitCode);
        var parts = UserParts(Assert.Single(server.Requests));
        Assert.Equal(2, parts.Length);
        Assert.Equal(("text", "What is in this image?"), (parts[0].GetProperty("type").GetString(), parts[0].GetProperty("text").GetString()));
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Attach_TextFileAndPdf_AreSentAsTextPartsHeadedByTheirNames()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "notes.md"), "# Notes\nShip on Friday.\n");
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "report.pdf"), Pdf("The quarterly report says 42."));

        var r = await parley.RunAsync(stdin: "", "--no-log", "-a", "notes.md", "--attach", "report.pdf", "Summarize");

        Assert.Equal(0, r.ExitCode);
        var parts = UserParts(Assert.Single(server.Requests));
        Assert.Equal(["text", "text", "text"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("Summarize", parts[0].GetProperty("text").GetString());
        Assert.Equal("File: notes.md\n# Notes\nShip on Friday.\n", parts[1].GetProperty("text").GetString());
        Assert.Equal("File: report.pdf\nThe quarterly report says 42.", parts[2].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Attach_PdfForAModelThatTakesFiles_IsSentAsAFilePart()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """{"models": {"gpt-4o": {"file_input": true}}}""");
        var pdf = Pdf("Page one.");
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "report.pdf"), pdf);

        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", "gpt-4o", "-a", "report.pdf", "Summarize");

        Assert.Equal(0, r.ExitCode);
        var file = UserParts(Assert.Single(server.Requests))[1];
        Assert.Equal("file", file.GetProperty("type").GetString());
        Assert.Equal("report.pdf", file.GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("data:application/pdf;base64," + Convert.ToBase64String(pdf), file.GetProperty("file").GetProperty("file_data").GetString());
    }

    [Fact]
    public async Task Attach_ImageUrl_IsSentAsTheUrl()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", "gpt-4o", "-a", "https://example.com/img/parrot.png", "Describe it");

        Assert.Equal(0, r.ExitCode);
        var image = UserParts(Assert.Single(server.Requests))[1];
        Assert.Equal("https://example.com/img/parrot.png", image.GetProperty("image_url").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Attach_ImageForAModelThatReadsNoImages_IsRefusedWithExit2AndNothingSent(bool url)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "cat.png"), TestImages.Png(64, 64));

        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", "gpt-3.5-turbo", "-a", url ? "https://example.com/cat.png" : "cat.png", "What is this?");

        Assert.Equal(2, r.ExitCode);
        Assert.Empty(server.Requests);
        Assert.Equal("", r.Stdout);
        Assert.StartsWith("error: gpt-3.5-turbo does not read images", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("missing.png", "cannot attach missing.png: no such file (nothing was sent)")]
    [InlineData("folder", "cannot attach folder: it is a directory (nothing was sent)")]
    [InlineData("empty.txt", "cannot attach empty.txt: the file is empty (nothing was sent)")]
    [InlineData("program.bin", "cannot attach program.bin: it is not an image (PNG, JPEG, WebP, GIF), a PDF, or UTF-8 text (nothing was sent)")]
    [InlineData("latin1.txt", "cannot attach latin1.txt: it is not an image (PNG, JPEG, WebP, GIF), a PDF, or UTF-8 text (nothing was sent)")]
    [InlineData("broken.png", "cannot attach broken.png: it starts like a PNG image but its size cannot be read (a damaged file?) (nothing was sent)")]
    [InlineData("broken.pdf", "cannot attach broken.pdf: it is not a readable PDF")]
    [InlineData("big.txt", "cannot attach big.txt: it has 1,048,577 bytes of text; a text attachment may be at most 1,048,576 (1 MB) (nothing was sent)")]
    [InlineData("huge.png", "cannot attach huge.png: it is 20.5 MB; an attachment may be at most 20 MB (nothing was sent)")]
    public async Task Attach_UnusableFile_OneLineExit2AndNothingSent(string file, string error)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var dir = parley.WorkingDirectory;
        Directory.CreateDirectory(Path.Combine(dir, "folder"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "empty.txt"), []);
        await File.WriteAllBytesAsync(Path.Combine(dir, "program.bin"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0]);
        await File.WriteAllBytesAsync(Path.Combine(dir, "latin1.txt"), Encoding.Latin1.GetBytes("caf\u00e9 cr\u00e8me"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "broken.png"), TestImages.Png(8, 8)[..12]);
        await File.WriteAllTextAsync(Path.Combine(dir, "broken.pdf"), "%PDF-1.7\nnot really a PDF\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "big.txt"), new string('x', (1024 * 1024) + 1));
        await using (var huge = File.Create(Path.Combine(dir, "huge.png")))
        {
            await huge.WriteAsync(TestImages.Png(8, 8));
            huge.SetLength((20 * 1024 * 1024) + (512 * 1024));
        }

        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", "gpt-4o", "-a", file, "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Empty(server.Requests);
        Assert.StartsWith("error: " + error, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task ChatAttach_GoesWithTheNextMessageOnly_AndIsListedUntilThen()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "cat.png"), TestImages.Png(64, 64));
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "notes.txt"), "milk\n");

        var r = await parley.RunAsync("/attach\n/attach cat.png\n/attach notes.txt\n/attach\nWhat is this?\n/attach\nAnd now?\n/help\n", "chat", "--no-log", "-m", "gpt-4o");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        var first = UserParts(server.Requests[0]);
        Assert.Equal(["text", "image_url", "text"], first.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("File: notes.txt\nmilk\n", first[2].GetProperty("text").GetString());
        // The second request carries the first question (with its image) as history, and the new question alone.
        var messages = server.Requests[1].Json!.Value.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(JsonValueKind.Array, messages[0].GetProperty("content").ValueKind);
        Assert.Equal("And now?", FlatText(messages[2].GetProperty("content")));
        Assert.Contains("nothing attached: /attach PATH adds a file to the next message\n", r.Stderr);
        Assert.Contains("attached cat.png (PNG image, 64×64): it goes with your next message\n", r.Stderr);
        Assert.Contains("attached: cat.png (PNG image, 64×64)\nattached: notes.txt (text, 5 bytes)\n", r.Stderr);
        Assert.Equal(2, CountOf(r.Stderr, "nothing attached"));
        Assert.Contains("/attach PATH|URL", r.Stderr);
    }

    [Fact]
    public async Task ChatAttach_QuotedPathAndHomePath_AreReadAsAShellWould()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "my notes.txt"), "one\n");
        await File.WriteAllTextAsync(Path.Combine(parley.Home, "home.txt"), "two\n");

        var r = await parley.RunAsync("/attach \"my notes.txt\"\n/attach ~/home.txt\nRead them\n", "chat", "--no-log");

        Assert.Equal(0, r.ExitCode);
        var parts = UserParts(Assert.Single(server.Requests));
        Assert.Equal(["Read them", "File: my notes.txt\none\n", "File: home.txt\ntwo\n"], parts.Select(p => p.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task ChatRetry_AfterAQuestionWithAttachments_AsksAgainWithThem()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "cat.png"), TestImages.Png(64, 64));
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "notes.txt"), "milk\n");

        var r = await parley.RunAsync("/attach cat.png\n/attach notes.txt\nWhat is this?\n/retry\n", "chat", "--no-log", "-m", "gpt-4o");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public async Task ChatAttach_ImageForAModelThatReadsNoImages_IsRefusedAndTheChatGoesOn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "cat.png"), TestImages.Png(64, 64));

        var r = await parley.RunAsync("/attach missing.png\n/attach cat.png\nWhat is this?\nhello\n", "chat", "--no-log", "-m", "gpt-3.5-turbo");

        Assert.Equal(2, r.ExitCode); // a message was refused
        Assert.Contains("error: cannot attach missing.png: no such file", r.Stderr);
        Assert.Contains("error: gpt-3.5-turbo does not read images", r.Stderr);
        var request = Assert.Single(server.Requests);
        Assert.Equal([("user", "hello")], request.Messages);
    }

    [Fact]
    public async Task CompareAttach_EveryModelGetsTheImage_AndOneThatReadsNoImagesIsRefused()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var png = TestImages.Png(64, 64);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "cat.png"), png);

        var r = await parley.RunAsync(stdin: "", "compare", "--json", "-m", "gpt-4o", "-m", "gpt-3.5-turbo", "-a", "cat.png", "What is this?");

        Assert.Equal(1, r.ExitCode); // a model never answered
        var request = Assert.Single(server.Requests);
        Assert.Equal("gpt-4o", request.Model);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), UserParts(request)[1].GetProperty("image_url").GetProperty("url").GetString());
        using var rows = JsonDocument.Parse(r.Stdout);
        Assert.StartsWith("gpt-3.5-turbo does not read images", rows.RootElement[1].GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    private static JsonElement[] UserParts(RecordedRequest request) =>
        [.. request.Json!.Value.GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray()];

    private static string FlatText(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Join("\n", content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>A one-page PDF with <paramref name="text"/>, made with PdfPig's builder.</summary>
    internal static byte[] Pdf(string text)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        page.AddText(text, 12, new PdfPoint(25, 700), font);
        return builder.Build();
    }
}
