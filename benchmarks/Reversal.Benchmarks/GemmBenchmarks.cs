using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Benchmarks;

/// <summary>
/// SGEMM throughput at 1024³ and at the Llama training shapes (M×K×N: tokens × in × out), for the three transpose
/// variants the training engine uses: <c>A·B</c> (<c>dx = dy·W</c>, also accumulating into C), <c>A·Bᵀ</c> (Linear
/// forward <c>y = x·Wᵀ</c>) and <c>Aᵀ·B</c> (<c>dW = dyᵀ·x</c>), with 1 and 2 threads. A GFLOP/s column (2·M·N·K / mean time) is added.
/// The shapes 256×2048×256 and 4096×2048×256 are the Small step's weight gradients as <c>Aᵀ·B</c> (M = out, K = the
/// batch's 2,048 tokens, N = in: a q/k/v/o projection and the output head), which SGEMM cuts into ranges of k
/// (split-K, <c>Sgemm.DepthParts</c>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _m, _k, _n, _savedThreads;

    /// <summary>Problem shape as <c>M×K×N</c>: op(A) is M×K, op(B) is K×N, C is M×N.</summary>
    [Params("1024x1024x1024", "2048x128x352", "2048x256x256", "2048x256x704", "2048x704x256", "2048x256x4096", "256x2048x256", "4096x2048x256")]
    public string Shape { get; set; } = "1024x1024x1024";

    /// <summary>Value of <see cref="Compute.MaxThreads"/> during the run.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Allocates seeded random operands for <see cref="Shape"/> and applies <see cref="Threads"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n) = ParseShape(Shape);
        var rng = new Random(42);
        _a = new float[_m * _k];
        _b = new float[_k * _n];
        _c = new float[_m * _n];
        for (int i = 0; i < _a.Length; i++) _a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < _b.Length; i++) _b[i] = (float)(rng.NextDouble() * 2 - 1);
        _savedThreads = Compute.MaxThreads;
        Compute.MaxThreads = Threads;
    }

    /// <summary>Restores <see cref="Compute.MaxThreads"/>.</summary>
    [GlobalCleanup]
    public void Cleanup() => Compute.MaxThreads = _savedThreads;

    /// <summary><c>C = A·B</c>: A stored M×K, B stored K×N (the <c>dx = dy·W</c> layout).</summary>
    [Benchmark(Baseline = true, Description = "A·B")]
    public void AB() => Sgemm.Multiply(false, false, _m, _n, _k, _a, _k, _b, _n, _c, _n);

    /// <summary>
    /// <c>C += A·B</c>: the <c>dx = dy·W</c> layout accumulating into C, as the input gradient of a tensor that feeds
    /// several projections takes their second and later contributions (k and v after q; up after gate). The kernels read
    /// C, so SGEMM plans larger tiles for it (<c>Sgemm</c>'s tile planner).
    /// </summary>
    [Benchmark(Description = "C += A·B")]
    public void ABInto() => Sgemm.Multiply(false, false, _m, _n, _k, _a, _k, _b, _n, _c, _n, accumulate: true);

    /// <summary><c>C = A·Bᵀ</c>: A stored M×K, B stored N×K (the Linear forward <c>y = x·Wᵀ</c> layout).</summary>
    [Benchmark(Description = "A·Bᵀ")]
    public void ABt() => Sgemm.Multiply(false, true, _m, _n, _k, _a, _k, _b, _k, _c, _n);

    /// <summary><c>C = Aᵀ·B</c>: A stored K×M, B stored K×N (the <c>dW = dyᵀ·x</c> layout).</summary>
    [Benchmark(Description = "Aᵀ·B")]
    public void AtB() => Sgemm.Multiply(true, false, _m, _n, _k, _a, _m, _b, _n, _c, _n);

    internal static (int M, int K, int N) ParseShape(string shape)
    {
        var parts = shape.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Adds a GFLOP/s column (2·M·N·K over the mean time, M×K×N read from the Shape parameter) to the default configuration.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn(Flops, "2·M·N·K / mean"));

        private static double? Flops(BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Parameters["Shape"] is not string shape) return null;
            var (m, k, n) = ParseShape(shape);
            return 2.0 * m * n * k;
        }
    }
}
