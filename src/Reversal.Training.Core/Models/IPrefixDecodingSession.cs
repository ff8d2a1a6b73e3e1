namespace Reversal.Training.Models;

/// <summary>
/// A decoding session whose tokens carry explicit position ids and whose first block may hold a bidirectional prefix:
/// incremental decoding under <see cref="Attention.AttentionMaskPolicy.PrefixBidirectional"/>, as GLM blank infilling
/// decodes Part B after Part A. A session from <see cref="ICausalLanguageModel.StartDecoding"/> may implement it;
/// decoders test for it and otherwise re-run the full forward.
/// </summary>
/// <remarks>
/// <para>Exactness: after <see cref="Prefill"/> with prefix lengths P_b and any number of <see cref="Append"/> calls,
/// the logits of every row equal those of one full forward over the row's kept tokens with the same position ids and
/// <c>PrefixBidirectional([P_b])</c>: a query inside the prefix sees the whole prefix, a query after it sees the prefix
/// and the later tokens up to itself, and a visible key whose position id is greater than the query's is scored with the
/// sine-negated rotation.</para>
/// <para>Padding (keep = false) is neither cached nor counted, exactly as in <see cref="IDecodingSession.Append"/>.</para>
/// </remarks>
public interface IPrefixDecodingSession : IDecodingSession
{
    /// <summary>
    /// The session's first call: feeds <c>n = ids.Length / B</c> columns <c>[B, n]</c>, the first
    /// <c>prefixLengths[b]</c> kept tokens of row b forming its bidirectional prefix, and returns the logits
    /// <c>[B, V]</c> after each row's last kept token.
    /// </summary>
    /// <param name="ids">Token ids <c>[B·n]</c>.</param>
    /// <param name="keep"><c>[B·n]</c>: false marks padding; empty keeps every entry.</param>
    /// <param name="positions">Position id of every entry <c>[B·n]</c> (padding entries are ignored).</param>
    /// <param name="prefixLengths">Per row <c>[B]</c>: kept tokens in the bidirectional prefix (0 to the row's kept count).</param>
    /// <exception cref="InvalidOperationException">The session already holds tokens.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, an id or position is out of range, a row would exceed the
    /// capacity or has no kept token, or a prefix length is outside <c>[0, kept tokens of the row]</c>.</exception>
    float[] Prefill(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions, IReadOnlyList<int> prefixLengths);

    /// <summary>
    /// Feeds new columns <c>[B, n]</c> with explicit position ids; they attend to the row's cache and to each other
    /// causally (after the prefix). Returns the logits <c>[B, V]</c> after each row's last kept token so far.
    /// </summary>
    /// <param name="ids">Token ids <c>[B·n]</c>.</param>
    /// <param name="keep"><c>[B·n]</c>: false marks padding; empty keeps every entry.</param>
    /// <param name="positions">Position id of every entry <c>[B·n]</c> (padding entries are ignored).</param>
    /// <exception cref="ArgumentException">See <see cref="IDecodingSession.Append"/>; also a position outside the
    /// model's context or a length that differs from <paramref name="ids"/>.</exception>
    float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions);
}
