using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Reversal.Benchmarks.Limits;

/// <summary>
/// The machine's fp32 fused-multiply-add peak, measured: every thread runs <see cref="Accumulators"/> independent
/// chains <c>a = a·b + c</c> on the widest vectors our SGEMM uses, so that only FMA throughput limits the loop (12
/// chains cover an FMA latency of 4 to 6 cycles on the 2 FMA ports of current x86 cores). One FMA is 2 flops per lane. This is the ceiling that
/// SGEMM and model-FLOP utilisation are divided by.
/// </summary>
/// <remarks>
/// The instructions follow <c>Sgemm</c>'s choice of micro-kernel: AVX-512 (<c>Vector512</c>) where the CPU has it,
/// else AVX2 + FMA (<c>Vector256</c>, <see cref="Fma.MultiplyAdd(Vector256{float}, Vector256{float}, Vector256{float})"/>),
/// else Arm AdvSimd (<c>Vector128</c>), else scalar multiply then add (a CPU without FMA has no fused instruction to
/// measure; <see cref="MathF.FusedMultiplyAdd"/> would be emulated in software there). <see cref="PathName"/> says which.
/// The chains converge to 0.1 (b = 0.999999, c = 1e-7), so no value overflows or becomes denormal, and their sum is
/// stored where the JIT must assume it is read, so the loop cannot be removed.
/// </remarks>
public static class FmaPeak
{
    /// <summary>
    /// Independent accumulators per thread: ≥ FMA latency × FMA ports on current x86 cores (4 × 2), and with b and c
    /// they fill 14 of AVX2's 16 vector registers. An Arm core with 4 FMA pipes would need 16, so its AdvSimd figure
    /// may understate its peak.
    /// </summary>
    public const int Accumulators = 12;

    private static float s_sink;

    /// <summary>The instructions measured, as it appears in row names: <c>avx512</c>, <c>avx2_fma</c>, <c>advsimd</c> or <c>scalar</c>.</summary>
    public static string PathName => Path switch
    {
        Instructions.Avx512 => "avx512",
        Instructions.Avx2Fma => "avx2_fma",
        Instructions.AdvSimd => "advsimd",
        _ => "scalar",
    };

    /// <summary>Floating-point operations of one loop iteration on one thread: 2 per lane per FMA.</summary>
    public static double FlopsPerIteration => 2.0 * Lanes * Accumulators;

    /// <summary>
    /// GFLOP/s of <paramref name="threads"/> threads each running <paramref name="iterations"/> iterations, started
    /// together: the best of <paramref name="trials"/> timed runs after one short warm-up run.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public static double Gflops(int threads, long iterations, int trials = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        Run(threads, Math.Min(iterations, 1_000_000));
        double best = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            double seconds = Run(threads, iterations);
            best = Math.Max(best, threads * iterations * FlopsPerIteration / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Runs <paramref name="iterations"/> iterations on each of <paramref name="threads"/> threads released together; returns the wall-clock seconds until the last one finishes.</summary>
    public static double Run(int threads, long iterations)
    {
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new Thread(() =>
            {
                start.SignalAndWait();
                Volatile.Write(ref s_sink, Chains(iterations));
            }) { IsBackground = true, Name = $"fma-peak-{i}" };
            workers[i].Start();
        }
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        foreach (var worker in workers) worker.Join();
        return clock.Elapsed.TotalSeconds;
    }

    private enum Instructions { Scalar, AdvSimd, Avx2Fma, Avx512 }

    private static Instructions Path =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? Instructions.Avx512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? Instructions.Avx2Fma
        : AdvSimd.IsSupported ? Instructions.AdvSimd
        : Instructions.Scalar;

    private static int Lanes => Path switch
    {
        Instructions.Avx512 => Vector512<float>.Count,
        Instructions.Avx2Fma => Vector256<float>.Count,
        Instructions.AdvSimd => Vector128<float>.Count,
        _ => 1,
    };

