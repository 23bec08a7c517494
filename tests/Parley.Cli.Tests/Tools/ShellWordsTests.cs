namespace Parley.Cli.Tests;

/// <summary><c>--mcp "COMMAND ARGS"</c> is split as a POSIX shell splits words (no expansion).</summary>
public class ShellWordsTests
{
    [Theory]
    [InlineData("npx -y @modelcontextprotocol/server-everything", new[] { "npx", "-y", "@modelcontextprotocol/server-everything" })]
    [InlineData("  python3   server.py  ", new[] { "python3", "server.py" })]
    [InlineData("run 'a b' \"c d\"", new[] { "run", "a b", "c d" })]
    [InlineData("run it\\'s a\\ b", new[] { "run", "it's", "a b" })]
    [InlineData("run \"say \\\"hi\\\" \\\\ \\n\"", new[] { "run", "say \"hi\" \\ \\n" })]
    [InlineData("run 'no \\escape' x''y \"\"", new[] { "run", "no \\escape", "xy", "" })]
    [InlineData("run $HOME", new[] { "run", "$HOME" })]
    public void Split_ShellQuoting_WordsAsAShellWouldGiveThem(string line, string[] expected)
    {
        Assert.Equal(expected, ShellWords.Split(line));
    }

    [Theory]
    [InlineData("run 'open", "unclosed '")]
    [InlineData("run \"open", "unclosed \"")]
    [InlineData("run trailing\\", "ends with a lone backslash")]
    public void Split_UnbalancedQuoting_UsageError(string line, string expected)
    {
        var e = Assert.Throws<CliUsageException>(() => ShellWords.Split(line));

        Assert.Contains(expected, e.Message);
    }
}
