namespace Reversal.Training.Serialization;

/// <summary>
/// The weight files of a checkpoint folder, opened with their headers validated and their data not yet read (see
/// <see cref="SafeTensorsCheckpoint.Open"/>), so that names, dtypes and shapes can be checked before any tensor is
/// allocated. Dispose to unmap the files.
/// </summary>
internal sealed class CheckpointWeightFiles : IDisposable
{
    private readonly IReadOnlyList<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _fileOf;

    /// <summary>Takes ownership of <paramref name="files"/>; <paramref name="fileOf"/> maps every tensor to the file holding it.</summary>
    public CheckpointWeightFiles(IReadOnlyList<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> fileOf)
    {
        _files = files;
        _fileOf = fileOf;
        Tensors = fileOf.ToDictionary(pair => pair.Key, pair => pair.Value.GetInfo(pair.Key), StringComparer.Ordinal);
    }

    /// <summary>Every tensor's header entry, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>Bytes of tensor data over all files.</summary>
    public long DataBytes => _files.Sum(file => file.DataLength);

    /// <summary>Reads tensor <paramref name="name"/> as float32 (see <see cref="SafeTensorsFile.ReadTensor"/>).</summary>
    /// <exception cref="KeyNotFoundException">No file holds the tensor.</exception>
    /// <exception cref="NotSupportedException">The dtype is not F32, F16 or BF16.</exception>
    public TensorData Read(string name) =>
        _fileOf.TryGetValue(name, out var file) ? file.ReadTensor(name) : throw new KeyNotFoundException($"No weights file holds tensor '{name}'.");

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
