namespace Parley.Hosting;

/// <summary>
/// The user's home folder and the one rule for a leading <c>~</c> in a path from the environment or <c>.env</c>:
/// <c>~</c> and <c>~/x</c> become the home folder (<c>HOME</c>, else <c>USERPROFILE</c>, else the OS's), as a shell
/// expands them. <c>~user</c> and a <c>~</c> anywhere else are left as they are (not supported).
/// </summary>
internal static class HomeDirectory
{
    /// <summary>The home folder as the given environment names it.</summary>
    public static string Of(Func<string, string?> getVariable) =>
        NonEmpty(getVariable("HOME"))
        ?? NonEmpty(getVariable("USERPROFILE"))
        ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Expands a leading <c>~</c> or <c>~/</c> in <paramref name="path"/>.</summary>
    public static string Expand(string path, Func<string, string?> getVariable)
    {
        if (path == "~")
        {
            return Of(getVariable);
        }

        return path.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && path.StartsWith("~\\", StringComparison.Ordinal))
            ? Path.Combine(Of(getVariable), path[2..])
            : path;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
