using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// Turns text into token ids and back. Every tokenizer of the library (word-level, BPE) implements it, so
/// data pipelines and objectives never depend on a concrete tokenizer.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids of the vocabulary: every id the tokenizer produces is in [0, <see cref="VocabSize"/>).
    /// A sparse vocabulary leaves some ids in that range without a token.</summary>
    int VocabSize { get; }

    /// <summary>The ids of padding, unknown, beginning- and end-of-sequence tokens.</summary>
    SpecialTokenIds SpecialTokens { get; }

    /// <summary>Encodes <paramref name="text"/> to token ids.</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="addBos">Prepend the beginning-of-sequence id.</param>
    /// <param name="addEos">Append the end-of-sequence id.</param>
    /// <returns>A new array of ids.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    int[] Encode(string text, bool addBos = false, bool addEos = false);

    /// <summary>Encodes <paramref name="text"/> as <see cref="Encode"/> does (without BOS/EOS) and tells which
    /// characters each token stands for, for callers that need offsets (highlighting, truncating a text to a token
    /// budget, the Microsoft.ML.Tokenizers adapter).</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="normalize">Apply the tokenizer's normalization (the default, as <see cref="Encode"/> does); false
    /// encodes the text as it is.</param>
    /// <returns>The tokens and the text their offsets refer to (the input, or its normalized form).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    EncodedText EncodeWithOffsets(string text, bool normalize = true);

    /// <summary>Decodes token ids back to text.</summary>
    /// <param name="ids">The ids to decode.</param>
    /// <param name="skipSpecialTokens">Leave special tokens out of the text (otherwise they are written as their token text).</param>
    /// <returns>The decoded text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="VocabSize"/>) or names no token
    /// (a hole of a sparse vocabulary).</exception>
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true);

    /// <summary>The id of a token's exact text, or null when the token is not in the vocabulary.</summary>
    /// <param name="token">The token text (not normalised: pass it as stored in the vocabulary).</param>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    int? TokenToId(string token);

    /// <summary>The text of the token with id <paramref name="id"/>.</summary>
    /// <param name="id">A token id.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, <see cref="VocabSize"/>) or
    /// names no token.</exception>
    string IdToToken(int id);
}
