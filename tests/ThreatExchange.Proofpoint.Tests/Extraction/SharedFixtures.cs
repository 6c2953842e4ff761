namespace ThreatExchange.Proofpoint.Tests.Extraction;

/// <summary>
/// The public Proofpoint samples in <c>../shared/fixtures/proofpoint/</c> beside the repository. They are not
/// ours to commit, so tests read them in place and fail loudly when the folder is missing.
/// </summary>
public static class SharedFixtures
{
    public static string ProofpointFolder
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (!File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
                    continue;
                var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "proofpoint"));
                return Directory.Exists(folder)
                    ? folder
                    : throw new DirectoryNotFoundException($"The shared Proofpoint fixtures are missing: expected the folder {folder}.");
            }
            throw new DirectoryNotFoundException("Cannot find the repository root (Actors.sln) above " + AppContext.BaseDirectory);
        }
    }

    public static IEnumerable<string> AllFiles() =>
        Directory.EnumerateFiles(ProofpointFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string PathOf(string relative) => Path.Combine(ProofpointFolder, relative);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var file in AllFiles())
            data.Add(Path.GetRelativePath(ProofpointFolder, file));
        return data;
    }
}
