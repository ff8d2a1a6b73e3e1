using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// One SIMD register of floats, so a kernel is written once and compiled for each width: the JIT specialises a generic
/// method for every struct argument, and the wrapper's single field lives in a register.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Load(float* source);

    static abstract void Store(TSelf value, float* destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(float value);

    /// <summary><c>a · b + c</c> with one rounding in every lane.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);
}

/// <summary>Sixteen floats (AVX-512).</summary>
internal readonly unsafe struct Lanes16 : IFloatLanes<Lanes16>
{
    private readonly Vector512<float> _value;

    private Lanes16(Vector512<float> value) => _value = value;

    public static int Count => 16;

    public static Lanes16 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes16 Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes16 value, float* destination) => Vector512.Store(value._value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes16 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes16 MultiplyAdd(Lanes16 a, Lanes16 b, Lanes16 c) => new(Vector512.FusedMultiplyAdd(a._value, b._value, c._value));
}

/// <summary>Eight floats (AVX2 with FMA).</summary>
internal readonly unsafe struct Lanes8 : IFloatLanes<Lanes8>
{
    private readonly Vector256<float> _value;

    private Lanes8(Vector256<float> value) => _value = value;

    public static int Count => 8;

    public static Lanes8 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes8 value, float* destination) => Vector256.Store(value._value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes8 MultiplyAdd(Lanes8 a, Lanes8 b, Lanes8 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));
}
