using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>RMS normalisation with a learned gain <c>weight [D]</c> initialised to ones.</summary>
public sealed class RmsNorm : Module
{
    /// <summary>Creates the layer.</summary>
    public RmsNorm(int dim, float eps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "RMSNorm epsilon must be positive.");
        Eps = eps;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Full(1f, dim)));
    }

    /// <summary>The epsilon added to the mean square.</summary>
    public float Eps { get; }

    /// <summary>The gain <c>[D]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary><c>[..., D]</c> → <c>[..., D]</c>.</summary>
    public Tensor Forward(Tensor x) => Functional.RmsNorm(x, Weight, Eps);
}
