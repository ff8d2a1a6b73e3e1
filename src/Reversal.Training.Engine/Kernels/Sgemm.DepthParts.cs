using System.Buffers;
using System.Numerics.Tensors;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Kernels;

public static unsafe partial class Sgemm
{
    /// <summary>Depth from which a product with op(A) = Aᵀ is cut into depth parts.</summary>
    internal const int DepthSplitFrom = 1024;

    /// <summary>Least depth of one part: k / 512 parts (at most <see cref="MaxDepthParts"/>).</summary>
    private const int DepthPerPart = 512;

    /// <summary>Upper bound on the parts of one product.</summary>
    private const int MaxDepthParts = 8;

    /// <summary>Upper bound on the scratch of the parts after the first (16 Mi floats, 64 MiB): larger outputs take fewer parts.</summary>
    private const long MaxDepthScratch = 1L << 24;

    /// <summary>
    /// How many depth parts an <c>m×n×k</c> product is cut into (1: not cut). Only products with op(A) = Aᵀ — the weight
    /// gradient <c>dW = dyᵀ·x</c>, whose depth is the batch's tokens and whose output is a weight — of depth at least
    /// <see cref="DepthSplitFrom"/> are cut: k / 512 parts, at most <see cref="MaxDepthParts"/>, fewer when the parts'
    /// scratch (<c>(parts − 1)·m·n</c> floats) would pass 64 MiB. A function of the shape alone, so the result does not
    /// depend on the thread count.
    /// </summary>
    internal static int DepthParts(bool transA, int m, int n, int k)
    {
        if (!transA || k < DepthSplitFrom) return 1;
        int parts = Math.Min(MaxDepthParts, k / DepthPerPart);
        long plane = (long)m * n;
        while (parts > 1 && (parts - 1) * plane > MaxDepthScratch) parts--;
        return parts;
    }

    /// <summary>Depth of each part but the last (which takes the rest): k / parts rounded up to a multiple of 8.</summary>
    internal static int DepthOfPart(int k, int parts) => RoundUp((k + parts - 1) / parts, 8);

    /// <summary>One part of a cut product: <c>C' (+)= op(A)[:, p0:p0+depth] · op(B)[p0:p0+depth, :]</c> on up to <c>threads</c> workers.</summary>
    private delegate void DepthPart(int p0, int depth, float* c, int ldc, bool accumulate, int threads);

    /// <summary>
    /// A product cut into <paramref name="parts"/> ranges of k (split-K): part 0 runs into C (from C when
    /// <paramref name="accumulate"/>, else from zero), every later part into its own m×n scratch from zero, and the
    /// scratch planes are then added to C in part order, <c>C = ((C₀ + S₁) + S₂) + …</c>. Each part is the usual chain
    /// over its own k range, so the bits depend only on the shape. A weight gradient has a small output (a few tiles of C
    /// for two threads to share) and a deep k: the parts give every worker its own B to pack and its own whole output,
    /// with no barrier between packing and tiles, which ran these products 1.1–1.4× faster on two threads (the
    /// harness of the performance notes). With at least twice as many threads as parts, the parts run one after another
    /// on all of them; otherwise side by side, one thread each.
    /// </summary>
    private static void RunInDepthParts(int m, int n, int k, int parts, float* c, int ldc, bool accumulate, int threads, DepthPart part)
    {
        int depth = DepthOfPart(k, parts);
        parts = (k + depth - 1) / depth;
        long plane = (long)m * n;
        float[] scratch = ArrayPool<float>.Shared.Rent((int)((parts - 1) * plane));
        try
        {
            fixed (float* s = scratch)
            {
                nint cp = (nint)c, sp = (nint)s;
                void Part(int q, int partThreads)
                {
                    int p0 = q * depth, kc = Math.Min(depth, k - p0);
                    if (q == 0) part(0, kc, (float*)cp, ldc, accumulate, partThreads);
                    else part(p0, kc, (float*)sp + (q - 1) * plane, n, false, partThreads);
                }
                if (threads >= 2 * parts || threads == 1)
                    for (int q = 0; q < parts; q++) Part(q, threads);
                else
                    Compute.For(parts, q => Part(q, 1));

                ElementBlocks.ForRows(m, n, (_, first, rows) =>
                {
                    for (int i = first; i < first + rows; i++)
                    {
                        var row = new Span<float>((float*)cp + (nint)i * ldc, n);
                        for (int q = 1; q < parts; q++)
                            TensorPrimitives.Add(row, new ReadOnlySpan<float>((float*)sp + (q - 1) * plane + (nint)i * n, n), row);
                    }
                });
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }
}
