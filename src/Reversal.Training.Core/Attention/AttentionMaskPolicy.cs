namespace Reversal.Training.Attention;

/// <summary>The three attention patterns an objective can ask for.</summary>
public enum AttentionKind
{
    /// <summary>Each query sees keys at or before it, all with the standard RoPE rotation.</summary>
    Causal,

    /// <summary>BICO: every key is visible; keys after the query are scored with the sine-negated rotation.</summary>
    Bico,

    /// <summary>GLM blank infilling: a bidirectional prefix (Part A) and a causal suffix (Part B).</summary>
    PrefixBidirectional,
}

/// <summary>
/// Owns, for every (query, key) pair of an attention call, whether the key is visible and which RoPE variant scores
/// it. A key mask (padding, BICO placeholders) is applied on top, removing keys for every query.
/// </summary>
/// <remarks>
/// <para>For every policy the visible keys of query index m form a prefix <c>[0, KeyEnd(b, m))</c>:</para>
/// <list type="bullet">
/// <item><b>Causal</b>: <c>KeyEnd = m + 1</c>; standard RoPE, score <c>qᵀR(n−m)k</c>.</item>
/// <item><b>Bico</b>: <c>KeyEnd = T</c>; keys with position ≤ the query's use the standard rotation, keys after it
/// the sine-negated one, so a key d positions ahead scores exactly like a key d positions behind
/// (<c>qᵀR(m−n)k</c>). The two score sets are joined before the softmax, as in the reference
/// <c>triu(flipped, 1) + tril(standard)</c>.</item>
/// <item><b>PrefixBidirectional</b>: queries inside the prefix of length P_b see the whole prefix and nothing after it
/// (<c>KeyEnd = P_b</c>); queries after the prefix see the prefix and the suffix causally (<c>KeyEnd = m + 1</c>).
/// RoPE rule: like BICO, any visible key whose position id is greater than the query's is scored with the
/// sine-negated rotation, so the model only ever sees non-positive relative distances — the distances a causal
/// model was trained on.</item>
/// </list>
/// <para>The mirroring rule compares <i>position ids</i>, not indices; for BICO they coincide.</para>
/// </remarks>
public sealed class AttentionMaskPolicy
{
    private readonly int[]? _prefixLengths;

    private AttentionMaskPolicy(AttentionKind kind, int[]? prefixLengths)
    {
        Kind = kind;
        _prefixLengths = prefixLengths;
    }

    /// <summary>Standard causal attention.</summary>
    public static AttentionMaskPolicy Causal { get; } = new(AttentionKind.Causal, null);

    /// <summary>BICO bidirectional attention with sine-negated RoPE for keys after the query.</summary>
    public static AttentionMaskPolicy Bico { get; } = new(AttentionKind.Bico, null);

    /// <summary>Prefix-bidirectional attention (GLM's Part A / Part B) with one prefix length per batch row.</summary>
    /// <exception cref="ArgumentException">A prefix length is negative.</exception>
    public static AttentionMaskPolicy PrefixBidirectional(IReadOnlyList<int> prefixLengths)
    {
        ArgumentNullException.ThrowIfNull(prefixLengths);
        var copy = prefixLengths.ToArray();
        for (int i = 0; i < copy.Length; i++)
            if (copy[i] < 0) throw new ArgumentException($"Prefix length {copy[i]} of batch row {i} is negative.", nameof(prefixLengths));
        return new AttentionMaskPolicy(AttentionKind.PrefixBidirectional, copy);
    }

    /// <summary>Which pattern this is.</summary>
    public AttentionKind Kind { get; }

    /// <summary>Per-row prefix lengths (PrefixBidirectional only; empty otherwise).</summary>
    public IReadOnlyList<int> PrefixLengths => _prefixLengths ?? [];

    /// <summary>True when keys ahead of the query may be visible and are then scored with the sine-negated rotation.</summary>
    public bool MirrorsFutureKeys => Kind != AttentionKind.Causal;

    /// <summary>Exclusive end of the visible key range of query index <paramref name="query"/> in batch row <paramref name="batchRow"/>.</summary>
    public int KeyEnd(int batchRow, int query, int keyCount) => Kind switch
    {
        AttentionKind.Causal => Math.Min(query + 1, keyCount),
        AttentionKind.Bico => keyCount,
        _ => query < _prefixLengths![batchRow] ? Math.Min(_prefixLengths[batchRow], keyCount) : Math.Min(query + 1, keyCount),
    };

    /// <summary>True when key index <paramref name="key"/> is visible to query index <paramref name="query"/> (before the key mask).</summary>
    public bool IsVisible(int batchRow, int query, int key, int keyCount) => key < KeyEnd(batchRow, query, keyCount);

    /// <summary>True when the pair is scored with the sine-negated rotation.</summary>
    public bool UsesMirroredRope(int queryPosition, int keyPosition) => MirrorsFutureKeys && keyPosition > queryPosition;

    /// <summary>Checks that the policy fits a batch of <paramref name="batchSize"/> rows of length <paramref name="sequenceLength"/>.</summary>
    /// <exception cref="ArgumentException">The prefix lengths do not match the batch.</exception>
    public void Validate(int batchSize, int sequenceLength)
    {
        if (Kind != AttentionKind.PrefixBidirectional) return;
        if (_prefixLengths!.Length != batchSize)
            throw new ArgumentException($"PrefixBidirectional has {_prefixLengths.Length} prefix lengths for a batch of {batchSize} rows.");
        for (int b = 0; b < batchSize; b++)
            if (_prefixLengths[b] > sequenceLength)
                throw new ArgumentException($"Prefix length {_prefixLengths[b]} of batch row {b} exceeds the sequence length {sequenceLength}.");
    }

    /// <inheritdoc />
    public override string ToString() => Kind.ToString();
}
