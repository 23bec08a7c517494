namespace Parley.Tests.Storage;

public sealed class StorageTextTests
{
    [Theory]
    [InlineData("Hello", "Hello")]
    [InlineData("  two\n\nlines  ", "two lines")]
    [InlineData("   ", null)]
    public void MakeTitle_ShortText_CollapsedToOneLine(string text, string? expected)
    {
        Assert.Equal(expected, StorageText.MakeTitle(text));
    }

    [Fact]
    public void MakeTitle_LongTextWithoutSpaces_CutAtSixtyWithEllipsis()
    {
        string title = StorageText.MakeTitle(new string('字', 100))!;

        Assert.Equal(60, title.Length);
        Assert.EndsWith("…", title);
    }

    [Fact]
    public void MakeTitle_SurrogatePairAtCut_NotSplit()
    {
        string title = StorageText.MakeTitle(new string('a', 58) + string.Concat(Enumerable.Repeat("😀", 10)))!;

        Assert.False(char.IsHighSurrogate(title[^2]));
        Assert.EndsWith("…", title);
    }

    [Theory]
    [InlineData("0194A3B2-C0DE-7ABC-8DEF-0123456789AB", "0194a3b2c0de7abc8def0123456789ab")]
    [InlineData(" abcd ", "abcd")]
    public void NormalizePrefix_DashesCaseAndSpaces_Normalized(string input, string expected)
    {
        Assert.Equal(expected, StorageText.NormalizePrefix(input));
    }

    [Fact]
    public void NormalizePrefix_TooLong_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => StorageText.NormalizePrefix(new string('a', 33)));
    }

    [Fact]
    public void NewId_Twice_TimeOrderedUuidV7()
    {
        string first = StorageText.NewId();
        string second = StorageText.NewId();

        Assert.True(string.CompareOrdinal(first, second) < 0 || first[..12] == second[..12]);
        Assert.Equal('7', first[12]);
    }

    [Fact]
    public void TokenCounts_RoundTrip_ThroughJson()
    {
        var counts = new Dictionary<string, int> { ["o200k_base"] = 12, ["cl100k_base"] = 13 };

        string json = StorageText.TokenCountsToJson(counts)!;

        Assert.Equal("""{"cl100k_base":13,"o200k_base":12}""", json);
        Assert.Equal(counts, StorageText.TokenCountsFromJson(json));
        Assert.Null(StorageText.TokenCountsToJson(new Dictionary<string, int>()));
        Assert.Empty(StorageText.TokenCountsFromJson(null));
    }

    [Fact]
    public void Snippet_NoMatchInLongText_StartsAtBeginning()
    {
        string snippet = StorageText.Snippet(new string('x', 300), ["zzz"]);

        Assert.StartsWith("xxx", snippet);
        Assert.EndsWith("…", snippet);
    }
}
