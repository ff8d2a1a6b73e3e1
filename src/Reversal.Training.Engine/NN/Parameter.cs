using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>
/// A tensor owned by a <see cref="Module"/>: a leaf that requires grad unless frozen (<see cref="Trainable"/> false).
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Creates a parameter holding a copy of <paramref name="data"/> in storage of its own (never pooled).</summary>
    public Parameter(Tensor data)
        : base(OwnedCopy(data), 0, (int[])data.ShapeArray.Clone())
    {
        RequiresGrad = true;
    }

    private Parameter(float[] storage, int[] shape)
        : base(storage, 0, shape)
    {
        RequiresGrad = true;
    }

    /// <summary>A zero parameter of <paramref name="shape"/>, allocated once (no temporary tensor to copy from): what a
    /// model is built with before a checkpoint's weights are imported.</summary>
    internal static Parameter ZeroFilled(params int[] shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        return new Parameter(new float[count], (int[])shape.Clone());
    }

    private static float[] OwnedCopy(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var storage = new float[data.Count];
        data.CopyTo(storage);
        return storage;
    }

    /// <summary>
    /// Whether training updates this parameter (PyTorch's <c>requires_grad</c>). Freezing releases the gradient buffer;
    /// a frozen parameter receives no gradient in backward, so optimizers opened afterwards keep no state for it.
    /// </summary>
    public bool Trainable
    {
        get => RequiresGrad;
        set
        {
            RequiresGrad = value;
            if (!value) Grad = null;
        }
    }

    /// <summary>Clears the accumulated gradient (sets it to zero, keeping the buffer).</summary>
    public void ZeroGrad() => Grad?.AsSpan().Clear();

    /// <summary>
    /// Zeroes the gradients of <paramref name="parameters"/> in <see cref="ElementBlocks"/>' fixed blocks across all of
    /// them, run in parallel (as AdamW updates them), instead of one memset per parameter on one thread.
    /// </summary>
    internal static void ZeroGrads(IReadOnlyList<Parameter> parameters)
    {
        var blocks = ElementBlocks.Of(parameters.Select(p => p.Grad is null ? 0 : p.Count).ToArray());
        Compute.For(blocks.Count, k =>
        {
            var (i, start, length) = blocks[k];
            parameters[i].Grad!.AsSpan().Slice(start, length).Clear();
        });
    }
}
