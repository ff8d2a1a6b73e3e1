using System.Text;

namespace Reversal.Evaluation.IO;

/// <summary>
/// Replaces a text file so that a reader (or a crash) never sees it half-written: the text goes to a temporary file
/// in the same folder, is flushed to disk, and then replaces the target in one rename.
/// </summary>
internal static class AtomicTextFile
{
    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>, replacing it atomically.</summary>
    /// <exception cref="IOException">The write or the rename failed; the previous file, if any, is left intact.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void Write(string path, string text)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        Directory.CreateDirectory(directory);
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(tempPath);
            }
            catch (IOException)
            {
                // Best effort: the original exception is what the caller needs.
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }
}
