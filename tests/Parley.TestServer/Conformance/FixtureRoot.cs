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
/// checkout). Null when none exists (a fresh clone with nothing beside it, or <c>PARLEY_FIXTURES</c> naming a missing
/// folder): the tests that replay fixtures then report themselves skipped with <see cref="SkipReason"/>, or fail when
/// <c>PARLEY_REQUIRE_FIXTURES=1</c> (CI sets it).
/// </remarks>
public static class FixtureRoot
{
    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>The fixture folder, or null when this machine has none.</summary>
    public static string? Path => Located.Value;

    /// <summary>The variable that turns a missing fixture folder from a skip into a failure.</summary>
    public const string RequireVariable = "PARLEY_REQUIRE_FIXTURES";

    /// <summary>
    /// Why a fixture test has nothing to check (null when the fixtures are here). Throws when they are missing and
    /// <c>PARLEY_REQUIRE_FIXTURES=1</c>, so that the test fails instead of being skipped.
    /// </summary>
    public static string? SkipReason => SkipReasonFor(
        Path,
        Environment.GetEnvironmentVariable("PARLEY_FIXTURES"),
        Environment.GetEnvironmentVariable(RequireVariable),
        RepositoryRoot ?? AppContext.BaseDirectory);

    /// <summary>
    /// <see cref="SkipReason"/> for a given state: null when <paramref name="found"/> is set; otherwise the reason, or
    /// an <see cref="InvalidOperationException"/> when <paramref name="require"/> is <c>1</c>.
    /// </summary>
    public static string? SkipReasonFor(string? found, string? fixturesVariable, string? require, string searchedFrom)
    {
        if (found is not null)
        {
            return null;
        }

        var reason = string.IsNullOrEmpty(fixturesVariable)
            ? $"no shared/fixtures folder above {searchedFrom} (set PARLEY_FIXTURES to the recorded traffic)"
            : $"PARLEY_FIXTURES={fixturesVariable} does not exist";
        if (require == "1")
        {
            throw new InvalidOperationException($"{reason}, and {RequireVariable}=1 requires the fixtures");
        }

        return reason;
    }

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
