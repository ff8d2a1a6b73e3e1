namespace Reversal.Training.Objectives;

/// <summary>
/// Which token ids begin a word, for objectives that work on words rather than tokens (word-level and
/// entity-preserving reversal). A word is a token that begins one followed by every token up to the next that begins
/// one: with a word-level tokenizer every token is a word; with BPE, <c>"▁Bar" "ring" "ton"</c> is one word.
/// </summary>
public sealed class WordBoundaries
{
    private readonly bool[]? _startsWord;

    private WordBoundaries(bool[]? startsWord) => _startsWord = startsWord;

    /// <summary>Every token is a word of its own (word-level tokenizers).</summary>
    public static WordBoundaries EveryToken { get; } = new(null);

    /// <summary>Creates the boundaries from a table with one entry per vocabulary id.</summary>
    /// <param name="startsWord"><c>startsWord[id]</c> is true when token <c>id</c> begins a word.</param>
    /// <exception cref="ArgumentException">The table is empty.</exception>
    public static WordBoundaries FromTable(IReadOnlyList<bool> startsWord)
    {
        ArgumentNullException.ThrowIfNull(startsWord);
        if (startsWord.Count == 0) throw new ArgumentException("A word-boundary table needs one entry per vocabulary id; it is empty.", nameof(startsWord));
        return new WordBoundaries(startsWord.ToArray());
    }

    /// <summary>Number of ids the table covers (null for <see cref="EveryToken"/>, which covers every id).</summary>
    public int? VocabSize => _startsWord?.Length;

    /// <summary>True when token <paramref name="id"/> begins a word.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative or outside the table.</exception>
    public bool StartsWord(int id)
    {
        if (_startsWord is null)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id);
            return true;
        }
        if ((uint)id >= (uint)_startsWord.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the word-boundary table of {_startsWord.Length} ids.");
        return _startsWord[id];
    }
}
