namespace Parley.Cli.Tests;

public class ConfigCommandTests
{
    [Fact]
    public async Task ConfigPath_ParleyHomeSet_PrintsPathInParleyHome()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: null, "config", "path");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Path.Combine(parley.ParleyHome, "config.json"), r.Stdout.Trim());
    }

    [Theory]
    [InlineData("~/p", "p")]
    [InlineData("~", "")]
    public async Task ConfigPath_ParleyHomeWithTilde_ExpandedToHomeAsAShellWould(string parleyHome, string underHome)
    {
        using var parley = new ParleyProcess();
        parley.With("PARLEY_HOME", parleyHome);

        var r = await parley.RunAsync(stdin: null, "config", "path");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Path.Combine(parley.Home, underHome, "config.json"), r.Stdout.Trim());
    }

    [Fact]
    public async Task Prompt_ParleyHomeWithTildeInDotEnv_DatabaseUnderHome()
    {
        await using var server = await Parley.TestServer.LoopbackServer.StartAsync();
        server.Enqueue(Parley.TestServer.ScriptedResponse.Text("hello"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl).With("PARLEY_HOME", null);
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, ".env"), "PARLEY_HOME=~/p\n");

        var r = await parley.RunAsync(stdin: null, "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(parley.Home, "p", "parley.db")), r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(parley.WorkingDirectory, "~")));
    }

    [Fact]
    public async Task ConfigPath_XdgConfigHome_UsedWithoutParleyHome()
    {
        using var parley = new ParleyProcess();
        parley.With("PARLEY_HOME", null).With("XDG_CONFIG_HOME", Path.Combine(parley.Root, "xdg"));

        var r = await parley.RunAsync(stdin: null, "config", "path");

        Assert.Equal(Path.Combine(parley.Root, "xdg", "parley", "config.json"), r.Stdout.Trim());
    }

    [Fact]
    public async Task ConfigInit_Twice_CreatesOwnerOnlyFileThenRefuses()
    {
        using var parley = new ParleyProcess();

        var first = await parley.RunAsync(stdin: null, "config", "init");
        var second = await parley.RunAsync(stdin: null, "config", "init");

        Assert.Equal(0, first.ExitCode);
        var file = Path.Combine(parley.ParleyHome, "config.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already exists", second.Stderr);
    }

    [Fact]
    public async Task ConfigShow_KeyFromDotEnv_IsMasked()
    {
        using var parley = new ParleyProcess();
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, ".env"), "OPENAI_API_KEY=sk-proj-verysecretvalue-123456\n");

        var r = await parley.RunAsync(stdin: null, "config", "show");

        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("verysecretvalue", r.Stdout + r.Stderr);
        Assert.Contains("\"openai\"", r.Stdout);
        Assert.Contains("\"ollama\"", r.Stdout);
        Assert.Contains("sk-…3456", r.Stdout);
    }

    [Fact]
    public async Task ConfigShow_AfterInit_ShowsTheStarterFile()
    {
        using var parley = new ParleyProcess();

        var init = await parley.RunAsync(stdin: null, "config", "init");
        var r = await parley.RunAsync(stdin: null, "config", "show");

        Assert.Equal(0, init.ExitCode);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("\"local\"", r.Stdout);
        Assert.Contains("\"models\": {}", r.Stdout);
    }

    [Fact]
    public async Task ConfigShow_ModelsWithCommentsAndTrailingCommas_ShowsThemAndTheCatalogUsesThem()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), """
            {
              "models": {
                // a fine-tune
                "my-finetune": { "context_window": 64000, /* tokens */ "encoding": "o200k_base", },
              },
            }
            """);

        var show = await parley.RunAsync(stdin: null, "config", "show");
        var models = await parley.RunAsync(stdin: null, "models", "--json");

        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("\"context_window\": 64000", show.Stdout);
        Assert.True(models.ExitCode == 0, models.Stderr);
        Assert.Contains("my-finetune", models.Stdout);
    }

    [Fact]
    public async Task ConfigShow_LiteralKeyInWorldReadableFile_Warns()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        var file = Path.Combine(parley.ParleyHome, "config.json");
        await File.WriteAllTextAsync(file, """{"providers":{"x":{"kind":"openai-compatible","base_url":"http://h/v1","api_key":"literal-secret-key-999"}}}""");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var r = await parley.RunAsync(stdin: null, "config", "show");

        Assert.Contains("readable by other users", r.Stderr);
        Assert.DoesNotContain("literal-secret-key-999", r.Stdout + r.Stderr);
    }

    [Fact]
    public async Task ConfigShow_BrokenConfig_Exit2WithLine()
    {
        using var parley = new ParleyProcess();
        Directory.CreateDirectory(parley.ParleyHome);
        await File.WriteAllTextAsync(Path.Combine(parley.ParleyHome, "config.json"), "{\n \"default_model\": ,\n}");

        var r = await parley.RunAsync(stdin: null, "config", "show");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 2", r.Stderr);
    }
}
