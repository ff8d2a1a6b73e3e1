namespace Reversal.Training.Models;

/// <summary>
/// The argument checks every <see cref="IDecodingSession"/> and <see cref="IPrefixDecodingSession"/> implementation
/// shares, so the engines refuse the same call with the same message. Rows are the session's B rows; an entry is one
/// of the <c>[B, n]</c> new columns of a call.
/// </summary>
public static class DecodingChecks
{
    /// <summary>
    /// The number of new columns n of a call feeding <paramref name="idsLength"/> ids to <paramref name="rows"/> rows.
    /// </summary>
    /// <param name="idsLength">Ids of the call.</param>
    /// <param name="keepLength">Entries of its keep mask (0: every entry is kept).</param>
    /// <param name="rows">Rows of the session.</param>
    /// <exception cref="ArgumentException">The ids are empty or do not divide into <paramref name="rows"/> rows, or the
    /// keep mask has another length.</exception>
    public static int Columns(int idsLength, int keepLength, int rows)
    {
        if (idsLength == 0 || idsLength % rows != 0)
            throw new ArgumentException($"{idsLength} ids do not form [{rows}, n] new columns.", "ids");
        if (keepLength != 0 && keepLength != idsLength)
            throw new ArgumentException($"The keep mask has {keepLength} entries for {idsLength} ids.", "keep");
        return idsLength / rows;
    }

    /// <summary>Checks that a call's explicit position ids match its ids one for one.</summary>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public static void PositionCount(int positionsLength, int idsLength)
    {
        if (positionsLength != idsLength)
            throw new ArgumentException($"{positionsLength} position ids for {idsLength} ids.", "positions");
    }

    /// <summary>Checks one kept entry of row <paramref name="row"/>: its token id, and its position id when it has one.</summary>
    /// <param name="id">The token id.</param>
    /// <param name="position">The explicit position id, or null when the session places the token itself.</param>
    /// <param name="row">The entry's row.</param>
    /// <param name="vocabSize">The model's vocabulary V.</param>
    /// <param name="contextLength">The model's context.</param>
    /// <exception cref="ArgumentException">The id is outside <c>[0, V)</c> or the position outside the context.</exception>
    public static void Entry(int id, int? position, int row, int vocabSize, int contextLength)
    {
        if ((uint)id >= (uint)vocabSize)
            throw new ArgumentException($"Token id {id} of row {row} is outside the vocabulary [0, {vocabSize}).", "ids");
        if (position is int p && (uint)p >= (uint)contextLength)
            throw new ArgumentException($"Position id {p} of row {row} is outside the context [0, {contextLength}).", "positions");
    }

    /// <summary>Checks row <paramref name="row"/> after a call has counted its new tokens.</summary>
    /// <param name="row">The row.</param>
    /// <param name="length">Tokens the row would hold after the call.</param>
    /// <param name="capacity">The session's capacity.</param>
    /// <param name="hasLogits">Whether the row will have next-token logits (a kept token now or before).</param>
    /// <exception cref="ArgumentException">The row would exceed the capacity, or has never had a kept token.</exception>
    public static void Row(int row, int length, int capacity, bool hasLogits)
    {
        if (length > capacity)
            throw new ArgumentException($"Row {row} would hold {length} tokens, more than the session's capacity {capacity}.", "ids");
        if (!hasLogits)
            throw new ArgumentException($"Row {row} has no kept token yet, so it has no next-token logits.", "keep");
    }

    /// <summary>Checks that <see cref="IPrefixDecodingSession.Prefill"/> is the session's first call and has one prefix length per row.</summary>
    /// <param name="rowLengths">Tokens each row holds now.</param>
    /// <param name="prefixLengths">The call's prefix lengths.</param>
    /// <exception cref="InvalidOperationException">A row already holds tokens.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="prefixLengths"/> is null.</exception>
    /// <exception cref="ArgumentException">The prefix lengths are not one per row.</exception>
    public static void Prefill(IReadOnlyList<int> rowLengths, IReadOnlyList<int> prefixLengths)
    {
        ArgumentNullException.ThrowIfNull(prefixLengths);
        for (int b = 0; b < rowLengths.Count; b++)
            if (rowLengths[b] > 0)
                throw new InvalidOperationException($"Prefill must be the session's first call; row {b} already holds {rowLengths[b]} tokens.");
        if (prefixLengths.Count != rowLengths.Count)
            throw new ArgumentException($"{prefixLengths.Count} prefix lengths for {rowLengths.Count} rows.", nameof(prefixLengths));
    }

    /// <summary>Checks each row's prefix length against the tokens the row keeps in the prefill.</summary>
    /// <exception cref="ArgumentException">A prefix length is outside <c>[0, kept tokens of the row]</c>.</exception>
    public static void PrefixLengths(IReadOnlyList<int> prefixLengths, IReadOnlyList<int> keptCounts)
    {
        for (int b = 0; b < keptCounts.Count; b++)
            if (prefixLengths[b] < 0 || prefixLengths[b] > keptCounts[b])
                throw new ArgumentException($"Row {b} has a prefix of {prefixLengths[b]} tokens but {keptCounts[b]} kept tokens.", nameof(prefixLengths));
    }
}
