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
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            foreach (float g in p.Grad.AsSpan()) sum += (double)g * g;
        }
        return Math.Sqrt(sum);
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
