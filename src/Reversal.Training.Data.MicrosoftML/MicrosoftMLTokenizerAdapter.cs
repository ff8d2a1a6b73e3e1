using Microsoft.ML.Tokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization.MicrosoftML;

/// <summary>
/// Any Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (Tiktoken, BPE, SentencePiece, Llama, WordPiece, ...) as a
/// Reversal.Training <see cref="ITokenizer"/>, so it can feed data pipelines, objectives and evaluators.
/// </summary>
/// <remarks>
/// <para>Microsoft.ML.Tokenizers' base <see cref="Tokenizer"/> exposes neither the size of its vocabulary nor the
/// roles of its special tokens, so the caller gives both (for GPT-4o's o200k: 200,019 ids, <c>&lt;|endoftext|&gt;</c>
/// = 199,999). Every id the wrapped tokenizer produces is checked against that size.</para>
/// <para><see cref="TokenToId"/> and <see cref="IdToToken"/> go through encoding and decoding (the base class has no
/// vocabulary lookup): a token is the text that encodes, without normalization or pre-tokenization, to exactly one
/// id, and the text of an id is its decoding.</para>
/// <para>Thread safety is that of the wrapped tokenizer (Microsoft.ML.Tokenizers' tokenizers are safe to share).</para>
/// </remarks>
public sealed class MicrosoftMLTokenizerAdapter : ITokenizer
{
    private readonly HashSet<int> _specialIds;

    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The Microsoft.ML.Tokenizers tokenizer.</param>
    /// <param name="vocabSize">The number of ids it can produce (one more than its largest id).</param>
    /// <param name="specialTokens">Its pad, unk, bos and eos ids; each must be in [0, <paramref name="vocabSize"/>).</param>
    /// <param name="additionalSpecialIds">Further ids <see cref="Decode"/> leaves out when it skips special tokens
    /// (chat markers, for instance); the four roles are always left out.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> or <paramref name="specialTokens"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabSize"/> is not positive, or a special id is
    /// outside the vocabulary.</exception>
    public MicrosoftMLTokenizerAdapter(
        Tokenizer tokenizer, int vocabSize, SpecialTokenIds specialTokens, IEnumerable<int>? additionalSpecialIds = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(specialTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        specialTokens.EnsureInVocabulary(vocabSize, "the Microsoft.ML.Tokenizers tokenizer");
        InnerTokenizer = tokenizer;
        VocabSize = vocabSize;
        SpecialTokens = specialTokens;
        _specialIds = [specialTokens.Pad, specialTokens.Unk, specialTokens.Bos, specialTokens.Eos];
        foreach (int id in additionalSpecialIds ?? [])
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)vocabSize, nameof(additionalSpecialIds));
            _specialIds.Add(id);
        }
    }

    /// <summary>The wrapped tokenizer.</summary>
    public Tokenizer InnerTokenizer { get; }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public SpecialTokenIds SpecialTokens { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The wrapped tokenizer produced an id outside [0,
    /// <see cref="VocabSize"/>): the size given to the adapter is too small.</exception>
    public int[] Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<int> encoded = InnerTokenizer.EncodeToIds(text);
        var ids = new int[encoded.Count + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        int n = 0;
        if (addBos) ids[n++] = SpecialTokens.Bos;
        foreach (int id in encoded) ids[n++] = Checked(id);
        if (addEos) ids[n] = SpecialTokens.Eos;
        return ids;
    }

    /// <inheritdoc />
    /// <remarks>The offsets are those of the wrapped tokenizer's <c>EncodeToTokens</c>.</remarks>
    /// <exception cref="InvalidOperationException">As <see cref="Encode"/>.</exception>
    public EncodedText EncodeWithOffsets(string text, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<EncodedToken> encoded = InnerTokenizer.EncodeToTokens(text, out string? normalizedText, considerNormalization: normalize);
        string target = normalizedText ?? text;
        var tokens = new OffsetToken[encoded.Count];
        for (int i = 0; i < tokens.Length; i++)
        {
            (int start, int length) = encoded[i].Offset.GetOffsetAndLength(target.Length);
            tokens[i] = new OffsetToken(Checked(encoded[i].Id), start, length);
        }
        return new EncodedText(tokens, target);
    }

    /// <inheritdoc />
    /// <remarks>Decoded by the wrapped tokenizer; with <paramref name="skipSpecialTokens"/> the four special roles and
    /// the additional special ids are left out first.</remarks>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var kept = new List<int>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} at index {i} is outside the vocabulary [0, {VocabSize}).");
            if (!skipSpecialTokens || !_specialIds.Contains(id)) kept.Add(id);
        }
        return InnerTokenizer.Decode(kept)
            ?? throw new ArgumentOutOfRangeException(nameof(ids), "The Microsoft.ML.Tokenizers tokenizer could not decode the ids.");
    }

    /// <inheritdoc />
    /// <remarks>The id <paramref name="token"/> encodes to when it encodes, without normalization or
    /// pre-tokenization, to exactly one id; null otherwise.</remarks>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0) return null;
        IReadOnlyList<int> ids = InnerTokenizer.EncodeToIds(token, considerPreTokenization: false, considerNormalization: false);
        return ids.Count == 1 && (uint)ids[0] < (uint)VocabSize ? ids[0] : null;
    }

    /// <inheritdoc />
    /// <remarks>The wrapped tokenizer's decoding of the single id.</remarks>
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)VocabSize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {VocabSize}).");
        return InnerTokenizer.Decode([id])
            ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"The Microsoft.ML.Tokenizers tokenizer has no token with id {id}.");
    }

    private int Checked(int id) => (uint)id < (uint)VocabSize
        ? id
        : throw new InvalidOperationException(
            $"The Microsoft.ML.Tokenizers tokenizer produced id {id}, outside the vocabulary [0, {VocabSize}) given to the adapter.");
}
