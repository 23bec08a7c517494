namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class LineLayoutTests
{
    [Fact]
    public void Compute_ShortLine_OneRowCursorAfterPromptAndText()
    {
        var layout = LineLayout.Compute("> ", "hello", cursor: 5, width: 80);

        Assert.Equal(new LineLayout(0, 7, 0, 7, false), layout);
    }

    [Fact]
    public void Compute_CursorInMiddle_ColumnCountsWideCharacters()
    {
        var layout = LineLayout.Compute("> ", "你好ab", cursor: 2, width: 80);

        Assert.Equal((0, 6), (layout.CursorRow, layout.CursorColumn));
        Assert.Equal((0, 8), (layout.EndRow, layout.EndColumn));
    }

    [Fact]
    public void Compute_LongerThanWidth_Wraps()
    {
        var layout = LineLayout.Compute("> ", "abcdefghijkl", cursor: 12, width: 10);

        Assert.Equal(new LineLayout(1, 4, 1, 4, false), layout);
    }

    [Fact]
    public void Compute_FillsRowExactly_EndsAtRowEdgeAndEndIsNextRow()
    {
        var layout = LineLayout.Compute("> ", "abcdefgh", cursor: 8, width: 10);

        Assert.Equal(new LineLayout(1, 0, 1, 0, true), layout);
    }

    [Fact]
    public void Compute_CursorAtStartOfSecondRow_OnSecondRow()
    {
        var layout = LineLayout.Compute("> ", "abcdefghij", cursor: 8, width: 10);

        Assert.Equal((1, 0), (layout.CursorRow, layout.CursorColumn));
        Assert.Equal((1, 2), (layout.EndRow, layout.EndColumn));
    }

    [Fact]
    public void Compute_WideCharacterAtLastColumn_MovesToNextRow()
    {
        var layout = LineLayout.Compute(string.Empty, "abcd你", cursor: 4, width: 5);

        Assert.Equal((1, 0), (layout.CursorRow, layout.CursorColumn));
        Assert.Equal((1, 2), (layout.EndRow, layout.EndColumn));
    }

    [Fact]
    public void Compute_PromptWithNewline_StartsTextOnSecondRow()
    {
        var layout = LineLayout.Compute("model: gpt\n> ", "hi", cursor: 2, width: 80);

        Assert.Equal(new LineLayout(1, 4, 1, 4, false), layout);
    }

    [Fact]
    public void Compute_TabWrapsCellByCell()
    {
        var layout = LineLayout.Compute("> ", "abcdef\t", cursor: 7, width: 10);

        Assert.Equal((1, 2), (layout.EndRow, layout.EndColumn));
    }

    [Fact]
    public void Compute_EmptyPromptAndText_Origin()
    {
        Assert.Equal(new LineLayout(0, 0, 0, 0, false), LineLayout.Compute(string.Empty, string.Empty, 0, 80));
    }

    [Fact]
    public void Compute_WidthZero_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LineLayout.Compute("> ", "a", 0, 0));

        Assert.Equal("width", e.ParamName);
    }
}
