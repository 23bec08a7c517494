namespace Parley.Cli.Tests;

/// <summary>The build copied without the native libraries published beside it (the install keeps them together).</summary>
public sealed class NativeLibraryMissingTests
{
    [Fact]
    public async Task History_SqliteLibraryNotBesideTheBuild_Exit1WithOneLineSayingWhatToKeepTogether()
    {
        using var parley = new ParleyProcess();
        var alone = Path.Combine(parley.Root, "alone");
        Directory.CreateDirectory(alone);
        var (program, prefix) = ParleyProcess.Command;
        if (prefix.Length == 0)
        {
            // The native build: the executable copied alone, without libe_sqlite3.so.
            var copy = Path.Combine(alone, Path.GetFileName(program));
            File.Copy(program, copy);
            parley.UsingCommand(copy);
        }
        else
        {
            // The managed build: its assemblies without the runtimes/ folder that holds libe_sqlite3.so.
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(prefix[0])!))
            {
                File.Copy(file, Path.Combine(alone, Path.GetFileName(file)));
            }

            parley.UsingCommand(program, Path.Combine(alone, Path.GetFileName(prefix[0])));
        }

        var r = await parley.RunAsync(stdin: null, "history");

        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot load the native library 'e_sqlite3':", line);
        Assert.Contains(Path.GetFullPath(alone), line);
        Assert.DoesNotContain("TypeInitializationException", r.Stderr);
    }
}
