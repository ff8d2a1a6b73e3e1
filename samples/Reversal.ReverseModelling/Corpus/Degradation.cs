namespace Reversal.ReverseModelling.Corpus;

/// <summary>How a degraded document was made from a natural one.</summary>
internal enum Degradation
{
    /// <summary>The words in random order.</summary>
    ShuffledWords,

    /// <summary>About a third of the words carry one character edit (swap, deletion, insertion or substitution).</summary>
    Typos,

    /// <summary>A span of 3–8 words repeated three more times in place.</summary>
    RepeatedSpan,

    /// <summary>A contiguous half of the words replaced by random words of the corpus (machine-garbled text).</summary>
    GarbledSpan,
}
