using System.Text.RegularExpressions;

namespace Parley.Cli;

/// <summary>
/// A native library that ships beside parley (<c>libe_sqlite3.so</c>, SkiaSharp's) could not be loaded: the build was
/// copied without the files published with it. Reported as one line that says what to keep together.
/// </summary>
internal static partial class MissingNativeLibrary
{
    /// <summary>The <see cref="DllNotFoundException"/> inside <paramref name="error"/> (type initializers wrap it), or null.</summary>
    public static DllNotFoundException? Find(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException missing)
            {
                return missing;
            }
        }

        return null;
    }

    /// <summary>The one-line error for <paramref name="missing"/>.</summary>
    public static string Describe(DllNotFoundException missing)
    {
        var name = LibraryName().Match(missing.Message) is { Success: true } m ? m.Groups[1].Value : "?";
        return $"cannot load the native library '{name}': the files published with parley (lib*.so) must stay beside it in {Path.GetFullPath(AppContext.BaseDirectory)}";
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex LibraryName();
}
