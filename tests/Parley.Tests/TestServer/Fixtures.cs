namespace Parley.Tests.TestServer;

/// <summary>Finds the recorded fixtures (<c>shared/fixtures</c> beside the repository, or <c>PARLEY_FIXTURES</c>).</summary>
internal static class Fixtures
{
    public static string Root { get; } = Locate();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PARLEY_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
            return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (File.Exists(System.IO.Path.Combine(candidate, "INDEX.md")))
                return candidate;
        }
        throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory + "; set PARLEY_FIXTURES.");
    }
}
