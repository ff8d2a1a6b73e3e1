namespace Reversal.Training.TestSupport;

/// <summary>A fresh folder under the system temp folder, deleted (with its content) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder; with <paramref name="inMemory"/>, on <c>/dev/shm</c> when the machine has it (for
    /// tests that write thousands of small files, such as the fuzzers), else in the temp folder.</summary>
    public TempDirectory(bool inMemory = false)
    {
        string root = inMemory && Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, "reversal-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder and everything in it (best effort).</summary>
    public void Dispose()
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                System.IO.File.SetAttributes(file, FileAttributes.Normal);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
