using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reversal.Benchmarks.Limits;

/// <summary>
/// The machine's fp32 FMA peak, measured: each thread runs independent fused multiply-add chains on the widest vectors
/// the CPU has (AVX-512 or AVX2 + FMA), enough chains to cover the FMA latency on every FMA port, so nothing but FMA
/// throughput limits it. 2 flops per lane per FMA. This is the ceiling SGEMM and model-FLOP utilisation are reported
/// against.
/// </summary>
public static class FmaPeak
{
    /// <summary>GFLOP/s of <paramref name="threads"/> threads each running FMA chains for about <paramref name="seconds"/> seconds (best of 3).</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU has no FMA.</exception>
    public static double Gflops(int threads, double seconds = 0.5)
    {
        if (!Fma.IsSupported && !Avx512F.IsSupported) throw new PlatformNotSupportedException("The FMA peak needs x86 FMA (AVX2) or AVX-512.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        double best = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            long iterations = Calibrate(seconds);
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                Sink(Run(iterations));
            }) { IsBackground = true }).ToArray();
            foreach (var w in workers) w.Start();
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            foreach (var w in workers) w.Join();
            double flops = (double)threads * iterations * FlopsPerIteration;
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>Which instructions are measured.</summary>
    public static string Instructions => Avx512F.IsSupported ? "AVX-512 FMA (16 lanes)" : "AVX2 FMA (8 lanes)";

    private const int Chains = 12;

    private static int Lanes => Avx512F.IsSupported ? 16 : 8;

    private static double FlopsPerIteration => 2.0 * Lanes * Chains;

    private static long Calibrate(double seconds)
    {
        var clock = Stopwatch.StartNew();
        Sink(Run(1_000_000));
        double perIteration = clock.Elapsed.TotalSeconds / 1_000_000;
        return Math.Max(1_000_000, (long)(seconds / perIteration));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run(long iterations) => Avx512F.IsSupported ? Run512(iterations) : Run256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink(float value)
    {
        if (value == 42.4242f) Console.Write(string.Empty);
    }

    private static float Run256(long iterations)
    {
        var b = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
            a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, b, c); a1 = Fma.MultiplyAdd(a1, b, c); a2 = Fma.MultiplyAdd(a2, b, c);
            a3 = Fma.MultiplyAdd(a3, b, c); a4 = Fma.MultiplyAdd(a4, b, c); a5 = Fma.MultiplyAdd(a5, b, c);
            a6 = Fma.MultiplyAdd(a6, b, c); a7 = Fma.MultiplyAdd(a7, b, c); a8 = Fma.MultiplyAdd(a8, b, c);
            a9 = Fma.MultiplyAdd(a9, b, c); a10 = Fma.MultiplyAdd(a10, b, c); a11 = Fma.MultiplyAdd(a11, b, c);
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(sum);
    }

    private static float Run512(long iterations)
    {
        var b = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
            a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, b, c); a1 = Avx512F.FusedMultiplyAdd(a1, b, c); a2 = Avx512F.FusedMultiplyAdd(a2, b, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, b, c); a4 = Avx512F.FusedMultiplyAdd(a4, b, c); a5 = Avx512F.FusedMultiplyAdd(a5, b, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, b, c); a7 = Avx512F.FusedMultiplyAdd(a7, b, c); a8 = Avx512F.FusedMultiplyAdd(a8, b, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, b, c); a10 = Avx512F.FusedMultiplyAdd(a10, b, c); a11 = Avx512F.FusedMultiplyAdd(a11, b, c);
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector512.Sum(sum);
    }
}
