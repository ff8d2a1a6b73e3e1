using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Applies rotary position embedding to every head of every token: <paramref name="x"/> <c>[..., T, H·d]</c> with
    /// one position id per token (<paramref name="positionIds"/> has <c>x.Count / (H·d)</c> entries), the standard
    /// rotation R(p) or, with <paramref name="negateSine"/>, R(−p). Backward applies the inverse rotation.
    /// </summary>
    /// <remarks>Attention applies RoPE itself (it needs both variants); this op exposes the rotation on its own.</remarks>
    public static Tensor Rope(Tensor x, RotaryEmbedding rope, ReadOnlySpan<int> positionIds, int heads, bool negateSine = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rope);
        int width = heads * rope.HeadDim;
        if (heads <= 0 || x.Rank < 1 || x.Size(-1) != width || x.Count / width != positionIds.Length)
            throw new ArgumentException($"Rope: input {Tensor.FormatShape(x.Shape)} does not match {positionIds.Length} tokens of {heads} heads × {rope.HeadDim}.", nameof(x));
        x = x.Contiguous();
        var output = Tensor.Zeros(x.ShapeArray);
        int[] positions = positionIds.ToArray();
        rope.RotateAll(x.AsSpan(), output.AsSpan(), positions, heads, negateSine);
        return Tape.Record(output, "Rope", [x], grad =>
        {
            var scratch = TensorMemory.Rent(grad.Count).AsSpan(0, grad.Count);
            rope.RotateAll(grad.AsSpan(), scratch, positions, heads, !negateSine);
            Tape.AccumulateGrad(x, scratch);
        });
    }
}
