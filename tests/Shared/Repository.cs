namespace ThreatExchange.Tests;

/// <summary>The clone the tests were built from, found by walking up to <c>Actors.sln</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Actors.sln above {AppContext.BaseDirectory}.");
    }
}
