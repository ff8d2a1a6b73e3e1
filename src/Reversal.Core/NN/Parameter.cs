using Reversal.Core.Tensors;

namespace Reversal.Core.NN;

/// <summary>A trainable tensor owned by a <see cref="Module"/>: a leaf that always requires grad.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Creates a parameter owning a copy-free view of <paramref name="data"/>'s storage (made contiguous).</summary>
    public Parameter(Tensor data)
        : base(Contiguous(data).Buffer, Contiguous(data).Offset, (int[])data.ShapeArray.Clone())
    {
        RequiresGrad = true;
    }

    private static Tensor Contiguous(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.IsContiguous ? data : data.Clone();
    }

    /// <summary>Clears the accumulated gradient (sets it to zero, keeping the buffer).</summary>
    public void ZeroGrad() => Grad?.AsSpan().Clear();
}
