using System.Text.RegularExpressions;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Help and usage errors tell the truth: the command is `parley`, each command shows what it accepts.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("chat")]
    [InlineData("history")]
    [InlineData("models")]
    [InlineData("usage")]
    [InlineData("config")]
    [InlineData("tokens")]
    public async Task Help_Subcommand_ShowsOnlyWhatItAcceptsUnderParley(string command)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: null, command, "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"Usage:\n  parley {command} ", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<prompt>", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Parley.Cli", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Compare_ListsItsPromptOnce()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: null, "compare", "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:\n  parley compare [<prompt>...] [options]", r.Stdout, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(r.Stdout, "^  <prompt>", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Help_Root_NamesParleyAndShowsThePrompt()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: null, "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:\n  parley [<prompt>...] [command] [options]", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Parley.Cli", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    public async Task Prompt_NoPromptAndNoInput_ShowsHelp(string? stdin)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin);

        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Description:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  parley ", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stderr);
    }

    [Fact]
    public async Task Prompt_WordThatIsTheCommandName_IsSentAsThePrompt()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-log", "parley");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([("user", "parley")], Assert.Single(server.Requests).Messages);
    }

    [Theory]
    [InlineData("--max-token", "--max-tokens")]
    [InlineData("--temprature", "--temperature")]
    public async Task Prompt_MistypedFlag_Exit2WithSuggestion(string typed, string meant)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", typed, "100", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"unknown option '{typed}': did you mean {meant}?", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MistypedFlag_Exit2WithSuggestion()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "chat", "--max-token", "100");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: unknown option '--max-token': did you mean --max-tokens? (run 'parley chat --help')\n", r.Stderr);
    }

    [Fact]
    public async Task Chat_PromptArgument_Exit2ExplainingChatTakesNone()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "chat", "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("parley chat takes no prompt argument", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_MistypedSubcommand_Exit2WithSuggestion()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "history", "shwo");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean `show`?", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_NoSubcommand_Exit2NamingTheSubcommands()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "config");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: parley config needs a command: path, show or init (run 'parley config --help')\n", r.Stderr);
    }

    [Fact]
    public async Task HistoryShow_NotAnId_Exit2WithoutParameterName()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "history", "show", "zzzz");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'zzzz' is not a conversation id", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task HistoryShow_NoId_Exit2NamingTheArgument()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "history", "show");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: parley history show needs <ID> (run 'parley history show --help')\n", r.Stderr);
    }

    [Fact]
    public async Task Prompt_FlagWithoutValue_Exit2NamingTheFlag()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "-m");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: -m needs a value: MODEL (run 'parley --help')\n", r.Stderr);
    }

    [Theory]
    [InlineData("--temperature", "NaN")]
    [InlineData("--temperature", "Infinity")]
    [InlineData("--top-p", "NaN")]
    [InlineData("--timeout", "NaN")]
    [InlineData("--idle-timeout", "NaN")]
    [InlineData("--connect-timeout", "NaN")]
    [InlineData("--max-cost", "NaN")]
    [InlineData("--max-retries", "NaN")]
    [InlineData("--max-tokens", "Infinity")]
    [InlineData("--seed", "1.5")]
    [InlineData("--reserve-output", "NaN")]
    [InlineData("--keep-last", "-Infinity")]
    public async Task Prompt_NotANumber_Exit2OneLineNamingTheFlag(string flag, string value)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--no-log", flag, value, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"error: {flag} must be ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"(got '{value}')", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("compare", "-m", "a", "-m", "b", "--runs", "NaN", "hi")]
    [InlineData("history", "-n", "x")]
    [InlineData("usage", "--limit", "Infinity")]
    [InlineData("history", "search", "-n", "1e9", "x")]
    public async Task Subcommand_NotANumber_Exit2WithoutTypeNames(params string[] args)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(" must be ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_UnknownReasoningEffort_Exit2OneLine()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "--reasoning-effort", "max", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --reasoning-effort must be low, medium or high (got 'max')\n", r.Stderr);
    }
}
