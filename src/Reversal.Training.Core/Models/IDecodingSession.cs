namespace Reversal.Training.Models;

/// <summary>
/// Incremental decoding of a batch of rows over a KV cache: each <see cref="Append"/> feeds new token columns and
/// returns the next-token logits of every row. Rows may be ragged: a padding entry (keep = false) is neither cached
/// as a key nor given a position, so a row decodes exactly as it would alone.
/// </summary>
/// <remarks>
/// Positions: a kept token of row b gets position = the number of kept tokens of row b before it (0 for the first).
/// Left padding therefore aligns ragged prompts without shifting any position.
/// </remarks>
public interface IDecodingSession : IDisposable
{
    /// <summary>Rows B.</summary>
    int BatchSize { get; }

    /// <summary>Tokens each row can hold.</summary>
    int Capacity { get; }

    /// <summary>
    /// Feeds <c>n = ids.Length / B</c> new columns (<paramref name="ids"/> is <c>[B, n]</c> row-major) and returns the
    /// logits <c>[B, V]</c> after each row's last kept token so far.
    /// </summary>
    /// <param name="ids">New token ids <c>[B·n]</c>; padding entries may hold any in-vocabulary id.</param>
    /// <param name="keep"><c>[B·n]</c>: false marks padding; empty means every entry is kept.</param>
    /// <exception cref="ArgumentException">The lengths do not form <c>[B, n]</c>, an id is outside the vocabulary, a row
    /// would exceed <see cref="Capacity"/>, or a row has no kept token yet.</exception>
    float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep = default);

    /// <summary>Kept tokens cached in row <paramref name="row"/>.</summary>
    int Length(int row);
}
