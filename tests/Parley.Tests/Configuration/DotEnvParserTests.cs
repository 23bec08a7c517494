namespace Parley.Tests;

/// <summary>
/// Parley's <c>.env</c> reader against python-dotenv: every expected value below is what python-dotenv 1.2.2's
/// <c>load_dotenv</c> (override=False) reads from the same text, with <c>PARLEY_DOTENV_FROM_PROCESS=proc</c> in the
/// process environment.
/// </summary>
public sealed class DotEnvParserTests
{
    private static string? Process(string name) => name == "PARLEY_DOTENV_FROM_PROCESS" ? "proc" : null;

    [Theory]
    [InlineData("export OPENAI_API_KEY=sk-exported", "OPENAI_API_KEY", "sk-exported")]
    [InlineData("export   SPACED=1", "SPACED", "1")]
    [InlineData("A=plain value  ", "A", "plain value")]
    [InlineData("A=value # comment", "A", "value")]
    [InlineData("A=value#not-a-comment", "A", "value#not-a-comment")]
    [InlineData("A='single # kept'", "A", "single # kept")]
    [InlineData("A='no \\n escape'", "A", "no \\n escape")]
    [InlineData("A='it\\'s'", "A", "it's")]
    [InlineData("A=\"tab\\there\"", "A", "tab\there")]
    [InlineData("A=\"line\\nbreak\"", "A", "line\nbreak")]
    [InlineData("A=\"quote \\\" and backslash \\\\\"", "A", "quote \" and backslash \\")]
    [InlineData("A=\"first\nsecond\"", "A", "first\nsecond")]
    [InlineData("A='first\nsecond'", "A", "first\nsecond")]
    [InlineData("A=\"kept\" # comment", "A", "kept")]
    [InlineData("A=", "A", "")]
    [InlineData("A=''", "A", "")]
    [InlineData("  A  =  spaced  ", "A", "spaced")]
    [InlineData("'QUOTED_KEY'=1", "QUOTED_KEY", "1")]
    [InlineData("B=x\nA=${B}-y", "A", "x-y")]
    [InlineData("A=${PARLEY_DOTENV_MISSING:-fallback}", "A", "fallback")]
    [InlineData("A=${PARLEY_DOTENV_MISSING}", "A", "")]
    [InlineData("A=\"${PARLEY_DOTENV_FROM_PROCESS}\"", "A", "proc")]
    [InlineData("A='${PARLEY_DOTENV_FROM_PROCESS}'", "A", "proc")]
    [InlineData("PARLEY_DOTENV_FROM_PROCESS=file\nA=${PARLEY_DOTENV_FROM_PROCESS}", "A", "proc")]
    [InlineData("A=$NOT_BRACED", "A", "$NOT_BRACED")]
    [InlineData("A=crlf\r\nB=2\r\n", "A", "crlf")]
    [InlineData("A=1\r\nB=2\r\n", "B", "2")]
    [InlineData("# c\n\n  # c2\nB=ok", "B", "ok")]
    public void Parse_PythonDotenvSyntax_ReadsTheSameValue(string text, string key, string expected)
    {
        var content = DotEnvParser.Parse(text, Process);

        Assert.Equal(expected, content.Values[key]);
        Assert.Empty(content.UnparsedLines);
    }

    [Fact]
    public void Parse_KeyWithoutEquals_IsIgnored()
    {
        var content = DotEnvParser.Parse("A\nB=2", Process);

        Assert.False(content.Values.ContainsKey("A"));
        Assert.Equal("2", content.Values["B"]);
        Assert.Empty(content.UnparsedLines);
    }

    [Theory]
    [InlineData("G='unterminated\nH=ok", 1)]
    [InlineData("A=1\nG=\"unterminated\nH=ok", 2)]
    [InlineData("A=1\n\nB=\"x\" junk\nH=ok", 3)]
    [InlineData("A=1\r\n=novalue\r\nH=ok", 2)]
    public void Parse_StatementItCannotParse_SkippedByLineAndTheRestApplies(string text, int badLine)
    {
        var content = DotEnvParser.Parse(text, Process);

        Assert.Equal([badLine], content.UnparsedLines);
        Assert.Equal("ok", content.Values["H"]);
    }
}
