using NUnit.Framework;

namespace Reversal.TestSupport;

/// <summary>
/// Locates the shared data folder (<c>../shared/data</c> next to the repository) used by the real-data tests.
/// Walks up from the test binaries to the folder holding <c>Reversal.Training.sln</c> and looks at its parent's
/// <c>shared/data</c>. Every lookup returns null when the data is absent, so callers can Assert.Ignore.
/// </summary>
public static class SharedData
{
    private const string SolutionFile = "Reversal.Training.sln";

    /// <summary>The <c>shared/data</c> folder, or null when it (or the repository root) cannot be found.</summary>
    public static string? Root()
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, SolutionFile))) continue;
            string? parent = dir.Parent?.FullName;
            if (parent is null) return null;
            string data = Path.Combine(parent, "shared", "data");
            return Directory.Exists(data) ? data : null;
        }
        return null;
    }

    /// <summary>A path under <c>shared/data</c> (e.g. <c>reversal_curse/data/...</c>) when that file or folder
    /// exists, otherwise null.</summary>
    public static string? Find(string relativePath)
    {
        string? root = Root();
        if (root is null) return null;
        string path = Path.Combine(root, relativePath);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>The Berglund reversal-curse folder <c>reversal_curse/data/reverse_experiments/june_version_7921032488</c>,
    /// or null when absent.</summary>
    public static string? BerglundDirectory()
        => Find(Path.Combine("reversal_curse", "data", "reverse_experiments", "june_version_7921032488"));
}
