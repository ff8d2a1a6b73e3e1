using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Layers;

/// <summary>A token embedding table <c>[V, D]</c> registered as <c>weight</c>.</summary>
internal sealed class TorchEmbedding : nn.Module<Tensor, Tensor>
{
    public TorchEmbedding(long vocabSize, long dim, Device device) : base(nameof(TorchEmbedding))
    {
        Weight = new Parameter(zeros(vocabSize, dim, ScalarType.Float32, device));
        register_parameter("weight", Weight);
    }

    public Parameter Weight { get; }

    /// <summary>int64 ids <c>[B, T]</c> → <c>[B, T, D]</c>.</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var shape = ids.shape.Append(Weight.shape[1]).ToArray();
        return Weight.index_select(0, ids.reshape(-1)).view(shape).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
