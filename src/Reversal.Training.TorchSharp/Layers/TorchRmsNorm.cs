using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Layers;

/// <summary>RMSNorm, <c>y = x / √(mean(x²) + ε) · g</c> over the last dimension (Hugging Face's <c>LlamaRMSNorm</c>), gain registered as <c>weight</c>.</summary>
internal sealed class TorchRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;

    public TorchRmsNorm(long dim, double eps, Device device) : base(nameof(TorchRmsNorm))
    {
        _eps = eps;
        Weight = new Parameter(ones(dim, ScalarType.Float32, device));
        register_parameter("weight", Weight);
    }

    public Parameter Weight { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inverseRms = x.square().mean([-1L], keepdim: true).add(_eps).rsqrt();
        return x.mul(inverseRms).mul(Weight).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
