namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>What a <see cref="SplitPreTokenizer"/> does with the parts of the text that match its pattern
/// (the <c>"behavior"</c> field; names as in the file).</summary>
internal enum SplitBehavior
{
    /// <summary>Matches are dropped; the text between them is kept.</summary>
    Removed,

    /// <summary>Matches and the text between them are separate pieces.</summary>
    Isolated,

    /// <summary>A match is appended to the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>A match is prepended to the piece after it.</summary>
    MergedWithNext,

    /// <summary>Consecutive matches form one piece.</summary>
    Contiguous,
}
