using Microsoft.ML.Tokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization.MicrosoftML;

/// <summary>Conversions between Reversal.Training's <see cref="ITokenizer"/> and Microsoft.ML.Tokenizers'
/// <see cref="Tokenizer"/>. Converting back unwraps instead of stacking adapters.</summary>
public static class MicrosoftMLTokenizerExtensions
{
    /// <summary>This tokenizer as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (see
    /// <see cref="ReversalTokenizerAdapter"/>); a wrapped Microsoft.ML.Tokenizers tokenizer is returned as it is.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="skipSpecialTokensWhenDecoding">Whether <c>Decode</c> leaves special tokens out.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public static Tokenizer AsMicrosoftMLTokenizer(this ITokenizer tokenizer, bool skipSpecialTokensWhenDecoding = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer is MicrosoftMLTokenizerAdapter adapter
            ? adapter.InnerTokenizer
            : new ReversalTokenizerAdapter(tokenizer, skipSpecialTokensWhenDecoding);
    }

    /// <summary>This Microsoft.ML.Tokenizers tokenizer as an <see cref="ITokenizer"/> (see
    /// <see cref="MicrosoftMLTokenizerAdapter"/>); a wrapped Reversal.Training tokenizer is returned as it is.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="vocabSize">The number of ids it can produce (ignored when unwrapping).</param>
    /// <param name="specialTokens">Its pad, unk, bos and eos ids (ignored when unwrapping).</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> or <paramref name="specialTokens"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabSize"/> is not positive or a special id is
    /// outside the vocabulary.</exception>
    public static ITokenizer AsReversalTokenizer(this Tokenizer tokenizer, int vocabSize, SpecialTokenIds specialTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer is ReversalTokenizerAdapter adapter
            ? adapter.InnerTokenizer
            : new MicrosoftMLTokenizerAdapter(tokenizer, vocabSize, specialTokens);
    }
}
