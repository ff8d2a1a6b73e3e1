namespace Reversal.Training.Objectives;

/// <summary>
/// The ids of the special tokens every objective may need. A tokenizer reports its own; objectives read them
/// from the <see cref="ObjectiveContext"/> they are given.
/// </summary>
/// <param name="Pad">Padding id: never attended to as a key and never a target.</param>
/// <param name="Unk">Unknown-word id (BICO's default placeholder).</param>
/// <param name="Bos">Beginning-of-sequence id (never masked by denoising objectives).</param>
/// <param name="Eos">End-of-sequence id (never masked by denoising objectives).</param>
public sealed record SpecialTokenIds(int Pad, int Unk, int Bos, int Eos)
{
    /// <summary>The conventional layout <c>&lt;pad&gt;=0, &lt;unk&gt;=1, &lt;bos&gt;=2, &lt;eos&gt;=3</c> used by <c>WordTokenizer</c>.</summary>
    public static SpecialTokenIds Default { get; } = new(0, 1, 2, 3);

    /// <summary>True when <paramref name="id"/> is padding, BOS or EOS (tokens that objectives never corrupt).</summary>
    public bool IsStructural(int id) => id == Pad || id == Bos || id == Eos;

    /// <summary>
    /// The one check that these ids belong to a vocabulary: throws unless each of the four ids is in
    /// [0, <paramref name="vocabSize"/>) and, when <paramref name="hasToken"/> is given, names a token (sparse
    /// vocabularies leave ids without a token). Models, trainers and tokenizers all validate special ids here.
    /// </summary>
    /// <param name="vocabSize">The number of ids of the vocabulary (one more than its largest id).</param>
    /// <param name="owner">Who holds the vocabulary, as the message names it (e.g. <c>"the model"</c> or
    /// <c>"tokenizer 'tokenizer.json'"</c>).</param>
    /// <param name="hasToken">Optional: false for an id in range that has no token. Null means every id in range is
    /// a token.</param>
    /// <param name="paramName">The parameter the ids came from, for the exception (default <c>"specialTokens"</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary or has no token; the message names
    /// the owner, the role (Pad, Unk, Bos, Eos) and the id, e.g. <c>"Special token Eos has id 99, outside the
    /// vocabulary [0, 32) of the model."</c></exception>
    /// <exception cref="ArgumentException"><paramref name="owner"/> is null or empty.</exception>
    public void EnsureInVocabulary(int vocabSize, string owner, Func<int, bool>? hasToken = null, string paramName = "specialTokens")
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        Check(nameof(Pad), Pad);
        Check(nameof(Unk), Unk);
        Check(nameof(Bos), Bos);
        Check(nameof(Eos), Eos);

        void Check(string role, int id)
        {
            if ((uint)id >= (uint)vocabSize)
                throw new ArgumentOutOfRangeException(paramName, id, $"Special token {role} has id {id}, outside the vocabulary [0, {vocabSize}) of {owner}.");
            if (hasToken is not null && !hasToken(id))
                throw new ArgumentOutOfRangeException(paramName, id, $"Special token {role} has id {id}, which no token of {owner} has (a hole in its ids).");
        }
    }
}
