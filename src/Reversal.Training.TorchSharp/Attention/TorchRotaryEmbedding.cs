using Reversal.Training.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Attention;

/// <summary>
/// RoPE tables as tensors on a device, in the Hugging Face Llama convention ("rotate half"), built from the same
/// float32 tables as our engine's <see cref="RotaryEmbedding"/> so both engines rotate by identical angles: for a head
/// vector x of size d, h = d/2, <c>y[:h] = x[:h]·cos − x[h:]·sin</c>, <c>y[h:] = x[h:]·cos + x[:h]·sin</c>. The
/// sine-negated rotation R(−p) = R(p)ᵀ is the same with <c>−sin</c>.
/// </summary>
public sealed class TorchRotaryEmbedding : IDisposable
{
    /// <summary>Uploads the tables of <paramref name="rope"/> to <paramref name="device"/>.</summary>
    public TorchRotaryEmbedding(RotaryEmbedding rope, Device device)
    {
        ArgumentNullException.ThrowIfNull(rope);
        ArgumentNullException.ThrowIfNull(device);
        HeadDim = rope.HeadDim;
        MaxPositions = rope.MaxPositions;
        long[] shape = [rope.MaxPositions, rope.HeadDim / 2];
        Cos = torch.tensor(rope.CosTable.ToArray(), shape, ScalarType.Float32, device);
        Sin = torch.tensor(rope.SinTable.ToArray(), shape, ScalarType.Float32, device);
    }

    /// <summary>Head size d.</summary>
    public int HeadDim { get; }

    /// <summary>Positions covered.</summary>
    public int MaxPositions { get; }

    /// <summary><c>cos θ_i(p)</c>, <c>[MaxPositions, d/2]</c>.</summary>
    public Tensor Cos { get; }

    /// <summary><c>sin θ_i(p)</c>, <c>[MaxPositions, d/2]</c>.</summary>
    public Tensor Sin { get; }

    /// <summary>
    /// Rotates every head of <paramref name="x"/> <c>[B, H, T, d]</c> by the position of its token,
    /// <paramref name="positions"/> <c>[B, T]</c> (int64): R(p) or, when <paramref name="negateSine"/>, R(−p).
    /// Differentiable in <paramref name="x"/>.
    /// </summary>
    public Tensor Rotate(Tensor x, Tensor positions, bool negateSine)
    {
        using var scope = NewDisposeScope();
        long half = HeadDim / 2;
        var (cos, sin) = Angles(positions);
        if (negateSine) sin = sin.neg();
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([first * cos - second * sin, second * cos + first * sin], -1);
        return rotated.MoveToOuterDisposeScope();
    }

    /// <summary>cos and sin at <paramref name="positions"/> <c>[B, T]</c>, shaped <c>[B, 1, T, d/2]</c> to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positions)
    {
        var flat = positions.reshape(-1);
        long b = positions.shape[0], t = positions.shape[1], half = HeadDim / 2;
        return (Cos.index_select(0, flat).view(b, 1, t, half), Sin.index_select(0, flat).view(b, 1, t, half));
    }

    /// <summary>Frees the tables.</summary>
    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
