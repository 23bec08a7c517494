namespace Parley.Cli.Tests;

public class UntrustedTextTests
{
    [Theory]
    [InlineData("plain text, ünïcödé 漢字 🙂", "plain text, ünïcödé 漢字 🙂")]
    [InlineData("line 1\nline 2\tcol\r\n", "line 1\nline 2\tcol\n")]
    [InlineData("\u001b]0;title\u0007", "␛]0;title␇")]
    [InlineData("a\u001b[2Jb\u001b[8mc", "a␛[2Jb␛[8mc")]
    [InlineData("over\rwrite", "overwrite")]
    [InlineData("bs\b del\u007f c1\u009b31m", "bs␈ del␡ c1\ufffd31m")]
    public void ForTerminal_ControlCharacters_ShownVisiblyNewlinesAndTabsKept(string text, string expected)
    {
        Assert.Equal(expected, Parley.Cli.UntrustedText.ForTerminal(text));
    }
}
