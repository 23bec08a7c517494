namespace Parley.Cli.Tests;

/// <summary>Mistakes a user makes on the command line: exit 2, one clear line, no request sent.</summary>
public class OneShotUsageErrorTests
{
    [Fact]
    public async Task Prompt_NoKeyAnywhere_Exit2NamingKeyDotEnvAndConfig()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "Tell me a joke");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OPENAI_API_KEY", r.Stderr);
        Assert.Contains(".env", r.Stderr);
        Assert.Contains("config.json", r.Stderr);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task Prompt_MistypedCommand_Exit2WithSuggestion()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "cnofig");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean `config`?", r.Stderr);
    }

    [Theory]
    [InlineData("--max-tokens", "-3")]
    [InlineData("--max-tokens", "many")]
    [InlineData("--temperature", "2.5")]
    [InlineData("--temperature", "hot")]
    [InlineData("--top-p", "1.5")]
    public async Task Prompt_BadNumericFlag_Exit2NamingFlag(string flag, string value)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", flag, value, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr);
    }

    [Fact]
    public async Task Prompt_UnknownFlag_Exit2()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "--frobnicate", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--frobnicate", r.Stderr);
    }

    [Fact]
    public async Task Prompt_Empty_Exit2()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "  \n");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("empty prompt", r.Stderr);
    }

    [Fact]
    public async Task Prompt_InvalidUtf8OnStdin_Exit2()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunWithBytesAsync([0x68, 0x69, 0xff, 0xfe]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not valid UTF-8", r.Stderr);
        Assert.Contains("byte 2", r.Stderr);
    }

    [Fact]
    public async Task Prompt_ServerNotListening_Exit1ConnectionRefused()
    {
        using var parley = new ParleyProcess();
        parley.Against(new Uri("http://127.0.0.1:9/v1"));

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("connection refused", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task Prompt_UnresolvableHost_Exit1HostNotFound()
    {
        using var parley = new ParleyProcess();
        parley.Against(new Uri("http://parley-no-such-host.invalid/v1"));

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot resolve the host", r.Stderr);
    }

    [Fact]
    public async Task Version_Prints()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: null, "--version");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Stdout);
    }
}
