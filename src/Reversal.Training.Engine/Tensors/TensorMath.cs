using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Reversal.Training.Engine.Tensors;

/// <summary>Small vectorised span helpers shared by the operations (thin wrappers over <see cref="TensorPrimitives"/>).</summary>
internal static class TensorMath
{
    /// <summary><c>destination[i] += source[i]</c>.</summary>
    public static void AddInto(Span<float> destination, ReadOnlySpan<float> source) =>
        TensorPrimitives.Add(destination, source, destination);

    /// <summary><c>destination[i] += scale * source[i]</c>.</summary>
    public static void AddScaledInto(Span<float> destination, ReadOnlySpan<float> source, float scale) =>
        TensorPrimitives.MultiplyAdd(source, scale, destination, destination);
}
