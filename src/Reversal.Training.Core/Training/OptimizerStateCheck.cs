using Reversal.Training.Serialization;

namespace Reversal.Training;

/// <summary>The strict rule every engine applies to AdamW state read from a checkpoint.</summary>
internal static class OptimizerStateCheck
{
    /// <summary>The buffers AdamW keeps per parameter, as PyTorch names them.</summary>
    public static readonly string[] BufferNames = ["exp_avg", "exp_avg_sq"];

    /// <summary>
    /// Checks that <paramref name="state"/> holds exactly <c>exp_avg/&lt;name&gt;</c> and <c>exp_avg_sq/&lt;name&gt;</c> for
    /// every parameter, each shaped like it, every value finite and every second moment non-negative.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem, naming the buffer and the element.</exception>
    public static void Validate(IReadOnlyDictionary<string, TensorData> state, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<int>> shapes)
    {
        if (FirstProblem(state, names, shapes) is (string key, string problem))
            throw new ArgumentException($"AdamW state '{key}' {problem}", nameof(state));
    }

    /// <summary>The first buffer that breaks the rule of <see cref="Validate"/> and what is wrong with it, or null.</summary>
    public static (string Key, string Problem)? FirstProblem(IReadOnlyDictionary<string, TensorData> state, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<int>> shapes)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            foreach (string buffer in BufferNames)
            {
                string key = buffer + "/" + names[i];
                expected.Add(key);
                if (!state.TryGetValue(key, out var tensor) || tensor is null)
                    return (key, "is missing.");
                if (!tensor.Shape.SequenceEqual(shapes[i]))
                    return (key, $"has shape {TensorData.FormatShape(tensor.Shape)}; the parameter has {TensorData.FormatShape(shapes[i])}.");
                if (tensor.FirstNonFinite() is (int index, float value))
                    return (key, $"holds {value} at element {index}; optimizer moments must be finite.");
                if (buffer == "exp_avg_sq")
                {
                    var values = tensor.Values;
                    for (int j = 0; j < values.Length; j++)
                        if (values[j] < 0) return (key, $"holds {values[j]} at element {j}; second moments cannot be negative.");
                }
            }
        foreach (string key in state.Keys)
            if (!expected.Contains(key)) return (key, "does not belong to any parameter of the model.");
        return null;
    }
}
