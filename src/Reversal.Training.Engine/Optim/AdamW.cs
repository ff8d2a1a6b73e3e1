using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.NN;

namespace Reversal.Training.Engine.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), matching <c>torch.optim.AdamW</c>:
/// <c>θ ← θ − η·λ·θ</c> (for the parameters chosen to decay: by default those of rank ≥ 2, matrices and embeddings,
/// never norm gains; see <c>AdamWSettings</c>), then
/// <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>,
/// <c>θ ← θ − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)</c>.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;
    private readonly bool[] _decays;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <param name="decays">Per parameter (in order), whether it receives weight decay; null decays those of rank ≥ 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="decays"/> does not have one entry per parameter.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01, IReadOnlyList<bool>? decays = null)
        : base(parameters, learningRate)
    {
        ValidateHyperParameters(learningRate, beta1, beta2, epsilon, weightDecay);
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon; WeightDecay = weightDecay;
        if (decays is not null && decays.Count != Parameters.Count)
            throw new ArgumentException($"{decays.Count} decay flags for {Parameters.Count} parameters.", nameof(decays));
        _decays = decays?.ToArray() ?? Parameters.Select(p => p.Rank >= 2).ToArray();
        _m = Parameters.Select(p => new float[p.Count]).ToArray();
        _v = Parameters.Select(p => new float[p.Count]).ToArray();
    }

    /// <summary>Checks AdamW hyper-parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public static void ValidateHyperParameters(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
    {
        if (!(learningRate >= 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Learning rate must be a finite, non-negative number.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be finite and non-negative.");
    }

    /// <summary>First-moment decay β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay λ (applied to the parameters chosen to decay).</summary>
    public double WeightDecay { get; }

    /// <summary>First moments, one buffer per parameter (for checkpoints).</summary>
    public IReadOnlyList<float[]> FirstMoments => _m;

    /// <summary>Second moments, one buffer per parameter (for checkpoints).</summary>
    public IReadOnlyList<float[]> SecondMoments => _v;

    /// <summary>Number of float32 state elements held (first plus second moments): twice the optimised parameters' scalars.</summary>
    public long StateElementCount => _m.Sum(m => (long)m.Length) + _v.Sum(v => (long)v.Length);

    /// <inheritdoc />
    /// <remarks>Buffers <c>exp_avg/&lt;name&gt;</c> (first moments) and <c>exp_avg_sq/&lt;name&gt;</c> (second moments), as PyTorch names them.</remarks>
    public override IReadOnlyDictionary<string, float[]> ExportState(IReadOnlyList<string> parameterNames)
    {
        CheckNames(parameterNames);
        var state = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < Parameters.Count; i++)
        {
            state["exp_avg/" + parameterNames[i]] = _m[i];
            state["exp_avg_sq/" + parameterNames[i]] = _v[i];
        }
        return state;
    }

    /// <inheritdoc />
    public override void ImportState(IReadOnlyList<string> parameterNames, IReadOnlyDictionary<string, float[]> state, long stepCount)
    {
        CheckNames(parameterNames);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        for (int i = 0; i < Parameters.Count; i++)
            foreach (var (prefix, target) in new[] { ("exp_avg/", _m[i]), ("exp_avg_sq/", _v[i]) })
            {
                string key = prefix + parameterNames[i];
                if (!state.TryGetValue(key, out var source)) throw new ArgumentException($"AdamW state '{key}' is missing.", nameof(state));
                if (source.Length != target.Length) throw new ArgumentException($"AdamW state '{key}' has {source.Length} values; the parameter has {target.Length}.", nameof(state));
            }
        for (int i = 0; i < Parameters.Count; i++)
        {
            state["exp_avg/" + parameterNames[i]].CopyTo(_m[i], 0);
            state["exp_avg_sq/" + parameterNames[i]].CopyTo(_v[i], 0);
        }
        StepCount = stepCount;
    }

    private void CheckNames(IReadOnlyList<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (parameterNames.Count != Parameters.Count)
            throw new ArgumentException($"{parameterNames.Count} names for {Parameters.Count} parameters.", nameof(parameterNames));
    }

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        double lr = LearningRate;
        float b1 = (float)Beta1, b2 = (float)Beta2;
        float correction1 = (float)(1 - Math.Pow(Beta1, StepCount));
        float correction2 = (float)(1 - Math.Pow(Beta2, StepCount));
        float stepSize = (float)(lr / correction1);
        float inverseSqrtCorrection2 = 1f / MathF.Sqrt(correction2);
        float eps = (float)Epsilon;
        // Every element is independent: blocks of every parameter run in parallel, each vectorised with the scalar
        // loop's operation order (no fused multiply-add), so the result is the same bits for any thread count.
        var blocks = ElementBlocks.Of(Parameters.Select(p => p.Grad is null || !p.RequiresGrad ? 0 : p.Count).ToArray());
        Compute.For(blocks.Count, k =>
        {
            var (i, start, length) = blocks[k];
            var p = Parameters[i];
            float decay = _decays[i] ? (float)(1 - lr * WeightDecay) : 1f;
            Update(p.AsSpan().Slice(start, length), p.Grad!.AsSpan().Slice(start, length), _m[i].AsSpan().Slice(start, length),
                _v[i].AsSpan().Slice(start, length), b1, b2, stepSize, inverseSqrtCorrection2, eps, decay);
        });
    }

    /// <summary>
    /// The AdamW update of one block: <c>m = β1·m + (1−β1)·g</c>, <c>v = β2·v + (1−β2)·g·g</c>,
    /// <c>θ = θ·decay − stepSize·m / (√v·c2 + ε)</c>, vector lanes then a scalar tail, both in the same operation order.
    /// </summary>
    private static void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float b1, float b2, float stepSize, float inverseSqrtCorrection2, float eps, float decay)
    {
        int j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int width = System.Numerics.Vector<float>.Count;
            var vb1 = new System.Numerics.Vector<float>(b1);
            var vOneMinusB1 = new System.Numerics.Vector<float>(1 - b1);
            var vb2 = new System.Numerics.Vector<float>(b2);
            var vOneMinusB2 = new System.Numerics.Vector<float>(1 - b2);
            var vCorrection = new System.Numerics.Vector<float>(inverseSqrtCorrection2);
            var vEps = new System.Numerics.Vector<float>(eps);
            var vStep = new System.Numerics.Vector<float>(stepSize);
            var vDecay = new System.Numerics.Vector<float>(decay);
            for (; j <= theta.Length - width; j += width)
            {
                var gj = new System.Numerics.Vector<float>(g.Slice(j));
                var mj = vb1 * new System.Numerics.Vector<float>(m.Slice(j)) + vOneMinusB1 * gj;
                var vj = vb2 * new System.Numerics.Vector<float>(v.Slice(j)) + vOneMinusB2 * gj * gj;
                var denominator = System.Numerics.Vector.SquareRoot(vj) * vCorrection + vEps;
                var updated = new System.Numerics.Vector<float>(theta.Slice(j)) * vDecay - vStep * mj / denominator;
                mj.CopyTo(m.Slice(j));
                vj.CopyTo(v.Slice(j));
                updated.CopyTo(theta.Slice(j));
            }
        }
        for (; j < theta.Length; j++)
        {
            float gj = g[j];
            m[j] = b1 * m[j] + (1 - b1) * gj;
            v[j] = b2 * v[j] + (1 - b2) * gj * gj;
            float denominator = MathF.Sqrt(v[j]) * inverseSqrtCorrection2 + eps;
            theta[j] = theta[j] * decay - stepSize * m[j] / denominator;
        }
    }
}
