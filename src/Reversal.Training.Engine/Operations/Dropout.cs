using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Randomness;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Inverted dropout: each element is kept with probability <c>1 − p</c> and scaled by <c>1 / (1 − p)</c>, otherwise
    /// zeroed (<c>torch.nn.functional.dropout</c> in training mode). The keep mask <c>u ≥ p</c>, <c>u</c> uniform in [0, 1)
    /// from <paramref name="random"/>, is drawn element by element in row-major order, so a seed reproduces it.
    /// <c>p = 0</c> returns <paramref name="x"/> itself.
    /// </summary>
    /// <remarks>Backward: <c>dx += dy · mask / (1 − p)</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, double p, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(random);
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        if (p == 0) return x;
        x = x.Contiguous();
        var mask = Tensor.Zeros(x.ShapeArray);
        var output = Tensor.Zeros(x.ShapeArray);
        float keep = (float)(1 / (1 - p));
        var m = mask.AsSpan();
        var input = x.AsSpan();
        var o = output.AsSpan();
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = random.NextDouble() >= p ? keep : 0f;
            o[i] = input[i] * m[i];
        }
        return Tape.Record(output, "Dropout", [x], grad =>
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(grad.AsSpan(), mask.AsSpan(), Tape.GradSpan(x), Tape.GradSpan(x)));
    }
}
