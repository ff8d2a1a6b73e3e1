using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>The sum of all elements, as a scalar tensor (accumulated in float64, rounded once).</summary>
    public static Tensor Sum(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x.Contiguous();
        double total = 0;
        foreach (float v in x.AsSpan()) total += v;
        var output = Tensor.Scalar((float)total);
        return Tape.Record(output, "Sum", [x], grad =>
        {
            float g = grad.Item();
            var dx = Tape.GradSpan(x);
            for (int i = 0; i < dx.Length; i++) dx[i] += g;
        });
    }
}
