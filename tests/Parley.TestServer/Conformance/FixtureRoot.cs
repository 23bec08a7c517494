// Read recorded traffic from shared/fixtures for both conformance suites (library and CLI).
// are the same file apart from the namespace (the test projects share no source; SharedSourceTests checks the copies).

namespace Parley.TestServer.Conformance;

/// <summary>
/// Finds the recorded traffic in <c>../shared/fixtures</c> beside the repository (the folder holding
/// <c>Parley.sln</c>). The fixtures are read in place, never copied into the project.
/// </summary>
/// <remarks>
/// Search order: <c>PARLEY_FIXTURES</c>; <c>&lt;repo&gt;/../shared/fixtures</c>; then <c>shared/fixtures</c> beside each
/// folder above the repository (a git worktree such as <c>/work/wt/NAME</c> sits one level deeper than the main
/// checkout). Null when none exists: the conformance tests then have nothing to check and return early.
/// </remarks>
public static class FixtureRoot
{
    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>The fixture folder, or null when this machine has none.</summary>
    public static string? Path => Located.Value;

    /// <summary>The repository root (the folder with <c>Parley.sln</c>), or null.</summary>
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PARLEY_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment) ? System.IO.Path.GetFullPath(fromEnvironment) : null;
        }

        if (RepositoryRoot is null)
        {
            return null;
        }

        for (var dir = Directory.GetParent(RepositoryRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Parley.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
