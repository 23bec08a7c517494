namespace Parley.Tests;

/// <summary>The repository's root folder (the one with Parley.sln), found from the test binaries upwards.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Parley.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Parley.sln above {AppContext.BaseDirectory}");
    }
}
