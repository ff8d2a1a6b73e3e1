namespace Reversal.Training.TestSupport;

/// <summary>
/// Locates the shared data folder (<c>../shared/data</c> next to the repository) used by the real-data tests.
/// Looks at the <see cref="RepositoryRoot"/>'s parent's <c>shared/data</c>. Every lookup returns null when the data is absent, so callers can Assert.Ignore.
/// </summary>
public static class SharedData
{
    /// <summary>The <c>shared/data</c> folder, or null when it (or the repository root) cannot be found.</summary>
    public static string? Root()
    {
        string? root = RepositoryRoot.TryFind();
        string? parent = root is null ? null : Directory.GetParent(root)?.FullName;
        if (parent is null) return null;
        string data = Path.Combine(parent, "shared", "data");
        return Directory.Exists(data) ? data : null;
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
