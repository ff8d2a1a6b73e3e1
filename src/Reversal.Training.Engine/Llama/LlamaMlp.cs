using Reversal.Training.Models;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Llama;

/// <summary>The SwiGLU feed-forward block (<c>mlp</c>): <c>down_proj(silu(gate_proj(x)) · up_proj(x))</c>.</summary>
public sealed class LlamaMlp : Module
{
    /// <summary>Creates the block from the config.</summary>
    public LlamaMlp(LlamaConfig config, SeededRandom? random)
    {
        GateProj = RegisterModule("gate_proj", new Linear(config.HiddenSize, config.IntermediateSize, random, config.InitializerRange));
        UpProj = RegisterModule("up_proj", new Linear(config.HiddenSize, config.IntermediateSize, random, config.InitializerRange));
        DownProj = RegisterModule("down_proj", new Linear(config.IntermediateSize, config.HiddenSize, random, config.InitializerRange));
    }

    /// <summary>Gate projection <c>[F, D]</c>.</summary>
    public Linear GateProj { get; }

    /// <summary>Up projection <c>[F, D]</c>.</summary>
    public Linear UpProj { get; }

    /// <summary>Down projection <c>[D, F]</c>.</summary>
    public Linear DownProj { get; }

    /// <summary><c>[..., D]</c> → <c>[..., D]</c>.</summary>
    public Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary><see cref="Forward(Tensor)"/> with the projections' weights served from <paramref name="packs"/> when given (inference).</summary>
    internal Tensor Forward(Tensor x, PackedWeights? packs) =>
        DownProj.Forward(Functional.SwiGlu(GateProj.Forward(x, packs), UpProj.Forward(x, packs)), packs);
}
