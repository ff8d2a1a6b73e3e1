using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace Reversal.Training.Data.Tokenization.MicrosoftML;

/// <summary>
/// Any Reversal.Training <see cref="ITokenizer"/> (a Hugging Face <c>tokenizer.json</c> <see cref="BpeTokenizer"/>, a
/// <see cref="WordTokenizer"/>, ...) as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, for code written against
/// Microsoft.ML.Tokenizers: encoding to ids or tokens with offsets, counting, truncating to a token budget
/// (<c>GetIndexByTokenCount</c>, <c>EncodeToIds</c> with a maximum) and decoding.
/// </summary>
/// <remarks>
/// <para>Offsets come from <see cref="ITokenizer.EncodeWithOffsets"/>; when normalization changed the text they refer
/// to the normalized text, which is reported as <c>normalizedText</c>, as Microsoft.ML.Tokenizers' own tokenizers do.
/// A token budget never cuts between two tokens that share a character (byte-level tokens of one emoji), so the text
/// before the cut encodes to exactly the tokens counted.</para>
/// <para>Pre-tokenization is part of every <see cref="ITokenizer"/>: asking to skip it
/// (<c>considerPreTokenization: false</c>) throws <see cref="NotSupportedException"/> rather than encode differently
/// from what was asked.</para>
/// </remarks>
public sealed class ReversalTokenizerAdapter : Tokenizer
{
    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="skipSpecialTokensWhenDecoding">Whether <c>Decode</c> leaves special tokens out (default false:
    /// they are written as their text, as Microsoft.ML.Tokenizers' tokenizers do).</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public ReversalTokenizerAdapter(ITokenizer tokenizer, bool skipSpecialTokensWhenDecoding = false)
    {
        InnerTokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        SkipSpecialTokensWhenDecoding = skipSpecialTokensWhenDecoding;
    }

    /// <summary>The wrapped tokenizer.</summary>
    public ITokenizer InnerTokenizer { get; }

    /// <summary>Whether <c>Decode</c> leaves special tokens out.</summary>
    public bool SkipSpecialTokensWhenDecoding { get; }

    /// <inheritdoc />
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        EncodedText encoded = Encode(text, textSpan, settings);
        int count = CountWithin(encoded.Tokens, settings.MaxTokenCount);
        var tokens = new EncodedToken[count];
        for (int i = 0; i < count; i++)
        {
            OffsetToken token = encoded.Tokens[i];
            tokens[i] = new EncodedToken(token.Id, InnerTokenizer.IdToToken(token.Id), new Range(token.Start, token.End));
        }
        return new EncodeResults<EncodedToken>
        {
            Tokens = tokens, NormalizedText = NormalizedText(encoded, text, textSpan), CharsConsumed = Consumed(encoded, count),
        };
    }

    /// <inheritdoc />
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        EncodedText encoded = Encode(text, textSpan, settings);
        int count = CountWithin(encoded.Tokens, settings.MaxTokenCount);
        var ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = encoded.Tokens[i].Id;
        return new EncodeResults<int>
        {
            Tokens = ids, NormalizedText = NormalizedText(encoded, text, textSpan), CharsConsumed = Consumed(encoded, count),
        };
    }

    /// <inheritdoc />
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
        => Encode(text, textSpan, settings).Tokens.Count;

    /// <inheritdoc />
    protected override int GetIndexByTokenCount(
        string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        EncodedText encoded = Encode(text, textSpan, settings);
        normalizedText = NormalizedText(encoded, text, textSpan);
        IReadOnlyList<OffsetToken> tokens = encoded.Tokens;
        if (!fromEnd)
        {
            tokenCount = CountWithin(tokens, settings.MaxTokenCount);
            return Consumed(encoded, tokenCount);
        }
        // The shortest suffix start such that at most MaxTokenCount tokens follow and no character is shared across it.
        int first = Math.Max(0, tokens.Count - Math.Max(0, settings.MaxTokenCount));
        while (first > 0 && first < tokens.Count && tokens[first].Start < tokens[first - 1].End) first++;
        tokenCount = tokens.Count - first;
        return first == tokens.Count ? encoded.Text.Length : tokens[first].Start;
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return InnerTokenizer.Decode(ids.ToArray(), SkipSpecialTokensWhenDecoding);
    }

    /// <inheritdoc />
    /// <remarks>When the whole decoding does not fit, writes the decoding of the longest prefix of the ids that fits
    /// and returns <see cref="OperationStatus.DestinationTooSmall"/>.</remarks>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = ids.ToArray();
        string text = InnerTokenizer.Decode(all, SkipSpecialTokensWhenDecoding);
        if (text.Length <= destination.Length)
        {
            text.CopyTo(destination);
            (idsConsumed, charsWritten) = (all.Length, text.Length);
            return OperationStatus.Done;
        }
        // Binary search for the longest prefix of the ids whose decoding fits (the empty prefix always does).
        int low = 0, high = all.Length - 1, best = 0;
        string bestText = "";
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            string prefix = InnerTokenizer.Decode(all.AsSpan(0, middle), SkipSpecialTokensWhenDecoding);
            if (prefix.Length <= destination.Length)
            {
                (best, bestText, low) = (middle, prefix, middle + 1);
            }
            else high = middle - 1;
        }
        bestText.CopyTo(destination);
        (idsConsumed, charsWritten) = (best, bestText.Length);
        return OperationStatus.DestinationTooSmall;
    }

    private EncodedText Encode(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        if (!settings.ConsiderPreTokenization)
            throw new NotSupportedException("A Reversal.Training tokenizer always pre-tokenizes: considerPreTokenization: false is not supported.");
        return InnerTokenizer.EncodeWithOffsets(text ?? textSpan.ToString(), settings.ConsiderNormalization);
    }

    /// <summary>How many of the first tokens fit in <paramref name="maxTokenCount"/> without cutting between two
    /// tokens that share a character.</summary>
    private static int CountWithin(IReadOnlyList<OffsetToken> tokens, int maxTokenCount)
    {
        int count = Math.Min(tokens.Count, Math.Max(0, maxTokenCount));
        while (count > 0 && count < tokens.Count && tokens[count].Start < tokens[count - 1].End) count--;
        return count;
    }

    private static int Consumed(EncodedText encoded, int count)
        => count == encoded.Tokens.Count ? encoded.Text.Length : count == 0 ? 0 : encoded.Tokens[count - 1].End;

    /// <summary>The normalized text when it differs from the input, else null (Microsoft.ML.Tokenizers' convention).</summary>
    private static string? NormalizedText(EncodedText encoded, string? text, ReadOnlySpan<char> textSpan)
        => text is not null ? (ReferenceEquals(encoded.Text, text) || encoded.Text == text ? null : encoded.Text)
            : textSpan.SequenceEqual(encoded.Text) ? null : encoded.Text;
}
