using Reversal.Training.Data.Tokenization.AddedTokens;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Models.Bpe;
using Reversal.Training.Data.Tokenization.PostProcessors;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// Trains a GPT-2-style byte-level BPE tokenizer on a corpus.
/// </summary>
/// <remarks>
/// <para>Vocabulary: the special tokens first (ids 0, 1, ...), then the 256 byte symbols of the
/// <see cref="ByteLevelAlphabet"/> in byte order, then one token per merge, in merge order (a merge whose result
/// already exists adds no token).</para>
/// <para>Counting: special tokens written in a text are cut out (they never take part in merges); the rest is split
/// with the GPT-2 pattern and written as byte symbols (the <c>ByteLevel</c> pre-tokenizer with
/// <c>use_regex: true</c>), and distinct pieces are counted. Each step merges the most frequent adjacent pair
/// (counted over all pieces, weighted by their frequency); ties go to the ordinally smaller left token, then the
/// ordinally smaller right token, so the result depends only on the multiset of texts, not their order.</para>
/// <para>The tokenizer has no normalizer, a <c>ByteLevel</c> pre-tokenizer, post-processor and decoder, and a BPE
/// model without unknown token; it saves as a standard <c>tokenizer.json</c>.</para>
/// </remarks>
public static class BpeTrainer
{
    /// <summary>Trains a tokenizer on <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The training texts.</param>
    /// <param name="options">Options; null means <c>new BpeTrainerOptions()</c>.</param>
    /// <returns>The trained tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="corpus"/> is null.</exception>
    /// <exception cref="ArgumentException">A text is null, or a special token is null, empty, duplicated or a single
    /// byte-alphabet character.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BpeTrainerOptions.VocabSize"/> is below the number of
    /// special tokens + 256, or <see cref="BpeTrainerOptions.MinFrequency"/> is below 1.</exception>
    public static BpeTokenizer Train(IEnumerable<string> corpus, BpeTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new BpeTrainerOptions();
        string[] specials = ValidateSpecialTokens(options.SpecialTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.VocabSize, specials.Length + 256, "options.VocabSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinFrequency, 1, "options.MinFrequency");

        AddedToken[] added = [.. specials.Select((s, id) => new AddedToken(id, s) { Special = true, Normalized = false })];
        var preTokenizer = new ByteLevelPreTokenizer(addPrefixSpace: false, trimOffsets: true, useRegex: true);
        Dictionary<string, long> pieceCounts = CountPieces(corpus, added, preTokenizer);

        var vocab = new List<string>(specials);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < vocab.Count; id++) ids.Add(vocab[id], id);
        foreach (char c in ByteLevelAlphabet.Characters)
        {
            ids.Add(c.ToString(), vocab.Count);
            vocab.Add(c.ToString());
        }

        var merges = new List<(int Left, int Right)>();
        new BpeMergeLearner(pieceCounts, ids, vocab, merges).Run(options.VocabSize, options.MinFrequency);

        var settings = new BpeModelSettings { IgnoreMerges = false };
        var model = new BpeModel([.. vocab], merges, settings);
        var byteLevel = (Prefix: false, Trim: true, Regex: true);
        return new BpeTokenizer(
            model, added, normalizer: null, preTokenizer,
            new ByteLevelPostProcessor(byteLevel.Prefix, byteLevel.Trim, byteLevel.Regex),
            new ByteLevelDecoder(byteLevel.Prefix, byteLevel.Trim, byteLevel.Regex),
            BpeTokenizerFileInfo.Default, "the trained tokenizer", specialTokens: null, specialTokenNames: null);
    }

    private static string[] ValidateSpecialTokens(IReadOnlyList<string>? specials)
    {
        if (specials is null) throw new ArgumentException("SpecialTokens is null.", "options");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < specials.Count; i++)
        {
            string token = specials[i];
            if (string.IsNullOrEmpty(token)) throw new ArgumentException($"SpecialTokens[{i}] is null or empty.", "options");
            if (!seen.Add(token)) throw new ArgumentException($"SpecialTokens[{i}] \"{token}\" is a duplicate.", "options");
            if (token.Length == 1 && ByteLevelAlphabet.TryGetByte(token[0], out _))
                throw new ArgumentException($"SpecialTokens[{i}] \"{token}\" is a byte-alphabet character.", "options");
        }
        return [.. specials];
    }

    private static Dictionary<string, long> CountPieces(IEnumerable<string> corpus, AddedToken[] added, ByteLevelPreTokenizer preTokenizer)
    {
        var matcher = new AddedTokenMatcher(added.Select(t => (t.Content, t)));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var segments = new List<AddedTokenSegment>();
        var pieces = new List<PreTokenizedPiece>();
        int index = 0;
        foreach (string? text in corpus)
        {
            if (text is null) throw new ArgumentException($"The corpus holds a null text at index {index}.", nameof(corpus));
            index++;
            segments.Clear();
            matcher.Split(text, segments);
            foreach (AddedTokenSegment segment in segments)
            {
                if (segment.Token is not null) continue;
                pieces.Clear();
                preTokenizer.PreTokenize(text.Substring(segment.Start, segment.Length), pieces);
                foreach (PreTokenizedPiece piece in pieces)
                    counts[piece.Text] = counts.TryGetValue(piece.Text, out long count) ? count + 1 : 1;
            }
        }
        return counts;
    }
}
