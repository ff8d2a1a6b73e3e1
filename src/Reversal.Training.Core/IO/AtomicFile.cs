namespace Reversal.Training.IO;

/// <summary>
/// Writes files so that a reader (or a crash) never observes a half-written file: the content goes to a
/// temporary file in the same folder, is flushed to disk, and then replaces the target in one rename.
/// </summary>
/// <remarks>
/// The rename is atomic on the same volume (POSIX <c>rename</c>, Windows <c>MoveFileEx</c> with replace). If the
/// writer throws, the temporary file is deleted and the previous target, if any, is left untouched. A read-only
/// target is refused up front on every platform (POSIX would otherwise let the rename replace it).
/// </remarks>
public static class AtomicFile
{
    /// <summary>Size of the buffer of the temporary file's stream.</summary>
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Replaces (or creates) <paramref name="path"/> with what <paramref name="writeContent"/> writes to the stream
    /// it is given. Missing parent folders are created.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="writeContent">Writes the complete content; must not close the stream it is given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or not a valid path.</exception>
    /// <exception cref="UnauthorizedAccessException">The target exists and is read-only, or the folder is not writable.</exception>
    /// <exception cref="IOException">The target is a folder, or the write or the rename failed.</exception>
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(writeContent);

        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new IOException($"Cannot write '{path}': it is a folder.");
        if (File.Exists(fullPath) && (File.GetAttributes(fullPath) & FileAttributes.ReadOnly) != 0)
            throw new UnauthorizedAccessException($"Cannot write '{path}': the existing file is read-only.");

        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        Directory.CreateDirectory(directory);

        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="text"/> in UTF-8 without a byte-order mark.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or not a valid path.</exception>
    /// <exception cref="UnauthorizedAccessException">The target exists and is read-only, or the folder is not writable.</exception>
    /// <exception cref="IOException">The target is a folder, or the write or the rename failed.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream =>
        {
            var bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            stream.Write(bytes);
        });
    }
}
