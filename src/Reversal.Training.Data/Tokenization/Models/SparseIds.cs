namespace Reversal.Training.Data.Tokenization.Models;

/// <summary>
/// The limit on holes in a vocabulary's ids. Files such as GPT-4o's o200k layout give ids up to 200,018 to 200,000
/// tokens, and the reference implementation accepts them: the vocabulary size is then the largest id + 1 and the
/// ids without a token are holes (decoding one is an error). A file is refused when it leaves more holes than it
/// has tokens plus <see cref="ExtraHoles"/>, so every array indexed by id holds at most
/// <c>2 × tokens + 65,536</c> entries: bounded by the file's own content, never by a single large id.
/// </summary>
internal static class SparseIds
{
    /// <summary>Holes allowed beyond one per token: 65,536.</summary>
    public const int ExtraHoles = 65_536;

    /// <summary>True when ids up to <paramref name="largestId"/> for <paramref name="tokenCount"/> distinct ids leave
    /// no more holes than the limit allows.</summary>
    public static bool WithinLimit(long largestId, int tokenCount) => largestId + 1 - tokenCount <= (long)tokenCount + ExtraHoles;

    /// <summary>The message for a layout beyond the limit.</summary>
    public static string Problem(long largestId, int tokenCount)
        => $"the largest id {largestId} leaves {largestId + 1 - tokenCount:N0} ids without a token among {tokenCount:N0} tokens; " +
           $"at most {(long)tokenCount + ExtraHoles:N0} holes (the number of tokens + {ExtraHoles:N0}) are accepted";
}
