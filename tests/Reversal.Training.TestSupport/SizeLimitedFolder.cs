using System.Diagnostics;
using System.Globalization;

namespace Reversal.Training.TestSupport;

/// <summary>
/// A real, small file system for disk-full tests: a tmpfs of a given size mounted on a fresh folder (Linux, with the
/// right to mount, as in CI's container), unmounted and deleted on dispose. <c>REVERSAL_TESTS_NO_MOUNT=1</c> makes
/// every mount "impossible", to exercise the tests' fault-injecting fallback.
/// </summary>
public sealed class SizeLimitedFolder : IDisposable
{
    private SizeLimitedFolder(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes, or returns null (with the reason) where mounting is impossible.</summary>
    public static SizeLimitedFolder? TryMount(long bytes, out string? whyNot)
    {
        whyNot = null;
        if (Environment.GetEnvironmentVariable("REVERSAL_TESTS_NO_MOUNT") == "1")
        {
            whyNot = "REVERSAL_TESTS_NO_MOUNT=1 (exercising the fault-injecting path)";
            return null;
        }
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "tmpfs mounts need Linux";
            return null;
        }
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reversal-full-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (exit, output) = Run("mount", "-t", "tmpfs", "-o", "size=" + bytes.ToString(CultureInfo.InvariantCulture), "tmpfs", path);
        if (exit == 0) return new SizeLimitedFolder(path);
        Directory.Delete(path);
        whyNot = $"mount -t tmpfs failed (exit {exit}): {output.Trim()}";
        return null;
    }

    /// <summary>Fills the file system to within <paramref name="leaveBytes"/> of full with a filler file.</summary>
    public void Fill(long leaveBytes = 0)
    {
        long free = new DriveInfo(Path).AvailableFreeSpace;
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew);
        var block = new byte[4096];
        for (long left = free - leaveBytes; left > 0; left -= block.Length)
        {
            try
            {
                filler.Write(block, 0, (int)Math.Min(block.Length, left));
                filler.Flush();
            }
            catch (IOException)
            {
                return; // full
            }
        }
    }

    /// <summary>Unmounts (lazily, so open handles cannot keep it) and deletes the mount point.</summary>
    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Exit, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
