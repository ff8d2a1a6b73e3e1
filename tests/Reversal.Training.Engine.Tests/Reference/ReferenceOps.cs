namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>
/// Plain-loop float64 implementations of the engine's operations, written from their definitions (never calling the
/// engine). All arrays are row-major.
/// </summary>
public static class ReferenceOps
{
    public static double[] Add(double[] a, double[] b) => Zip(a, b, (x, y) => x + y);

    public static double[] Multiply(double[] a, double[] b) => Zip(a, b, (x, y) => x * y);

    public static double[] Scale(double[] a, double s) => a.Select(x => x * s).ToArray();

    public static double Sum(double[] a)
    {
        double total = 0;
        foreach (double x in a) total += x;
        return total;
    }

    /// <summary>C[i] = A[i] · B[i] (or B shared) for <paramref name="batch"/> matrices A [m, k], B [k, n].</summary>
    public static double[] MatMul(double[] a, double[] b, int batch, int m, int k, int n, bool sharedB)
    {
        var c = new double[batch * m * n];
        for (int i = 0; i < batch; i++)
        {
            int ao = i * m * k, bo = sharedB ? 0 : i * k * n, co = i * m * n;
            for (int r = 0; r < m; r++)
                for (int col = 0; col < n; col++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[ao + r * k + p] * b[bo + p * n + col];
                    c[co + r * n + col] = s;
                }
        }
        return c;
    }

    /// <summary>Swaps the last two dimensions of <paramref name="batch"/> [rows, cols] matrices.</summary>
    public static double[] TransposeLast(double[] x, int batch, int rows, int cols)
    {
        var y = new double[x.Length];
        for (int i = 0; i < batch; i++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    y[i * rows * cols + c * rows + r] = x[i * rows * cols + r * cols + c];
        return y;
    }

    /// <summary>Swaps dimensions <paramref name="d0"/> and <paramref name="d1"/> of a row-major tensor.</summary>
    public static double[] SwapDims(double[] x, int[] shape, int d0, int d1)
    {
        int rank = shape.Length;
        var outShape = (int[])shape.Clone();
        (outShape[d0], outShape[d1]) = (outShape[d1], outShape[d0]);
        var inStrides = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) { inStrides[d] = s; s *= shape[d]; }
        var y = new double[x.Length];
        var index = new int[rank];
        for (int o = 0; o < y.Length; o++)
        {
            // index is the output multi-index; the input index has d0 and d1 swapped.
            int offset = 0;
            for (int d = 0; d < rank; d++)
            {
                int inDim = d == d0 ? d1 : d == d1 ? d0 : d;
                offset += index[d] * inStrides[inDim];
            }
            y[o] = x[offset];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < outShape[d]) break;
                index[d] = 0;
            }
        }
        return y;
    }

    /// <summary>y[r, o] = Σ_i x[r, i] · W[o, i] with W [out, in].</summary>
    public static double[] Linear(double[] x, double[] w, int inFeatures, int outFeatures)
    {
        int rows = x.Length / inFeatures;
        var y = new double[rows * outFeatures];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outFeatures; o++)
            {
                double s = 0;
                for (int i = 0; i < inFeatures; i++) s += x[r * inFeatures + i] * w[o * inFeatures + i];
                y[r * outFeatures + o] = s;
            }
        return y;
    }

    /// <summary>out[i, :] = W[ids[i], :].</summary>
    public static double[] Embedding(double[] w, int[] ids, int dim)
    {
        var y = new double[ids.Length * dim];
        for (int i = 0; i < ids.Length; i++)
            for (int j = 0; j < dim; j++) y[i * dim + j] = w[ids[i] * dim + j];
        return y;
    }

    /// <summary>y = x · w / sqrt(mean(x²) + eps) per row of length <c>w.Length</c>.</summary>
    public static double[] RmsNorm(double[] x, double[] w, double eps)
    {
        int dim = w.Length, rows = x.Length / dim;
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += x[r * dim + i] * x[r * dim + i];
            double inv = 1.0 / Math.Sqrt(ss / dim + eps);
            for (int i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i] * inv * w[i];
        }
        return y;
    }

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static double[] Silu(double[] x) => x.Select(v => v * Sigmoid(v)).ToArray();

    /// <summary>silu(gate) · up.</summary>
    public static double[] SwiGlu(double[] gate, double[] up) => Zip(gate, up, (g, u) => g * Sigmoid(g) * u);

    /// <summary>Softmax over rows of length <paramref name="dim"/> (max-shifted).</summary>
    public static double[] Softmax(double[] x, int dim)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / dim; r++)
        {
            double lse = LogSumExp(x, r * dim, dim);
            for (int i = 0; i < dim; i++) y[r * dim + i] = Math.Exp(x[r * dim + i] - lse);
        }
        return y;
    }

    /// <summary>x − logΣexp(x) over rows of length <paramref name="dim"/>.</summary>
    public static double[] LogSoftmax(double[] x, int dim)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / dim; r++)
        {
            double lse = LogSumExp(x, r * dim, dim);
            for (int i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i] - lse;
        }
        return y;
    }

    public static double LogSumExp(double[] x, int offset, int count)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < count; i++) max = Math.Max(max, x[offset + i]);
        double s = 0;
        for (int i = 0; i < count; i++) s += Math.Exp(x[offset + i] - max);
        return max + Math.Log(s);
    }

    /// <summary>Mean over counted rows of logΣexp(z_r) − z_r[t_r]; rows with target <paramref name="ignoreIndex"/> skipped; 0 when none counts.</summary>
    public static double CrossEntropy(double[] logits, int[] targets, int vocab, int ignoreIndex = -100)
    {
        double total = 0;
        int counted = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            total += LogSumExp(logits, r * vocab, vocab) - logits[r * vocab + targets[r]];
            counted++;
        }
        return counted == 0 ? 0 : total / counted;
    }

    /// <summary>
    /// Hugging Face rotate-half RoPE of one head vector (float64 angles): with h = d/2 and θ_i = p·base^(−2i/d),
    /// y[i] = x[i] cos θ_i − x[i+h] sin θ_i, y[i+h] = x[i+h] cos θ_i + x[i] sin θ_i; <paramref name="negateSine"/> uses −sin.
    /// </summary>
    public static void RotateHead(ReadOnlySpan<double> x, Span<double> y, int position, bool negateSine, double theta = 10000.0)
    {
        int d = x.Length, half = d / 2;
        for (int i = 0; i < half; i++)
        {
            double angle = position * Math.Pow(theta, -2.0 * i / d);
            double c = Math.Cos(angle), s = negateSine ? -Math.Sin(angle) : Math.Sin(angle);
            double a = x[i], b = x[i + half];
            y[i] = a * c - b * s;
            y[i + half] = b * c + a * s;
        }
    }

    /// <summary>RoPE of every head of every token: x is [tokens, heads·d], token t rotated by <c>positions[t]</c>.</summary>
    public static double[] Rope(double[] x, int[] positions, int heads, int headDim, bool negateSine, double theta = 10000.0)
    {
        var y = new double[x.Length];
        int width = heads * headDim;
        for (int t = 0; t < positions.Length; t++)
            for (int h = 0; h < heads; h++)
            {
                int off = t * width + h * headDim;
                RotateHead(x.AsSpan(off, headDim), y.AsSpan(off, headDim), positions[t], negateSine, theta);
            }
        return y;
    }

    private static double[] Zip(double[] a, double[] b, Func<double, double, double> f)
    {
        var y = new double[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = f(a[i], b[i]);
        return y;
    }
}
