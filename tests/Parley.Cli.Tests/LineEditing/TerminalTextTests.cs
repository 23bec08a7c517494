using System.Text;

namespace Parley.Cli.Tests;

[Trait("Category", "LineEditing")]
public class TerminalTextTests
{
    [Theory]
    [InlineData("hello", 5)]
    [InlineData("", 0)]
    [InlineData("你好", 4)]
    [InlineData("こんにちは", 10)]
    [InlineData("안녕", 4)]
    [InlineData("ＡＢ", 4)]
    [InlineData("a\u3000b", 4)]
    [InlineData("cafe\u0301", 4)]
    [InlineData("😀", 2)]
    [InlineData("👩‍💻", 2)]
    [InlineData("🇫🇷", 2)]
    [InlineData("\u1100\u1161\u11A8", 2)]
    [InlineData("a\u200Bb", 2)]
    [InlineData("→", 1)]
    public void VisibleWidth_Text_CountsColumns(string text, int expected)
    {
        Assert.Equal(expected, TerminalText.VisibleWidth(text));
    }

    [Theory]
    [InlineData("\u001b[1;32mparley\u001b[0m> ", 8)]
    [InlineData("\u001b[38;2;255;0;0m你\u001b[m> ", 4)]
    [InlineData("\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007 ", 5)]
    [InlineData("\u001b]0;title\u001b\\> ", 2)]
    [InlineData("\u001b7> \u001b8", 2)]
    public void VisibleWidth_PromptWithEscapeSequences_IgnoresThem(string prompt, int expected)
    {
        Assert.Equal(expected, TerminalText.VisibleWidth(prompt));
    }

    [Fact]
    public void StripEscapes_ColoredText_LeavesText()
    {
        Assert.Equal("parley> ", TerminalText.StripEscapes("\u001b[1;32mparley\u001b[0m> "));
    }

    [Fact]
    public void StripEscapes_TruncatedSequence_DropsIt()
    {
        Assert.Equal("ab", TerminalText.StripEscapes("ab\u001b[3"));
    }

    [Theory]
    [InlineData("\t", "    ")]
    [InlineData("\n", "↵")]
    [InlineData("\u0001", "^A")]
    [InlineData("\u007f", "^?")]
    [InlineData("a", "a")]
    public void Display_Grapheme_VisibleStandIn(string grapheme, string expected)
    {
        Assert.Equal(expected, TerminalText.Display(grapheme));
        Assert.Equal(TerminalText.VisibleWidth(expected), TerminalText.GraphemeWidth(grapheme));
    }

    [Theory]
    [InlineData(0x4E00, 2)]
    [InlineData(0x20000, 2)]
    [InlineData(0x1F600, 2)]
    [InlineData(0x0301, 0)]
    [InlineData(0x200D, 0)]
    [InlineData(0xFE0F, 0)]
    [InlineData(0x0041, 1)]
    [InlineData(0x00E9, 1)]
    [InlineData(0x0416, 1)]
    [InlineData(0x05D0, 1)]
    public void RuneWidth_CodePoint_Columns(int codePoint, int expected)
    {
        Assert.Equal(expected, TerminalText.RuneWidth(new Rune(codePoint)));
    }
}
