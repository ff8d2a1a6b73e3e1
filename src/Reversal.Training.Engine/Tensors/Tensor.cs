using System.Text;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tensors;

/// <summary>
/// A float32 n-dimensional array in row-major storage, optionally tracked by the autograd tape.
/// </summary>
/// <remarks>
/// <para>Storage is a flat <c>float[]</c> plus an offset, a shape and strides. Every operation produces
/// contiguous results; <see cref="Reshape"/> of a contiguous tensor and <see cref="Transpose"/> are views that
/// share storage. Kernels read contiguous tensors; a non-contiguous input is copied first by <see cref="Contiguous"/>.</para>
/// <para>Autograd follows PyTorch: a tensor with <see cref="RequiresGrad"/> records the operations that consume it
/// (unless inside <see cref="GradMode.NoGrad"/>), and <see cref="Backward()"/> on a scalar result accumulates
/// d(result)/d(leaf) into every leaf's <see cref="Grad"/>.</para>
/// </remarks>
public class Tensor
{
    internal readonly float[] Buffer;
    internal readonly int Offset;
    private readonly int[] _shape;
    private readonly int[] _strides;
    private bool _requiresGrad;

    internal GradNode? GradFn;

    /// <summary>Wraps existing storage (no copy). Internal: public construction goes through factories.</summary>
    internal Tensor(float[] buffer, int offset, int[] shape, int[]? strides = null)
    {
        Buffer = buffer;
        Offset = offset;
        _shape = shape;
        _strides = strides ?? ContiguousStrides(shape);
        Count = ShapeSize(shape);
        IsContiguous = strides is null || HasContiguousStrides(shape, strides);
    }

