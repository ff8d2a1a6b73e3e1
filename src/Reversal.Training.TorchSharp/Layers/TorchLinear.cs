using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Layers;

/// <summary>A bias-free linear layer <c>y = x · Wᵀ</c>, <c>W [out, in]</c> registered as <c>weight</c> (Hugging Face's Llama projections).</summary>
internal sealed class TorchLinear : nn.Module<Tensor, Tensor>
{
    public TorchLinear(long inFeatures, long outFeatures, Device device) : base(nameof(TorchLinear))
    {
        Weight = new Parameter(zeros(outFeatures, inFeatures, ScalarType.Float32, device));
        register_parameter("weight", Weight);
    }

    public Parameter Weight { get; }

    /// <summary>The LoRA adapter attached by <c>TorchLoraModel</c>, or null.</summary>
    public Lora.TorchLoraAdapter? Adapter { get; set; }

    public override Tensor forward(Tensor x)
    {
        if (Adapter is not { IsMerged: false } adapter) return nn.functional.linear(x, Weight);
        using var scope = NewDisposeScope();
        return nn.functional.linear(x, Weight).add_(adapter.Delta(x)).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
        // Registered explicitly under Hugging Face names in the constructor.
    }
}
