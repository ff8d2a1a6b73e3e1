using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>The SwiGLU feed-forward block: <c>down_proj(silu(gate_proj(x)) ⊙ up_proj(x))</c>.</summary>
internal sealed class TorchLlamaMlp : nn.Module<Tensor, Tensor>
{
    public TorchLlamaMlp(LlamaConfig config, Device device) : base(nameof(TorchLlamaMlp))
    {
        GateProj = new TorchLinear(config.HiddenSize, config.IntermediateSize, device);
        UpProj = new TorchLinear(config.HiddenSize, config.IntermediateSize, device);
        DownProj = new TorchLinear(config.IntermediateSize, config.HiddenSize, device);
        register_module("gate_proj", GateProj);
        register_module("up_proj", UpProj);
        register_module("down_proj", DownProj);
    }

    public TorchLinear GateProj { get; }
    public TorchLinear UpProj { get; }
    public TorchLinear DownProj { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return DownProj.forward(nn.functional.silu(GateProj.forward(x)).mul(UpProj.forward(x))).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