    /// <summary>Creates a tensor that owns <paramref name="data"/> (no copy) with the given shape.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not hold exactly <c>data.Length</c> elements.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ValidateShape(shape, nameof(shape));
        long size = ShapeSize(shape);
        if (size != data.Length)
            throw new ArgumentException($"Shape {FormatShape(shape)} holds {size} elements but the data has {data.Length}.", nameof(shape));
        return new Tensor(data, 0, (int[])shape.Clone());
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        ValidateShape(shape, nameof(shape));
        return new Tensor(TensorMemory.Allocate(ShapeSize(shape)), 0, (int[])shape.Clone());
    }

    /// <summary>A tensor whose contents are undefined (pooled inside a <see cref="TensorMemory"/> scope, not cleared):
    /// only for the output of an operation that overwrites every element.</summary>
    internal static Tensor Uninitialized(params int[] shape)
    {
        ValidateShape(shape, nameof(shape));
        return new Tensor(TensorMemory.Rent(ShapeSize(shape)), 0, (int[])shape.Clone());
    }

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Zeros(shape);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(float value) => new(new[] { value }, 0, Array.Empty<int>());

    /// <summary>Samples each element from Normal(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(SeededRandom random, float mean, float std, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var t = Zeros(shape);
        var span = t.AsSpan();
        for (int i = 0; i < span.Length; i++) span[i] = (float)(mean + std * random.NextGaussian());
        return t;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Element strides per dimension (in elements, not bytes).</summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Count { get; }

    /// <summary>True when elements are stored densely in row-major order.</summary>
    public bool IsContiguous { get; }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[NormalizeDim(dim)];

    /// <summary>
    /// Whether gradients flow to this tensor. Settable only on leaves (tensors not produced by a recorded operation).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf tensor.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException("RequiresGrad cannot be cleared on a tensor produced by a recorded operation; use Detach().");
            _requiresGrad = value;
        }
    }

    /// <summary>True when this tensor was not produced by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The accumulated gradient (same shape, contiguous), or null before any backward pass reached it.</summary>
    /// <exception cref="ArgumentException">Set to a tensor of another shape or a non-contiguous view.</exception>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null && (!SameShape(value) || !value.IsContiguous))
                throw new ArgumentException($"A gradient must be a contiguous tensor of shape {FormatShape(_shape)}, got {FormatShape(value._shape)}.", nameof(value));
            _grad = value;
        }
    }

    private Tensor? _grad;

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor (fluent).</summary>
    public Tensor RequireGrad(bool requires = true)
    {
        RequiresGrad = requires;
        return this;
    }

    /// <summary>The elements as a span. Valid only for contiguous tensors.</summary>
    /// <exception cref="InvalidOperationException">The tensor is a non-contiguous view.</exception>
    public Span<float> AsSpan()
    {
        if (!IsContiguous) throw new InvalidOperationException($"Tensor {FormatShape(_shape)} is a non-contiguous view; call Contiguous() first.");
        return Buffer.AsSpan(Offset, Count);
    }

    /// <summary>Copies the elements, in row-major order, into a new array.</summary>
    public float[] ToArray() => Contiguous().AsSpan().ToArray();

    /// <summary>The value of a single-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Count != 1) throw new InvalidOperationException($"Item() needs a single-element tensor, got shape {FormatShape(_shape)}.");
        return Buffer[Offset];
    }

    /// <summary>Element at the given multi-index (slow; for tests and inspection).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Buffer[ElementOffset(index)];
        set => Buffer[ElementOffset(index)] = value;
    }

    private int ElementOffset(int[] index)
    {
        if (index.Length != _shape.Length) throw new ArgumentException($"Index has {index.Length} coordinates for a rank-{Rank} tensor.");
        int off = Offset;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)_shape[d]) throw new IndexOutOfRangeException($"Index {index[d]} is outside dimension {d} of size {_shape[d]}.");
            off += index[d] * _strides[d];
        }
        return off;
    }

    /// <summary>A tensor sharing storage but cut off from the tape (never requires grad).</summary>
    public Tensor Detach() => new(Buffer, Offset, _shape, _strides);

    /// <summary>A deep copy (contiguous, no grad history).</summary>
    public Tensor Clone()
    {
        var copy = Zeros(_shape);
        CopyTo(copy.AsSpan());
        return copy;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="destination"/>.</summary>
    internal void CopyTo(Span<float> destination)
    {
        if (IsContiguous) { Buffer.AsSpan(Offset, Count).CopyTo(destination); return; }
        int i = 0;
        var index = new int[Rank];
        for (int n = 0; n < Count; n++)
        {
            int off = Offset;
            for (int d = 0; d < Rank; d++) off += index[d] * _strides[d];
            destination[i++] = Buffer[off];
            for (int d = Rank - 1; d >= 0; d--)
            {
                if (++index[d] < _shape[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>Overwrites this tensor's elements with <paramref name="source"/>'s (same shape). Not recorded on the tape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!SameShape(source)) throw new ArgumentException($"Cannot copy a {FormatShape(source._shape)} tensor into a {FormatShape(_shape)} tensor.", nameof(source));
        source.CopyTo(AsSpan());
    }

    /// <summary>A view with a new shape (one dimension may be -1 and is inferred). Recorded on the tape.</summary>
    public Tensor Reshape(params int[] shape) => Functional.Reshape(this, shape);

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped. Recorded on the tape.</summary>
    public Tensor Transpose(int dim0, int dim1) => Functional.Transpose(this, dim0, dim1);

    /// <summary>This tensor when contiguous, else a contiguous copy (recorded on the tape).</summary>
    public Tensor Contiguous() => IsContiguous ? this : Functional.Contiguous(this);

    /// <summary>
    /// Back-propagates from this single-element tensor: every leaf that requires grad receives d(this)/d(leaf),
    /// added to its existing <see cref="Grad"/> (gradients accumulate until zeroed).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not a scalar or does not require grad.</exception>
    public void Backward()
    {
        if (Count != 1) throw new InvalidOperationException($"Backward() without a gradient needs a single-element tensor, got shape {FormatShape(_shape)}.");
        BackwardPass.Run(this, seed: null);
    }

    /// <summary>Back-propagates with an explicit upstream gradient of this tensor's shape.</summary>
    public void Backward(Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!SameShape(gradient)) throw new ArgumentException($"Gradient shape {FormatShape(gradient._shape)} differs from tensor shape {FormatShape(_shape)}.", nameof(gradient));
        BackwardPass.Run(this, gradient);
    }

    /// <summary>True when both tensors have identical shapes.</summary>
    public bool SameShape(Tensor other) => _shape.AsSpan().SequenceEqual(other._shape);

    /// <summary>True when the shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(params int[] shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>A non-recording transposed view (used by backward rules).</summary>
    internal Tensor TransposeView(int a, int b)
    {
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return new Tensor(Buffer, Offset, shape, strides);
    }

    internal int[] ShapeArray => _shape;
    internal int[] StrideArray => _strides;

    internal int NormalizeDim(int dim)
    {
        int d = dim < 0 ? dim + Rank : dim;
        if ((uint)d >= (uint)Rank) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"Dimension out of range for a rank-{Rank} tensor {FormatShape(_shape)}.");
        return d;
    }

    /// <summary>Formats a shape as <c>[2, 3, 4]</c> for messages.</summary>
    public static string FormatShape(IReadOnlyList<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++) { if (i > 0) sb.Append(", "); sb.Append(shape[i]); }
        return sb.Append(']').ToString();
    }

    /// <inheritdoc />
    public override string ToString() => $"Tensor{FormatShape(_shape)}{(RequiresGrad ? " requires_grad" : "")}";

    internal static int[] ContiguousStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }

    private static bool HasContiguousStrides(int[] shape, int[] strides)
    {
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != s) return false;
            s *= shape[d];
        }
        return true;
    }

    internal static int ShapeSize(int[] shape)
    {
        long size = 1;
        foreach (int d in shape) size *= d;
        if (size > Array.MaxLength) throw new ArgumentException($"Shape {FormatShape(shape)} has {size} elements, more than an array can hold.");
        return (int)size;
    }

    internal static void ValidateShape(int[] shape, string paramName)
    {
        ArgumentNullException.ThrowIfNull(shape, paramName);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"Shape {FormatShape(shape)} has a negative dimension.", paramName);
    }
}
