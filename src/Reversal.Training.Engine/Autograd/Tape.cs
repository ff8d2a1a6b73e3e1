using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Autograd;

/// <summary>
/// Helpers operations use to record themselves and to accumulate gradients into their inputs.
/// </summary>
internal static class Tape
{
    /// <summary>True when an operation over <paramref name="inputs"/> must be recorded.</summary>
    public static bool ShouldRecord(params Tensor[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches a backward function to <paramref name="output"/> when any input requires grad and recording is on.</summary>
    public static Tensor Record(Tensor output, string operation, Tensor[] inputs, Action<Tensor> backward)
    {
        OperationProfile.ForwardDone(operation);
        if (!ShouldRecord(inputs)) return output;
        output.GradFn = new GradNode(operation, inputs, backward);
        output.RequiresGrad = true;
        return output;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="input"/> (contiguous, input's shape), created zero-filled on first use.
    /// Backward functions add their contribution into it.
    /// </summary>
    public static Span<float> GradSpan(Tensor input) => GradTensor(input).AsSpan();

    /// <summary>The gradient tensor of <paramref name="input"/>, created zero-filled on first use.</summary>
    public static Tensor GradTensor(Tensor input)
    {
        input.Grad ??= NewGradient(input, zeroed: true);
        return input.Grad;
    }

    /// <summary>
    /// Adds <paramref name="contribution"/> (input's element count, contiguous) into the gradient of
    /// <paramref name="input"/>. On first use the gradient is created as a copy of it: no zero fill and no extra pass.
    /// </summary>
    public static void AccumulateGrad(Tensor input, ReadOnlySpan<float> contribution)
    {
        if (input.Grad is not null)
        {
            TensorMath.AddInto(input.Grad.AsSpan(), contribution);
            return;
        }
        var gradient = NewGradient(input, zeroed: false);
        if (contribution.Length != input.Count)
            throw new ArgumentException($"A gradient contribution of {contribution.Length} elements for a tensor of {input.Count}.", nameof(contribution));
        contribution.CopyTo(gradient.AsSpan());
        input.Grad = gradient;
    }

    /// <summary>
    /// <see cref="AccumulateGrad(Tensor, ReadOnlySpan{float})"/> for a whole contiguous tensor (an upstream gradient
    /// passed on as it is), adding or copying in the parallel blocks of <see cref="TensorMath.Add(Tensor, Tensor, Tensor)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The contribution's element count is not the input's.</exception>
    public static void AccumulateGrad(Tensor input, Tensor contribution)
    {
        if (contribution.Count != input.Count)
            throw new ArgumentException($"A gradient contribution of {contribution.Count} elements for a tensor of {input.Count}.", nameof(contribution));
        if (input.Grad is not null)
        {
            TensorMath.Add(input.Grad, contribution, input.Grad);
            return;
        }
        var gradient = NewGradient(input, zeroed: false);
        TensorMath.Copy(contribution, gradient);
        input.Grad = gradient;
    }

    /// <summary>
    /// The gradient tensor of <paramref name="input"/> for a backward function that can either overwrite or add:
    /// when <paramref name="created"/> is true it was just created <b>uninitialised</b> and the caller must write every
    /// element (e.g. a product with accumulate off); otherwise the caller adds into it.
    /// </summary>
    public static Tensor GradTensorToWrite(Tensor input, out bool created)
    {
        created = input.Grad is null;
        input.Grad ??= NewGradient(input, zeroed: false);
        return input.Grad;
    }

    /// <summary>
    /// A new gradient buffer in <paramref name="input"/>'s shape: zero-filled, or (when not <paramref name="zeroed"/>)
    /// possibly holding stale values the caller overwrites. Leaf gradients outlive any pooling scope (optimizers read
    /// them after the step), so they own their storage (always zero); the others come from the step's pool.
    /// </summary>
    private static Tensor NewGradient(Tensor input, bool zeroed) =>
        input.IsLeaf ? Tensor.FromArray(new float[input.Count], input.ShapeArray)
        : zeroed ? Tensor.Zeros(input.ShapeArray) : Tensor.Uninitialized(input.ShapeArray);
}
