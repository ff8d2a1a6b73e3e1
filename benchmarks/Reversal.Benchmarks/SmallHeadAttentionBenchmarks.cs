using BenchmarkDotNet.Attributes;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Randomness;

namespace Reversal.Benchmarks;

/// <summary>
/// The attention kernel alone (rotated operands given, no RoPE), forward + backward, at one layer of each train step:
/// Tiny (B32, H4, T64) and Small (B16, H8, T128), head size 32, causal and BICO, 2 threads; the tiled SGEMM kernel
/// (<see cref="AttentionKernel.TiledForward"/>) is the baseline of <see cref="SmallHeadAttention"/>, which the engine
/// takes at these shapes.
/// </summary>
[MemoryDiagnoser]
public class SmallHeadAttentionBenchmarks
{
    private AttentionProblem _problem = null!;
    private float[] _output = null!, _logSumExp = null!, _dQuery = null!, _dKey = null!, _dValue = null!;
    private float[]? _dQueryMirrored, _dKeyMirrored;

    /// <summary>Train-step preset: "tiny" or "small".</summary>
    [Params("tiny", "small")]
    public string Preset { get; set; } = "tiny";

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico)]
    public AttentionKind Policy { get; set; }

    /// <summary>Random rotated queries, keys and values of the preset's shape, seed 1.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Compute.MaxThreads = 2;
        (int batch, int heads, int length) = Preset == "tiny" ? (32, 4, 64) : (16, 8, 128);
        const int d = 32;
        bool mirrors = Policy == AttentionKind.Bico;
        var random = new SeededRandom(1);
        float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)random.NextGaussian(); return a; }
        var positions = new int[batch * length];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % length;
        int n = batch * length * heads * d;
        _problem = new AttentionProblem
        {
            Batch = batch, QueryLength = length, KeyLength = length, Heads = heads, KvHeads = heads, HeadDim = d,
            QueryStandard = Fill(n), KeyStandard = Fill(n), QueryMirrored = mirrors ? Fill(n) : null, KeyMirrored = mirrors ? Fill(n) : null,
            Value = Fill(n), QueryPositions = positions, KeyPositions = positions,
            Policy = mirrors ? AttentionMaskPolicy.Bico : AttentionMaskPolicy.Causal,
        };
        if (!SmallHeadAttention.Supports(_problem)) throw new InvalidOperationException("SmallHeadAttention does not take this shape on this machine.");
        (_output, _logSumExp) = (new float[n], new float[batch * heads * length]);
        (_dQuery, _dKey, _dValue) = (new float[n], new float[n], new float[n]);
        (_dQueryMirrored, _dKeyMirrored) = mirrors ? (new float[n], new float[n]) : (null, null);
    }

    /// <summary>The tiled kernel on SGEMM.</summary>
    [Benchmark(Baseline = true)]
    public void Tiled()
    {
        AttentionKernel.TiledForward(_problem, _output, _logSumExp);
        AttentionKernel.TiledBackward(_problem, _output, _logSumExp, _output, _dQuery, _dQueryMirrored, _dKey, _dKeyMirrored, _dValue);
    }

    /// <summary>The small-head kernel.</summary>
    [Benchmark]
    public void SmallHead()
    {
        SmallHeadAttention.Forward(_problem, _output, _logSumExp);
        SmallHeadAttention.Backward(_problem, _output, _logSumExp, _output, _dQuery, _dQueryMirrored, _dKey, _dKeyMirrored, _dValue);
    }
}
