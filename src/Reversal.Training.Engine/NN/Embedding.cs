using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>A token embedding table <c>[V, D]</c> (parameter name <c>weight</c>).</summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table with entries drawn from Normal(0, <paramref name="initStd"/>²), or zeros when <paramref name="random"/> is null.</summary>
    public Embedding(int vocabSize, int dim, SeededRandom? random, float initStd = 0.02f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        Weight = RegisterParameter("weight", random is null ? Parameter.ZeroFilled(vocabSize, dim) : new Parameter(Tensor.Normal(random, 0f, initStd, vocabSize, dim)));
    }

    /// <summary>The table <c>[V, D]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>Looks up <paramref name="ids"/> (shape <paramref name="idsShape"/>) → <c>[..idsShape, D]</c>.</summary>
    public Tensor Forward(ReadOnlySpan<int> ids, params int[] idsShape) => Functional.Embedding(Weight, ids, idsShape);
}
