using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Randomness;

namespace Reversal.Training.Engine.Lora;

/// <summary>
/// The LoRA update of one linear layer <c>W [out, in]</c>: <c>A [r, in]</c>, <c>B [out, r]</c> and the scale
/// <c>s = alpha / r</c>, so that the layer computes <c>y = x Wᵀ + s · dropout(x) Aᵀ Bᵀ</c>.
/// </summary>
/// <remarks>
/// <para>Initialisation (PEFT's default): A Kaiming-uniform with <c>a = √5</c>, i.e. uniform in
/// <c>[−1/√in, 1/√in]</c>; B zero, so the update is zero and the adapted layer equals the base layer until B trains.</para>
/// <para>Dropout applies only in a training forward: when gradients are being recorded (<see cref="GradMode.IsEnabled"/>)
/// and A or B is trainable. Inference (<c>GradMode.NoGrad</c>, decoding, evaluation) uses the full input.</para>
/// <para>Gradients: <c>dA = s · Bᵀ dy x̃</c>, <c>dB = s · dy (x̃ Aᵀ)</c>, <c>dx += s · dy B A ⊙ mask</c> (x̃ the dropped
/// input), through the engine's Linear and Scale operations.</para>
/// </remarks>
public sealed class LoraAdapter
{
    private readonly Linear _target;
    private readonly SeededRandom _dropoutRandom;
    private float[]? _originalWeight;

    /// <summary>Creates the adapter of <paramref name="target"/> from its initial <paramref name="a"/> <c>[r, in]</c> and <paramref name="b"/> <c>[out, r]</c>.</summary>
    internal LoraAdapter(Linear target, double alpha, double dropout, Serialization.TensorData a, Serialization.TensorData b, SeededRandom dropoutRandom)
    {
        _target = target;
        Rank = a.Shape[0];
        Scale = (float)(alpha / Rank);
        DropoutProbability = dropout;
        A = new Parameter(Tensor.FromArray(a.Values, a.Shape.ToArray()));
        B = new Parameter(Tensor.FromArray(b.Values, b.Shape.ToArray()));
        _dropoutRandom = dropoutRandom;
    }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>The scale <c>alpha / r</c>.</summary>
    public float Scale { get; }

    /// <summary>The dropout probability on the adapter's input.</summary>
    public double DropoutProbability { get; }

    /// <summary>The down-projection <c>A [r, in]</c>.</summary>
    public Parameter A { get; }

    /// <summary>The up-projection <c>B [out, r]</c>.</summary>
    public Parameter B { get; }

    /// <summary>True while the update is merged into the layer's weight (the adapter is then bypassed).</summary>
    public bool IsMerged => _originalWeight is not null;

    /// <summary>The update <c>s · dropout(x) Aᵀ Bᵀ</c>: <c>[..., in]</c> → <c>[..., out]</c>.</summary>
    public Tensor Delta(Tensor x)
    {
        bool training = GradMode.IsEnabled && (A.RequiresGrad || B.RequiresGrad);
        var input = training && DropoutProbability > 0 ? Functional.Dropout(x, DropoutProbability, _dropoutRandom) : x;
        return Functional.Scale(Functional.Linear(Functional.Linear(input, A), B), Scale);
    }

    /// <summary><c>W ← W + s · B A</c> (float64 sums, rounded once), keeping the original W for <see cref="Unmerge"/>.</summary>
    internal void Merge()
    {
        if (IsMerged) throw new InvalidOperationException("The adapter is already merged.");
        var w = _target.Weight.AsSpan();
        _originalWeight = w.ToArray();
        var a = A.AsSpan();
        var b = B.AsSpan();
        int inFeatures = _target.InFeatures, outFeatures = _target.OutFeatures;
        for (int o = 0; o < outFeatures; o++)
            for (int i = 0; i < inFeatures; i++)
            {
                double sum = 0;
                for (int k = 0; k < Rank; k++) sum += (double)b[o * Rank + k] * a[k * inFeatures + i];
                w[o * inFeatures + i] = (float)(w[o * inFeatures + i] + Scale * sum);
            }
    }

    /// <summary>Restores the weight saved by <see cref="Merge"/>, bit for bit.</summary>
    internal void Unmerge()
    {
        var original = _originalWeight ?? throw new InvalidOperationException("The adapter is not merged.");
        original.CopyTo(_target.Weight.AsSpan());
        _originalWeight = null;
    }
}
