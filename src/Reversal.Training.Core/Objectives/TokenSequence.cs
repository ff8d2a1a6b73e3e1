namespace Reversal.Training.Objectives;

/// <summary>
/// One training example as token ids, with an optional prompt length: the first <see cref="PromptLength"/> tokens are
/// the prompt (context only, never a target when an objective trains on completions only).
/// </summary>
public sealed class TokenSequence
{
    /// <summary>Creates an example.</summary>
    /// <exception cref="ArgumentException">The ids are empty or negative, or the prompt length is outside <c>[0, ids.Length]</c>.</exception>
    public TokenSequence(int[] ids, int promptLength = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0) throw new ArgumentException("A token sequence needs at least one token.", nameof(ids));
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] < 0) throw new ArgumentException($"Token id {ids[i]} at position {i} is negative.", nameof(ids));
        if (promptLength < 0 || promptLength > ids.Length)
            throw new ArgumentException($"Prompt length {promptLength} is outside [0, {ids.Length}].", nameof(promptLength));
        Ids = ids;
        PromptLength = promptLength;
    }

    /// <summary>The token ids.</summary>
    public int[] Ids { get; }

    /// <summary>Number of leading prompt tokens (0: the whole sequence is completion).</summary>
    public int PromptLength { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;

    /// <summary>
    /// The token-reversed sequence, as reverse modelling (Yu et al., arXiv 2410.09817) and token-level reverse training
    /// (Golovneva et al., arXiv 2403.13799) define it: the text is tokenised first, then the token order is reversed. A
    /// leading BOS and a trailing EOS stay in place (they mark the sequence, not its content), so the result is still
    /// <c>[BOS] ... [EOS]</c> and reversing twice gives the original ids. The prompt boundary does not survive reversal:
    /// the result is all completion.
    /// </summary>
    public TokenSequence Reversed(SpecialTokenIds specialTokens)
    {
        ArgumentNullException.ThrowIfNull(specialTokens);
        var ids = (int[])Ids.Clone();
        int start = ids[0] == specialTokens.Bos ? 1 : 0;
        int end = ids.Length > start && ids[^1] == specialTokens.Eos ? ids.Length - 1 : ids.Length;
        Array.Reverse(ids, start, end - start);
        return new TokenSequence(ids);
    }

    /// <inheritdoc />
    public override string ToString() => $"TokenSequence({Length} tokens, prompt {PromptLength})";
}
