using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Interop;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Lora;

/// <summary>
/// The LoRA update of one TorchSharp projection <c>W [out, in]</c> (the same function as the native engine's
/// <c>LoraAdapter</c>): <c>A [r, in]</c>, <c>B [out, r]</c>, scale <c>s = alpha / r</c>, and
/// <c>y = x Wᵀ + s · dropout(x) Aᵀ Bᵀ</c>. Dropout applies when gradients are recorded and A or B requires grad; its
/// masks come from LibTorch's generator, not from the native engine's stream.
/// </summary>
public sealed class TorchLoraAdapter : IDisposable
{
    private readonly TorchLinear _target;
    private Tensor? _originalWeight;

    internal TorchLoraAdapter(TorchLinear target, double alpha, double dropout, TensorData a, TensorData b, Device device)
    {
        _target = target;
        Rank = a.Shape[0];
        Scale = alpha / Rank;
        DropoutProbability = dropout;
        A = new Parameter(a.ToTorch(device));
        B = new Parameter(b.ToTorch(device));
    }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>The scale <c>alpha / r</c>.</summary>
    public double Scale { get; }

    /// <summary>The dropout probability on the adapter's input.</summary>
    public double DropoutProbability { get; }

    /// <summary>The down-projection <c>A [r, in]</c>.</summary>
    public Parameter A { get; }

    /// <summary>The up-projection <c>B [out, r]</c>.</summary>
    public Parameter B { get; }

    /// <summary>True while the update is merged into the projection's weight.</summary>
    public bool IsMerged => _originalWeight is not null;

    /// <summary>The update <c>s · dropout(x) Aᵀ Bᵀ</c>: <c>[..., in]</c> → <c>[..., out]</c>.</summary>
    public Tensor Delta(Tensor x)
    {
        bool training = is_grad_enabled() && (A.requires_grad || B.requires_grad);
        using var scope = NewDisposeScope();
        var input = training && DropoutProbability > 0 ? nn.functional.dropout(x, DropoutProbability, training: true) : x;
        return nn.functional.linear(nn.functional.linear(input, A), B).mul_(Scale).MoveToOuterDisposeScope();
    }

    /// <summary><c>W ← W + s · B A</c> (computed in float64, rounded once), keeping a copy of W for <see cref="Unmerge"/>.</summary>
    internal void Merge()
    {
        if (IsMerged) throw new InvalidOperationException("The adapter is already merged.");
        using var noGrad = no_grad();
        _originalWeight = _target.Weight.detach().clone();
        using var scope = NewDisposeScope();
        var update = B.to(ScalarType.Float64).matmul(A.to(ScalarType.Float64)).mul_(Scale);
        _target.Weight.copy_(_target.Weight.to(ScalarType.Float64).add_(update).to(ScalarType.Float32));
    }

    /// <summary>Restores the weight saved by <see cref="Merge"/>, bit for bit.</summary>
    internal void Unmerge()
    {
        var original = _originalWeight ?? throw new InvalidOperationException("The adapter is not merged.");
        using (no_grad()) _target.Weight.copy_(original);
        original.Dispose();
        _originalWeight = null;
    }

    /// <summary>Frees A, B and any kept original weight.</summary>
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        _originalWeight?.Dispose();
    }
}
