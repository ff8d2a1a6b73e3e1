namespace Reversal.Training.Serialization;

/// <summary>
/// Writes a set of files into a folder so that a failure part-way never damages what the folder held before.
/// </summary>
/// <remarks>
/// <para>The one mechanism behind every checkpoint folder the library writes (a Hugging Face model folder, a training
/// checkpoint holding one). Every file is first written completely into a hidden staging folder inside the target
/// folder (<c>.checkpoint-staging-{guid}</c>, same volume, so moves are renames) and flushed to disk. Only when all
/// files are staged does <see cref="Commit"/> check that every target can be replaced (not a folder, not read-only),
/// remove the previous <i>completion marker</i> (the file staged last, e.g. <c>config.json</c> or
/// <c>trainer_state.json</c>, whose presence readers take to mean "complete"), rename the staged files over the
/// targets one by one (each rename atomic, the marker last), and finally delete stale files of the previous
/// checkpoint. Any exception before the renames — the whole time data is being produced — leaves the folder exactly
/// as it was; <see cref="Dispose"/> removes the staging folder, and the target folder too when this save created it
/// and it is still empty.</para>
/// <para>A process killed during the few renames of the commit leaves a folder without its marker, which readers
/// refuse, never a mix of two checkpoints that looks complete. A process killed while staging leaves a staging
/// folder, which readers ignore and the next save into the folder deletes. Concurrent saves into one folder are not
/// supported.</para>
/// </remarks>
internal sealed class CheckpointStaging : IDisposable
{
    private const string StagingPrefix = ".checkpoint-staging-";
    private readonly List<string> _staged = [];
    private bool _committed;

    private readonly bool _createdDirectory;

    private CheckpointStaging(string directory, string stagingDirectory, bool createdDirectory, long expectedBytes)
    {
        Directory = directory;
        StagingDirectory = stagingDirectory;
        _createdDirectory = createdDirectory;
        ExpectedBytes = expectedBytes;
    }

    /// <summary>Bytes the save is expected to write, as <see cref="Begin"/> was told (0: unknown).</summary>
    public long ExpectedBytes { get; }

    /// <summary>The target folder.</summary>
    public string Directory { get; }

    /// <summary>The hidden folder the files are staged in.</summary>
    public string StagingDirectory { get; }

    /// <summary>
    /// Creates the target folder if needed, removes staging folders left by killed saves, checks that the volume has
    /// room for <paramref name="expectedBytes"/>, and creates a fresh staging folder.
    /// </summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="expectedBytes">Bytes the files to be staged take (0: unknown, no up-front check).</param>
    /// <exception cref="InsufficientDiskSpaceException">The volume's free space is below <paramref name="expectedBytes"/> (nothing was written).</exception>
    public static CheckpointStaging Begin(string directory, long expectedBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedBytes);
        string full = Path.GetFullPath(directory);
        if (File.Exists(full)) throw new IOException($"Cannot save a checkpoint into '{directory}': it is a file.");
        bool created = !System.IO.Directory.Exists(full);
        System.IO.Directory.CreateDirectory(full);
        foreach (string leftover in System.IO.Directory.EnumerateDirectories(full, StagingPrefix + "*"))
            TryDeleteDirectory(leftover);
        if (expectedBytes > 0 && DiskSpace.FreeBytes(full) is long free && free < expectedBytes)
        {
            if (created) TryDeleteDirectory(full);
            throw new InsufficientDiskSpaceException(full, expectedBytes, free);
        }
        string staging = Path.Combine(full, StagingPrefix + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(staging);
        return new CheckpointStaging(full, staging, created, expectedBytes);
    }

    private long StagedBytes() => _staged.Sum(name => new FileInfo(Path.Combine(StagingDirectory, name)).Length);

    /// <summary>True for folder names this class stages into (readers skip them).</summary>
    public static bool IsStagingDirectoryName(string name) => name.StartsWith(StagingPrefix, StringComparison.Ordinal);

    /// <summary>Writes <paramref name="fileName"/> in the staging folder and flushes it to disk.</summary>
    /// <param name="fileName">Plain file name, as it will be called in the target folder.</param>
    /// <param name="writeContent">Writes the complete content; must not close the stream.</param>
    /// <param name="interceptor">Optional wrapper of the stream (test seam).</param>
    public void StageFile(string fileName, Action<Stream> writeContent, Func<string, Stream, Stream>? interceptor = null)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        string path = Path.Combine(StagingDirectory, fileName);
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
            writeContent(interceptor is null ? stream : interceptor(fileName, stream));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException e) when (DiskSpace.IsDiskFull(e))
        {
            long staged = StagedBytes() + (File.Exists(path) ? new FileInfo(path).Length : 0);
            throw new InsufficientDiskSpaceException(Directory, Math.Max(ExpectedBytes, staged), DiskSpace.FreeBytes(Directory), e);
        }
        _staged.Add(fileName);
    }

    /// <summary>
    /// Moves the staged files into the target folder in staging order, the last staged file (the completion marker)
    /// last and only after its previous version was removed; then deletes every other file for which
    /// <paramref name="isStale"/> holds.
    /// </summary>
    /// <exception cref="IOException">A target is a folder, or a rename failed.</exception>
    /// <exception cref="UnauthorizedAccessException">A target exists and is read-only.</exception>
    public void Commit(Func<string, bool> isStale)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        foreach (string name in _staged)
        {
            string target = Path.Combine(Directory, name);
            if (System.IO.Directory.Exists(target))
                throw new IOException($"Cannot save '{target}': a folder of that name is in the way.");
            if (File.Exists(target) && (File.GetAttributes(target) & FileAttributes.ReadOnly) != 0)
                throw new UnauthorizedAccessException($"Cannot save '{target}': the existing file is read-only.");
        }
        if (_staged.Count > 0) File.Delete(Path.Combine(Directory, _staged[^1])); // from here on the folder reads as incomplete
        foreach (string name in _staged)
            File.Move(Path.Combine(StagingDirectory, name), Path.Combine(Directory, name), overwrite: true);
        _committed = true;

        var fresh = new HashSet<string>(_staged, StringComparer.Ordinal);
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(file);
            if (!fresh.Contains(name) && isStale(name)) File.Delete(file);
        }
        TryDeleteDirectory(StagingDirectory);
    }

    /// <summary>
    /// Deletes the staging folder and anything still in it (a no-op after a successful commit), and the target folder
    /// when this save created it and nothing else was put there.
    /// </summary>
    public void Dispose()
    {
        TryDeleteDirectory(StagingDirectory);
        if (_createdDirectory && !_committed)
        {
            try
            {
                if (System.IO.Directory.Exists(Directory) && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
                    System.IO.Directory.Delete(Directory);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Deletes a folder and its content, best effort (failures are swallowed).</summary>
    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the original exception (if any) is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
