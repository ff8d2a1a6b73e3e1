using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>Deterministic test inputs (System.Random with a fixed seed, Box-Muller normals) and float/double conversions.</summary>
public static class TestData
{
    /// <summary>A leaf tensor of normal samples that requires grad.</summary>
    public static Tensor Leaf(int seed, params int[] shape) =>
        Tensor.FromArray(Samples.Normal(seed, Size(shape)), shape).RequireGrad();

    /// <summary>A tensor of normal samples that does not require grad.</summary>
    public static Tensor Constant(int seed, params int[] shape) => Tensor.FromArray(Samples.Normal(seed, Size(shape)), shape);

    /// <summary>Number of elements of a shape.</summary>
    public static int Size(IReadOnlyList<int> shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>Widens float32 values to float64 (exactly).</summary>
    public static double[] ToDouble(ReadOnlySpan<float> x)
    {
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = x[i];
        return result;
    }

    /// <summary>Bit patterns of the elements (for bit-identity assertions that also distinguish −0 and NaN payloads).</summary>
    public static int[] Bits(ReadOnlySpan<float> x)
    {
        var result = new int[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = BitConverter.SingleToInt32Bits(x[i]);
        return result;
    }
}
