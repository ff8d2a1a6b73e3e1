using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// The operands of one attention call, already RoPE-rotated, in the layout the projections produce:
/// queries <c>[B, Tq, H, d]</c>, keys and values <c>[B, Tk, Hkv, d]</c> (grouped-query: query head h reads kv head
/// <c>h / (H / Hkv)</c>).
/// </summary>
/// <remarks>
/// <para><b>Ragged queries</b> (decoding over a KV cache): when <see cref="QueryStarts"/> is set, row b has
/// <c>QueryCounts[b]</c> queries stored as rows <c>QueryStarts[b] ..</c> of a packed <c>[N, H, d]</c> query buffer, and
/// its query t sits at key index <c>QueryOffsets[b] + t</c>; <see cref="QueryLength"/> is then the largest count (the
/// stride of the log-sum-exp). Keys keep the uniform <c>[B, Tk]</c> layout, Tk being the cache capacity.</para>
/// </remarks>
internal sealed class AttentionProblem
{
    public required int Batch { get; init; }
    public required int QueryLength { get; init; }
    public required int KeyLength { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }

    /// <summary>Per row <c>[B]</c>: the key index of query 0 (null: 0, as in training; the cached length when decoding).</summary>
    public int[]? QueryOffsets { get; init; }

    /// <summary>Per row <c>[B]</c>: the packed query row of the row's query 0 (null: <c>b·QueryLength</c>).</summary>
    public int[]? QueryStarts { get; init; }

    /// <summary>Per row <c>[B]</c>: the number of queries of the row (null: <see cref="QueryLength"/> each).</summary>
    public int[]? QueryCounts { get; init; }

    public required float[] QueryStandard { get; init; }
    public required float[] KeyStandard { get; init; }

    /// <summary>Queries rotated with the sine-negated RoPE (null when the policy never mirrors).</summary>
    public float[]? QueryMirrored { get; init; }

    /// <summary>Keys rotated with the sine-negated RoPE (null when the policy never mirrors).</summary>
    public float[]? KeyMirrored { get; init; }

    public required float[] Value { get; init; }
    public required int[] QueryPositions { get; init; }
    public required int[] KeyPositions { get; init; }

    /// <summary>Per key <c>[B·Tk]</c>: false removes the key for every query. Null keeps all keys.</summary>
    public bool[]? KeyMask { get; init; }

    public required AttentionMaskPolicy Policy { get; init; }

    public float Scale => 1f / MathF.Sqrt(HeadDim);
    public int Group => Heads / KvHeads;
    public bool Mirrors => QueryMirrored is not null && KeyMirrored is not null;

    /// <summary>The queries of row b.</summary>
    public int QueryCount(int b) => QueryCounts is null ? QueryLength : QueryCounts[b];

    /// <summary>The key index of query 0 of row b.</summary>
    public int QueryOffset(int b) => QueryOffsets is null ? 0 : QueryOffsets[b];

    /// <summary>The query-buffer row (and position-id index) of query t of row b.</summary>
    public int QueryRow(int b, int t) => (QueryStarts is null ? b * QueryLength : QueryStarts[b]) + t;

    /// <summary>The position id of query t of row b.</summary>
    public int QueryPosition(int b, int t) => QueryPositions[QueryRow(b, t)];

    /// <summary>Exclusive end of the keys query t of row b may see (the policy's key end at the query's key index).</summary>
    public int RowKeyEnd(int b, int t) => Policy.KeyEnd(b, t + QueryOffset(b), KeyLength);

    public int QueryIndex(int b, int t, int h) => (QueryRow(b, t) * Heads + h) * HeadDim;
    public int KeyIndex(int b, int t, int kvh) => ((b * KeyLength + t) * KvHeads + kvh) * HeadDim;
    public int StatIndex(int b, int h, int t) => (b * Heads + h) * QueryLength + t;

    public bool KeyVisible(int b, int n) => KeyMask is null || KeyMask[b * KeyLength + n];

    private bool[]? _keyPositionsAscending;

    /// <summary>
    /// True when row b's key positions never decrease (BICO, causal and plain batches): then the keys a query scores with
    /// the mirrored rotation form one suffix, found by <see cref="FirstKeyAfter"/>, and kernels can work on whole ranges.
    /// </summary>
    public bool KeyPositionsAscending(int b)
    {
        if (_keyPositionsAscending is null)
        {
            var flags = new bool[Batch];
            for (int row = 0; row < Batch; row++)
            {
                var positions = KeyPositions.AsSpan(row * KeyLength, KeyLength);
                bool ascending = true;
                for (int n = 1; n < positions.Length && ascending; n++) ascending = positions[n] >= positions[n - 1];
                flags[row] = ascending;
            }
            _keyPositionsAscending = flags;
        }
        return _keyPositionsAscending[b];
    }

    /// <summary>For ascending key positions: the first key index of row b whose position is greater than <paramref name="position"/>.</summary>
    public int FirstKeyAfter(int b, int position)
    {
        var positions = KeyPositions.AsSpan(b * KeyLength, KeyLength);
        int lo = 0, hi = positions.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (positions[mid] > position) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>True when the pair (query t, key n) of row b is scored with the mirrored rotation.</summary>
    public bool Mirrored(int b, int t, int n) =>
        Mirrors && Policy.UsesMirroredRope(QueryPosition(b, t), KeyPositions[b * KeyLength + n]);
}
