namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class GraphemesTests
{
    [Theory]
    [InlineData("abc", 0, 1)]
    [InlineData("abc", 3, 3)]
    [InlineData("e\u0301x", 0, 2)]
    [InlineData("😀x", 0, 2)]
    [InlineData("👩‍💻x", 0, 5)]
    [InlineData("🇫🇷x", 0, 4)]
    [InlineData("\r\nx", 0, 2)]
    public void Next_Text_SkipsWholeCluster(string text, int index, int expected)
    {
        Assert.Equal(expected, Graphemes.Next(text, index));
    }

    [Theory]
    [InlineData("abc", 3, 2)]
    [InlineData("abc", 0, 0)]
    [InlineData("xe\u0301", 3, 1)]
    [InlineData("x😀", 3, 1)]
    [InlineData("abc", 99, 2)]
    public void Previous_Text_StartOfClusterBefore(string text, int index, int expected)
    {
        Assert.Equal(expected, Graphemes.Previous(text, index));
    }

    [Theory]
    [InlineData("xe\u0301y", 2, 3, 1)]
    [InlineData("x😀", 2, 3, 1)]
    [InlineData("abc", 1, 1, 1)]
    [InlineData("abc", 7, 3, 3)]
    [InlineData("abc", -1, 0, 0)]
    public void Snap_InsideCluster_MovesToNearestBoundary(string text, int index, int forward, int backward)
    {
        Assert.Equal(forward, Graphemes.SnapForward(text, index));
        Assert.Equal(backward, Graphemes.SnapBackward(text, index));
        Assert.Equal(forward == index || index < 0 || index > text.Length, Graphemes.IsBoundary(text, index)); // out of range clamps
    }

    [Theory]
    [InlineData('a', true)]
    [InlineData(' ', true)]
    [InlineData('~', true)]
    [InlineData('你', true)]
    [InlineData('カ', true)]
    [InlineData('\u0301', false)]
    [InlineData('\u3099', false)]
    [InlineData('\u200D', false)]
    [InlineData('\uFE0F', false)]
    [InlineData('\uD83D', false)]
    [InlineData('é', false)]
    public void NeverJoinsPrevious_Character_OnlySafeClasses(char c, bool expected)
    {
        Assert.Equal(expected, Graphemes.NeverJoinsPrevious(c));
    }
}
