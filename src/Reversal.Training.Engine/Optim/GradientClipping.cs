using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.NN;

namespace Reversal.Training.Engine.Optim;

/// <summary>Global gradient-norm clipping (PyTorch's <c>clip_grad_norm_</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the L2 norm of all gradients together, <c>‖g‖ = √Σ g²</c> (in float64, fixed order), and when it exceeds
    /// <paramref name="maxNorm"/> scales every gradient by <c>maxNorm / (‖g‖ + 1e−6)</c>.
    /// </summary>
    /// <returns>The norm before clipping.</returns>
    /// <exception cref="NonFiniteGradientException">The norm is NaN or infinite (gradients are left untouched).</exception>
    public static double ClipGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive.");
        var list = parameters.Where(p => p.Grad is not null).ToArray();
        double norm = GlobalNorm(list);
        if (!double.IsFinite(norm)) throw new NonFiniteGradientException(norm);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var p in list) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad!.AsSpan(), scale, p.Grad.AsSpan());
        }
        return norm;
    }

    /// <summary>The global L2 norm of the gradients of <paramref name="parameters"/> (float64 accumulation).</summary>
    public static double GlobalNorm(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // Fixed blocks of every gradient, squared and summed in double in parallel, then the block sums in order: the
        // same bits at any thread count.
        var gradients = parameters.Where(p => p.Grad is not null).Select(p => p.Grad!).ToArray();
        var blocks = ElementBlocks.Of(gradients.Select(g => g.Count).ToArray());
        var sums = new double[blocks.Count];
        Compute.For(blocks.Count, k =>
        {
            var (item, start, length) = blocks[k];
            sums[k] = SumOfSquares(gradients[item].AsSpan().Slice(start, length));
        });
        double sum = 0;
        foreach (double blockSum in sums) sum += blockSum;
        return Math.Sqrt(sum);
    }

    /// <summary>Σ g² in double: float lanes widened to double and accumulated per lane, then a scalar tail.</summary>
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        int i = 0;
        var lanes = System.Numerics.Vector<double>.Zero;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int width = System.Numerics.Vector<float>.Count;
            for (; i <= values.Length - width; i += width)
            {
                System.Numerics.Vector.Widen(new System.Numerics.Vector<float>(values.Slice(i)), out var low, out var high);
                lanes += low * low + high * high;
            }
        }
        double sum = System.Numerics.Vector.Sum(lanes);
        for (; i < values.Length; i++) sum += (double)values[i] * values[i];
        return sum;
    }
}

/// <summary>Thrown when gradients contain NaN or infinity (a diverged step); the weights have not been updated.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for a gradient norm.</summary>
    public NonFiniteGradientException(double norm) : base($"The global gradient norm is {norm}: gradients contain NaN or infinity; the optimizer step was skipped.") => Norm = norm;

    /// <summary>The offending norm.</summary>
    public double Norm { get; }
}
