using NUnit.Framework;

namespace Reversal.Training.TestSupport;

/// <summary>
/// The repository's root folder, found by walking up from the test binaries to the folder holding
/// <c>Reversal.Training.slnx</c>. The one place tests locate committed fixtures, sibling build outputs and the shared
/// data folder from.
/// </summary>
public static class RepositoryRoot
{
    /// <summary>The solution file that marks the root.</summary>
    public const string SolutionFile = "Reversal.Training.slnx";

    /// <summary>The root folder, or null when the tests run outside a checkout.</summary>
    public static string? TryFind()
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The root folder; fails the test when it cannot be found.</summary>
    public static string Find()
    {
        string? root = TryFind();
        if (root is null) Assert.Fail($"No {SolutionFile} above {TestContext.CurrentContext.TestDirectory}: not running inside the repository.");
        return root!;
    }

    /// <summary>A committed folder under the root (e.g. <c>tests/X.Tests/Fixtures</c>); fails the test when it is missing.</summary>
    public static string Folder(params string[] relative)
    {
        string path = Path.Combine([Find(), .. relative]);
        Assert.That(Directory.Exists(path), Is.True, $"folder {path}");
        return path;
    }

    /// <summary>
    /// The built program of a sibling project (e.g. <c>samples/Reversal.Demo</c> →
    /// <c>samples/Reversal.Demo/bin/{configuration}/net10.0/Reversal.Demo.dll</c>), in the configuration these tests were
    /// built in; fails the test when it was not built.
    /// </summary>
    public static string BuiltProgram(string project)
    {
        string testDirectory = TestContext.CurrentContext.TestDirectory;               // .../tests/X.Tests/bin/{Configuration}/net10.0
        string configuration = Directory.GetParent(testDirectory)!.Parent!.Name == "bin" ? Directory.GetParent(testDirectory)!.Name : "Debug";
        string dll = Path.Combine(Find(), project, "bin", configuration, "net10.0", Path.GetFileName(project) + ".dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} was not built");
        return dll;
    }
}