    private static float Chains(long iterations) => Path switch
    {
        Instructions.Avx512 => Chains<Avx512Unit, Vector512<float>>(iterations),
        Instructions.Avx2Fma => Chains<Avx2Unit, Vector256<float>>(iterations),
        Instructions.AdvSimd => Chains<AdvSimdUnit, Vector128<float>>(iterations),
        _ => Chains<ScalarUnit, float>(iterations),
    };

    /// <summary>The measured loop, compiled once per instruction set (value-type generics), fully optimised from the first call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TUnit, TVector>(long iterations)
        where TUnit : struct, IFmaUnit<TVector>
        where TVector : unmanaged
    {
        // Copied out of an array, so that no accumulator of the loop has its address taken (it stays in a register).
        var start = StartValues<TVector>();
        TVector b = start[0], c = start[1], a0 = start[2], a1 = start[3], a2 = start[4], a3 = start[5], a4 = start[6], a5 = start[7],
            a6 = start[8], a7 = start[9], a8 = start[10], a9 = start[11], a10 = start[12], a11 = start[13];
        for (long i = 0; i < iterations; i++)
        {
            a0 = TUnit.MultiplyAdd(a0, b, c); a1 = TUnit.MultiplyAdd(a1, b, c); a2 = TUnit.MultiplyAdd(a2, b, c);
            a3 = TUnit.MultiplyAdd(a3, b, c); a4 = TUnit.MultiplyAdd(a4, b, c); a5 = TUnit.MultiplyAdd(a5, b, c);
            a6 = TUnit.MultiplyAdd(a6, b, c); a7 = TUnit.MultiplyAdd(a7, b, c); a8 = TUnit.MultiplyAdd(a8, b, c);
            a9 = TUnit.MultiplyAdd(a9, b, c); a10 = TUnit.MultiplyAdd(a10, b, c); a11 = TUnit.MultiplyAdd(a11, b, c);
        }
        // Written back into the array that exists already: a call while the accumulators are live would make the JIT keep
        // them in memory (no vector register survives a call), in the loop too.
        (start[2], start[3], start[4], start[5], start[6], start[7]) = (a0, a1, a2, a3, a4, a5);
        (start[8], start[9], start[10], start[11], start[12], start[13]) = (a6, a7, a8, a9, a10, a11);
        return Sum(start.AsSpan(2));
    }

    /// <summary>b, c and the starting value of each accumulator, every lane of a vector equal (b = 0.999999, c = 1e-7, a_i = 1 + 0.01·i).</summary>
    private static TVector[] StartValues<TVector>() where TVector : unmanaged
    {
        var vectors = new TVector[2 + Accumulators];
        var lanes = MemoryMarshal.Cast<TVector, float>(vectors.AsSpan());
        int width = lanes.Length / vectors.Length;
        for (int v = 0; v < vectors.Length; v++)
            lanes.Slice(v * width, width).Fill(v switch { 0 => 0.999999f, 1 => 1e-7f, _ => 1 + 0.01f * (v - 2) });
        return vectors;
    }

    private static float Sum<TVector>(ReadOnlySpan<TVector> vectors) where TVector : unmanaged
    {
        float sum = 0;
        foreach (float lane in MemoryMarshal.Cast<TVector, float>(vectors)) sum += lane;
        return sum;
    }

    /// <summary>One instruction set's fused multiply-add on its vector of floats (the only part of the loop that differs).</summary>
    private interface IFmaUnit<TVector> where TVector : unmanaged
    {
        /// <summary><c>a·b + c</c>.</summary>
        static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);
    }

    private readonly struct Avx512Unit : IFmaUnit<Vector512<float>>
    {
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);
    }

    private readonly struct Avx2Unit : IFmaUnit<Vector256<float>>
    {
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAdd(a, b, c);
    }

    private readonly struct AdvSimdUnit : IFmaUnit<Vector128<float>>
    {
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => AdvSimd.FusedMultiplyAdd(c, a, b);
    }

    /// <summary>Without FMA hardware: a multiply then an add (also 2 flops), not an emulated fused operation.</summary>
    private readonly struct ScalarUnit : IFmaUnit<float>
    {
        public static float MultiplyAdd(float a, float b, float c) => a * b + c;
    }
}
