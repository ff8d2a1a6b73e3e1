using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>The target value that marks a position as not counted in the loss (PyTorch's default).</summary>
    public const int IgnoreIndex = Reversal.Training.Objectives.ObjectiveBatch.IgnoreIndex;

    /// <summary>
    /// Mean cross-entropy of <paramref name="logits"/> <c>[..., V]</c> (one row per target) against class ids
    /// <paramref name="targets"/>: <c>L = (1/N) Σ_{r counted} (logΣexp(z_r) − z_r[t_r])</c>, where rows whose
    /// target equals <paramref name="ignoreIndex"/> are skipped and N is the number of counted rows.
    /// </summary>
    /// <remarks>
    /// Fused with the softmax: only one log-sum-exp per row is kept, and backward recomputes
    /// <c>dz_r = (softmax(z_r) − onehot(t_r)) · dL / N</c>. With no counted row the loss is 0 and the gradient is 0
    /// (PyTorch returns NaN there; a batch with nothing to learn should not poison a run).
    /// </remarks>
    /// <exception cref="ArgumentException">The number of targets differs from the number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither <paramref name="ignoreIndex"/> nor in <c>[0, V)</c>; the message names it and its index.</exception>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets, int ignoreIndex = IgnoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logits);
        logits = logits.Contiguous();
        int vocab = logits.Size(-1), rows = LeadingRows(logits);
        if (targets.Length != rows)
            throw new ArgumentException($"CrossEntropy: {targets.Length} targets for {rows} logit rows (logits {Tensor.FormatShape(logits.Shape)}).", nameof(targets));
        int counted = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            int t = targets[i];
            if (t == ignoreIndex) continue;
            if ((uint)t >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"Target {t} at index {i} is outside [0, {vocab}) and is not the ignore index {ignoreIndex}.");
            counted++;
        }
        int[] saved = targets.ToArray();
        var rowLse = new float[rows];
        var rowLoss = new double[rows];
        float[] zb = logits.Buffer; int zo = logits.Offset;
        Compute.For(rows, r =>
        {
            if (saved[r] == ignoreIndex) return;
            var z = zb.AsSpan(zo + r * vocab, vocab);
            float lse = RowSoftmax.LogSumExp(z);
            rowLse[r] = lse;
            rowLoss[r] = lse - z[saved[r]];
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r]; // fixed order: thread-count independent
        var output = Tensor.Scalar(counted == 0 ? 0f : (float)(total / counted));
        return Tape.Record(output, "CrossEntropy", [logits], grad =>
        {
            // A gradient created here is written (every row, ignored rows as zeros), not zero-filled and added to.
            var dzTensor = Tape.GradTensorToWrite(logits, out bool fresh);
            float[] dzb = dzTensor.Buffer; int dzo = dzTensor.Offset;
            if (counted == 0)
            {
                if (fresh) dzb.AsSpan(dzo, rows * vocab).Clear();
                return;
            }
            float scale = grad.Item() / counted;
            Compute.For(rows, r =>
            {
                int t = saved[r];
                var dz = dzb.AsSpan(dzo + r * vocab, vocab);
                if (t == ignoreIndex)
                {
                    if (fresh) dz.Clear();
                    return;
                }
                var z = zb.AsSpan(zo + r * vocab, vocab);
                float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(vocab);
                var softmax = rented.AsSpan(0, vocab);
                RowSoftmax.ExpShifted(z, rowLse[r], softmax);
                if (fresh) System.Numerics.Tensors.TensorPrimitives.Multiply(softmax, scale, dz); // dz = softmax · scale
                else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(softmax, scale, dz, dz); // dz += softmax · scale
                System.Buffers.ArrayPool<float>.Shared.Return(rented);
                dz[t] -= scale;
            });
        });
    }
}
