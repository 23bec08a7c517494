using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.TestServer;
using Xunit.Abstractions;

namespace Parley.Cli.Tests;

/// <summary>
/// The tokens <c>parley -a</c> counts for an image before sending, against what OpenAI billed for the same request
/// in the recorded traffic (shared/fixtures; skipped with the reason when it is absent). The count is read where a user
/// sees it: the <c>--max-cost</c> refusal names the prompt's tokens (nothing is sent).
/// </summary>
public partial class AttachmentTokenCountTests(ITestOutputHelper output)
{
    // The recorded requests sent image URLs; the sizes of those images: langchaingo's docs/static/img/parrot-icon.png
    // has a 256×256 PNG header, and the Unsplash URL asks for 800×400.
    public static TheoryData<string, int, int> Recorded => new()
    {
        { "1_openai_nonstream/lcgo_gpt-4o_image_input_raw_http", 256, 256 },
        { "1_openai_nonstream/ollm_gpt-4-vision-preview_finish_length", 800, 400 },
    };

    [SkippableTheory]
    [MemberData(nameof(Recorded))]
    public async Task Attach_RecordedImage_CountedAsOpenAIBilledIt(string fixture, int width, int height)
    {
        var skip = FixtureRoot.SkipReason;
        Skip.If(skip is not null, skip);
        var (model, text, url, billed) = ReadFixture(fixture);
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await File.WriteAllBytesAsync(Path.Combine(parley.WorkingDirectory, "image.png"), TestImages.Png(width, height));

        var (file, fileEstimated) = await CountAsync(parley, model, "image.png", text);
        var (byUrl, urlEstimated) = await CountAsync(parley, model, url, text);

        output.WriteLine($"{fixture}: billed {billed}; the file ({width}×{height}) counted {file} ({file - billed:+0;-0;0}); "
            + $"the URL (size unknown, 1024×1024 assumed) counted about {byUrl} ({byUrl - billed:+0;-0;0})");
        Assert.Empty(server.Requests);
        Assert.Equal((billed, false), (file, fileEstimated));
        Assert.True(urlEstimated);
        Assert.True(byUrl >= billed, $"the URL estimate {byUrl} is under the billed {billed}");
    }

    private static async Task<(int Tokens, bool Estimated)> CountAsync(ParleyProcess parley, string model, string attachment, string text)
    {
        var r = await parley.RunAsync(stdin: "", "--no-log", "-m", model, "--max-tokens", "1", "--max-cost", "0.0000001", "-a", attachment, text);
        Assert.True(r.ExitCode == 1, r.ToString());
        var match = PromptTokens().Match(r.Stderr);
        Assert.True(match.Success, r.Stderr);
        return (int.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), match.Groups[1].Success);
    }

    private static (string Model, string Text, string Url, int Billed) ReadFixture(string fixture)
    {
        var root = FixtureRoot.Path!;
        using var request = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, fixture + ".request.json")));
        using var response = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, fixture + ".response.json")));
        var parts = request.RootElement.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        var text = parts.Single(p => p.GetProperty("type").GetString() == "text").GetProperty("text").GetString()!;
        var url = parts.Single(p => p.GetProperty("type").GetString() == "image_url").GetProperty("image_url").GetProperty("url").GetString()!;
        return (request.RootElement.GetProperty("model").GetString()!, text, url,
            response.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [GeneratedRegex(@"\((about )?([\d,]+) prompt tokens")]
    private static partial Regex PromptTokens();
}
