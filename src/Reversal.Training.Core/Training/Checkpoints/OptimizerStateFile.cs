using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Checkpoints;

/// <summary>
/// <c>optimizer.safetensors</c> of a training checkpoint: the AdamW moments <c>exp_avg/&lt;parameter&gt;</c> and
/// <c>exp_avg_sq/&lt;parameter&gt;</c> of every trainable parameter, read only after the file's header matches the model.
/// </summary>
internal static class OptimizerStateFile
{
    /// <summary>
    /// Reads the moments for <paramref name="trainable"/>: the header is checked first (every expected buffer present,
    /// shaped like its parameter, F32/F16/BF16, nothing else), so the data read is what the model needs and no more;
    /// then every value (finite, second moments non-negative).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is not valid SafeTensors.</exception>
    /// <exception cref="CheckpointFormatException">A buffer is missing, unexpected, mis-shaped, of another dtype, not
    /// finite or negative where it cannot be; the field is the buffer's name and the message names the element.</exception>
    public static Dictionary<string, TensorData> Read(string path, IReadOnlyList<ParameterInfo> trainable)
    {
        using var file = SafeTensorsFile.Open(path);
        var names = trainable.Select(parameter => parameter.Name).ToList();
        var shapes = trainable.Select(parameter => parameter.Shape).ToList();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            foreach (string buffer in OptimizerStateCheck.BufferNames)
            {
                string key = buffer + "/" + names[i];
                expected.Add(key);
                if (!file.Contains(key)) throw new CheckpointFormatException(path, key, "the buffer is missing.");
                var info = file.GetInfo(key);
                if (!info.Shape.SequenceEqual(shapes[i].Select(d => (long)d)))
                    throw new CheckpointFormatException(path, key, $"has shape [{string.Join(", ", info.Shape)}]; the parameter has {TensorData.FormatShape(shapes[i])}.");
                if (!info.Dtype.IsFloatingTensorType())
                    throw new CheckpointFormatException(path, key, $"has dtype {info.Dtype.GetHeaderName()}; optimizer moments must be F32, F16 or BF16.");
            }
        foreach (string name in file.Names)
            if (!expected.Contains(name)) throw new CheckpointFormatException(path, name, "the buffer does not belong to any trainable parameter of the model.");

        var state = file.ReadAll();
        if (OptimizerStateCheck.FirstProblem(state, names, shapes) is (string bad, string problem))
            throw new CheckpointFormatException(path, bad, problem);
        return state;
    }
}
