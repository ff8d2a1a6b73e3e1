using System.Globalization;

namespace Reversal.Training.Serialization;

/// <summary>
/// A checkpoint could not be saved because its volume has too little free space: found before anything was written
/// (the free space is below <see cref="BytesNeeded"/>) or when the disk filled during the write. Either way nothing in
/// <see cref="Directory"/> was changed: the previous checkpoint, if any, is intact and the partly written files were
/// removed. Free space (or save elsewhere) and save again; a trainer that was saving can continue or stop.
/// </summary>
public sealed class InsufficientDiskSpaceException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="directory">The checkpoint folder that was being written.</param>
    /// <param name="bytesNeeded">Bytes the checkpoint's files take.</param>
    /// <param name="bytesAvailable">Free bytes on the folder's volume when the problem was found (null when unknown).</param>
    /// <param name="inner">The operating system's error, when the disk filled during the write.</param>
    public InsufficientDiskSpaceException(string directory, long bytesNeeded, long? bytesAvailable, Exception? inner = null)
        : base(Describe(directory, bytesNeeded, bytesAvailable, inner), inner)
    {
        Directory = directory;
        BytesNeeded = bytesNeeded;
        BytesAvailable = bytesAvailable;
    }

    /// <summary>The checkpoint folder that was being written.</summary>
    public string Directory { get; }

    /// <summary>Bytes the checkpoint's files take.</summary>
    public long BytesNeeded { get; }

    /// <summary>Free bytes on the volume when the problem was found, or null when the volume could not be asked.</summary>
    public long? BytesAvailable { get; }

    private static string Describe(string directory, long needed, long? available, Exception? inner)
    {
        string cause = inner is null ? "not enough free space" : "the disk filled while writing it";
        string free = available is long bytes ? string.Create(CultureInfo.InvariantCulture, $" and {bytes:N0} bytes are free on that volume") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Cannot save the checkpoint into '{directory}': {cause}. It needs {needed:N0} bytes{free}. Nothing in the folder was changed (the previous checkpoint is intact, partial files were removed); free space or save elsewhere, then save again.");
    }
}
