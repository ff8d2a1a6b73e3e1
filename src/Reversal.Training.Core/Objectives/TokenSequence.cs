namespace Reversal.Training.Objectives;

/// <summary>
/// One training example as token ids, with an optional prompt length (the first <see cref="PromptLength"/> tokens are
/// the prompt: context only, never a target when an objective trains on completions only) and optional entity spans
/// (runs of tokens that name one thing, such as a person's name or description, which entity-preserving objectives
/// keep together and in order).
/// </summary>
public sealed class TokenSequence
{
    private static readonly TokenSpan[] NoSpans = [];

    /// <summary>Creates an example.</summary>
    /// <param name="ids">The token ids (at least one, none negative).</param>
    /// <param name="promptLength">Leading prompt tokens, in <c>[0, ids.Length]</c>.</param>
    /// <param name="entitySpans">Entity spans in any order; each must lie inside <c>[0, ids.Length)</c> and no two may
    /// overlap. Stored sorted by start. Null or empty: no entities are known.</param>
    /// <exception cref="ArgumentException">The ids are empty or negative, the prompt length is outside
    /// <c>[0, ids.Length]</c>, or an entity span ends beyond the sequence or overlaps another (the message names both).</exception>
    public TokenSequence(int[] ids, int promptLength = 0, IReadOnlyList<TokenSpan>? entitySpans = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0) throw new ArgumentException("A token sequence needs at least one token.", nameof(ids));
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] < 0) throw new ArgumentException($"Token id {ids[i]} at position {i} is negative.", nameof(ids));
        if (promptLength < 0 || promptLength > ids.Length)
            throw new ArgumentException($"Prompt length {promptLength} is outside [0, {ids.Length}].", nameof(promptLength));
        Ids = ids;
        PromptLength = promptLength;
        EntitySpans = ValidateSpans(entitySpans, ids.Length);
    }

    /// <summary>The token ids.</summary>
    public int[] Ids { get; }

    /// <summary>Number of leading prompt tokens (0: the whole sequence is completion).</summary>
    public int PromptLength { get; }

    /// <summary>The entity spans, sorted by start and disjoint; empty when none are known.</summary>
    public IReadOnlyList<TokenSpan> EntitySpans { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;

    /// <summary>
    /// The token-reversed sequence, as reverse modelling (Yu et al., arXiv 2410.09817) and token-level reverse training
    /// (Golovneva et al., arXiv 2403.13799) define it: the text is tokenised first, then the token order is reversed. A
    /// leading BOS and a trailing EOS stay in place (they mark the sequence, not its content), so the result is still
    /// <c>[BOS] ... [EOS]</c> and reversing twice gives the original ids and spans. Entity spans move with their tokens
    /// (position p of the reversed region <c>[a, b)</c> goes to <c>a + b − 1 − p</c>), so a span still covers the same
    /// tokens, now in reversed order. The prompt boundary does not survive reversal: the result is all completion.
    /// </summary>
    /// <exception cref="ArgumentException">An entity span covers the kept BOS or EOS marker together with other tokens.</exception>
    public TokenSequence Reversed(SpecialTokenIds specialTokens)
    {
        var (start, end) = ContentRange(specialTokens);
        var ids = (int[])Ids.Clone();
        Array.Reverse(ids, start, end - start);
        var spans = new TokenSpan[EntitySpans.Count];
        for (int i = 0; i < spans.Length; i++)
        {
            var span = EntitySpans[i];
            spans[i] = span.Start >= start && span.End <= end
                ? new TokenSpan(start + end - span.End, span.Length)
                : span.End <= start || span.Start >= end
                    ? span
                    : throw new ArgumentException($"Entity span {span} covers a kept BOS/EOS marker and content tokens of {this}; entity spans must lie inside [{start}, {end}).", nameof(specialTokens));
        }
        return new TokenSequence(ids, 0, spans);
    }

    /// <summary>
    /// The content range <c>[start, end)</c>: every token except a leading BOS and a trailing EOS (the markers sequence
    /// transforms keep in place).
    /// </summary>
    public (int Start, int End) ContentRange(SpecialTokenIds specialTokens)
    {
        ArgumentNullException.ThrowIfNull(specialTokens);
        int start = Ids[0] == specialTokens.Bos ? 1 : 0;
        int end = Ids.Length > start && Ids[^1] == specialTokens.Eos ? Ids.Length - 1 : Ids.Length;
        return (start, end);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"TokenSequence({Length} tokens, prompt {PromptLength}{(EntitySpans.Count > 0 ? $", {EntitySpans.Count} entities" : "")})";

    private static TokenSpan[] ValidateSpans(IReadOnlyList<TokenSpan>? spans, int length)
    {
        if (spans is null || spans.Count == 0) return NoSpans;
        var sorted = spans.ToArray();
        Array.Sort(sorted, static (a, b) => a.Start.CompareTo(b.Start));
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Length < 1)
                throw new ArgumentException($"Entity span {i} is empty; spans need at least one token.", "entitySpans");
            if (sorted[i].End > length)
                throw new ArgumentException($"Entity span {sorted[i]} ends beyond the sequence of {length} tokens.", "entitySpans");
            if (i > 0 && sorted[i].Start < sorted[i - 1].End)
                throw new ArgumentException($"Entity spans {sorted[i - 1]} and {sorted[i]} overlap.", "entitySpans");
        }
        return sorted;
    }
}
