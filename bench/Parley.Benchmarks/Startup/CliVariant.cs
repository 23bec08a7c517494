namespace Parley.Benchmarks;

/// <summary>One build of <c>parley</c> to start: its name, its executable and how it was made.</summary>
internal sealed record CliVariant(string Name, string Executable, string How)
{
    /// <summary>Parses <c>NAME|EXECUTABLE|HOW</c>.</summary>
    public static CliVariant Parse(string text)
    {
        var parts = text.Split('|', 3);
        if (parts.Length != 3)
        {
            throw new ArgumentException($"--variant expects NAME|EXECUTABLE|HOW, got '{text}'");
        }

        return new CliVariant(parts[0], Path.GetFullPath(parts[1]), parts[2]);
    }

    /// <summary>The size on disk of the folder the executable ships in (MB).</summary>
    public double FolderMegabytes =>
        new DirectoryInfo(Path.GetDirectoryName(Executable)!).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !f.Name.EndsWith(".dbg", StringComparison.Ordinal) && !f.Name.EndsWith(".pdb", StringComparison.Ordinal) && !f.Name.EndsWith(".xml", StringComparison.Ordinal))
            .Sum(f => f.Length) / 1e6;
}
