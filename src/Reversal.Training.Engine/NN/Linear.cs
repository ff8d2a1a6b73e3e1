using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>A bias-free linear layer <c>y = x · Wᵀ</c> with <c>W [out, in]</c> (parameter name <c>weight</c>).</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with weights drawn from Normal(0, <paramref name="initStd"/>²), or zeros when <paramref name="random"/> is null.</summary>
    public Linear(int inFeatures, int outFeatures, SeededRandom? random, float initStd = 0.02f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures; OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", random is null ? Parameter.ZeroFilled(outFeatures, inFeatures) : new Parameter(Tensor.Normal(random, 0f, initStd, outFeatures, inFeatures)));
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight <c>[out, in]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The LoRA adapter attached by <c>LoraModel</c>, or null.</summary>
    public Lora.LoraAdapter? Adapter { get; internal set; }

    /// <summary><c>[..., in]</c> → <c>[..., out]</c>: <c>x Wᵀ</c>, plus the <see cref="Adapter"/>'s update when one is attached and not merged.</summary>
    public Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary><see cref="Forward(Tensor)"/> with the weight product served from <paramref name="packs"/> when given (inference).</summary>
    internal Tensor Forward(Tensor x, PackedWeights? packs)
    {
        var y = packs is null ? Functional.Linear(x, Weight) : packs.Linear(x, Weight);
        return Adapter is { IsMerged: false } adapter ? Functional.Add(y, adapter.Delta(x)) : y;
    }
}
