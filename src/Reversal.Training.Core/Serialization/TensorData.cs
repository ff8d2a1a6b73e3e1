namespace Reversal.Training.Serialization;

/// <summary>
/// A float32 tensor as plain data: a shape and its row-major values. This is the engine-neutral form in which weights,
/// gradients-free state and optimizer moments cross between an engine (ours or TorchSharp) and the files of a
/// checkpoint; neither engine's tensor type appears in the files' API.
/// </summary>
public sealed class TensorData
{
    /// <summary>Wraps <paramref name="values"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <param name="values">Row-major values; the length must equal the product of the dimensions.</param>
    /// <param name="shape">Dimensions (each ≥ 0; an empty shape is a scalar holding one value).</param>
    /// <exception cref="ArgumentException">A dimension is negative or the value count differs from the shape's product.</exception>
    public TensorData(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException($"Shape {FormatShape(shape)} holds {count} values but {values.Length} were given.", nameof(values));
        Values = values;
        Shape = (int[])shape.Clone();
    }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The row-major values.</summary>
    public float[] Values { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>True when both have the same dimensions.</summary>
    public bool SameShape(TensorData other) => other is not null && Shape.SequenceEqual(other.Shape);

    /// <summary>The index and value of the first NaN or infinity, or null when every value is finite.</summary>
    public (int Index, float Value)? FirstNonFinite()
    {
        var values = Values;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return (i, values[i]);
        return null;
    }

    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <inheritdoc />
    public override string ToString() => $"TensorData{FormatShape(Shape)}";
}
