namespace Reversal.Training.Engine.Tensors;

/// <summary>
/// Pooled storage for the transient tensors of a training step. Inside a scope opened with <see cref="BeginScope"/>,
/// every tensor the engine creates (activations, intermediate gradients, kernel scratch) takes a buffer from a
/// process-wide pool, and disposing the scope returns them all; outside a scope buffers are ordinary arrays.
/// A steady-state step therefore allocates (almost) nothing on the managed heap, and memory stays at one step's
/// working set instead of growing with large-object-heap garbage.
/// </summary>
/// <remarks>
/// <para><b>Contract.</b> A tensor created inside a scope must not be used after the scope ends: read what you need
/// (e.g. <c>loss.Item()</c>) before disposing. Parameters and their gradients are never pooled (a
/// <see cref="NN.Parameter"/> owns fresh storage, leaf gradients are allocated outright), so they survive any scope.</para>
/// <para>Buffers are pooled by power-of-two size class from 4,096 elements; smaller ones are plain allocations. Scopes
/// nest per thread and must be disposed on the thread that opened them (the library's own scopes never span an
/// <c>await</c>: each covers one synchronous step or decoding call). The pool itself is shared by every thread and
/// thread-safe, so concurrent trainers draw from and return to it independently.</para>
/// </remarks>
public static class TensorMemory
{
    private const int MinPooledLength = 4096;
    private static readonly Stack<float[]>?[] Pool = new Stack<float[]>?[32];
    private static readonly object PoolLock = new();
    [ThreadStatic] private static Scope? t_current;

    /// <summary>Opens a pooling scope on this thread (nested scopes return their own buffers).</summary>
    public static Scope BeginScope()
    {
        var scope = new Scope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>True when tensors created on this thread come from the pool.</summary>
    public static bool InScope => t_current is not null;

    /// <summary>Bytes currently held in the pool (free buffers), for diagnostics.</summary>
    public static long PooledBytes
    {
        get
        {
            lock (PoolLock) return Pool.Where(s => s is not null).Sum(s => s!.Sum(b => (long)b.Length * sizeof(float)));
        }
    }

    /// <summary>A zero-filled buffer of at least <paramref name="length"/> elements (pooled inside a scope).</summary>
    internal static float[] Allocate(int length)
    {
        var buffer = Rent(length, out bool fresh);
        if (!fresh) buffer.AsSpan(0, length).Clear(); // new arrays are already zero
        return buffer;
    }

    /// <summary>A buffer of at least <paramref name="length"/> elements whose content is undefined (the caller overwrites it).</summary>
    internal static float[] Rent(int length) => Rent(length, out _);

    private static float[] Rent(int length, out bool fresh)
    {
        fresh = true;
        var scope = t_current;
        if (scope is null || length < MinPooledLength) return new float[length];
        int sizeClass = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(length - 1));
        float[]? buffer = null;
        lock (PoolLock)
        {
            var stack = Pool[sizeClass];
            if (stack is { Count: > 0 }) buffer = stack.Pop();
        }
        fresh = buffer is null;
        buffer ??= new float[1 << sizeClass];
        scope.Rented.Add(buffer);
        return buffer;
    }

    private static void Return(List<float[]> buffers)
    {
        lock (PoolLock)
        {
            foreach (var buffer in buffers)
            {
                int sizeClass = System.Numerics.BitOperations.Log2((uint)buffer.Length);
                (Pool[sizeClass] ??= new Stack<float[]>()).Push(buffer);
            }
        }
        buffers.Clear();
    }

    /// <summary>Drops every free pooled buffer (the memory is reclaimed by the next garbage collection).</summary>
    public static void Trim()
    {
        lock (PoolLock) Array.Clear(Pool);
    }

    /// <summary>A pooling scope; dispose it to return its buffers.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private bool _disposed;

        internal Scope(Scope? outer) => _outer = outer;

        internal List<float[]> Rented { get; } = [];

        /// <summary>Returns every buffer taken in this scope to the pool and restores the enclosing scope.</summary>
        /// <exception cref="InvalidOperationException">Scopes were disposed out of order on this thread.</exception>
        public void Dispose()
        {
            if (_disposed) return;
            if (!ReferenceEquals(t_current, this)) throw new InvalidOperationException("TensorMemory scopes must be disposed in reverse order of creation, on the thread that opened them.");
            _disposed = true;
            t_current = _outer;
            Return(Rented);
        }
    }
}
