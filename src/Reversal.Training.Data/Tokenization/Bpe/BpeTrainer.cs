using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization.Bpe;

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
        new MergeLearner(pieceCounts, ids, vocab, merges).Run(options.VocabSize, options.MinFrequency);

        var settings = new BpeModelSettings { IgnoreMerges = false };
        var model = new BpeModel([.. vocab], merges, settings);
        var byteLevel = (Prefix: false, Trim: true, Regex: true);
        return new BpeTokenizer(
            model, added, normalizer: null, preTokenizer,
            new ByteLevelPostProcessor(byteLevel.Prefix, byteLevel.Trim, byteLevel.Regex),
            new ByteLevelDecoder(byteLevel.Prefix, byteLevel.Trim, byteLevel.Regex),
            BpeTokenizerFileInfo.Default, specialTokens: null, specialTokenNames: null);
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
        var pieces = new List<string>();
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
                foreach (string piece in pieces)
                    counts[piece] = counts.TryGetValue(piece, out long count) ? count + 1 : 1;
            }
        }
        return counts;
    }

    /// <summary>The merge loop over distinct pieces with incremental pair counts and a lazily updated heap.</summary>
    private sealed class MergeLearner
    {
        private readonly List<int[]> _words = [];
        private readonly List<long> _frequencies = [];
        private readonly Dictionary<long, long> _pairCounts = new(PairKeyComparer.Instance);
        private readonly Dictionary<long, HashSet<int>> _pairWords = new(PairKeyComparer.Instance);
        private readonly Dictionary<string, int> _ids;
        private readonly List<string> _vocab;
        private readonly List<(int Left, int Right)> _merges;
        private readonly PriorityQueue<long, (long Count, string Left, string Right)> _heap;

        public MergeLearner(Dictionary<string, long> pieceCounts, Dictionary<string, int> ids, List<string> vocab, List<(int, int)> merges)
        {
            _ids = ids;
            _vocab = vocab;
            _merges = merges;
            _heap = new PriorityQueue<long, (long Count, string Left, string Right)>(Comparer<(long Count, string Left, string Right)>.Create(
                static (x, y) =>
                {
                    int byCount = y.Count.CompareTo(x.Count);
                    if (byCount != 0) return byCount;
                    int byLeft = string.CompareOrdinal(x.Left, y.Left);
                    return byLeft != 0 ? byLeft : string.CompareOrdinal(x.Right, y.Right);
                }));
            foreach ((string piece, long count) in pieceCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                int[] symbols = new int[piece.Length];
                for (int i = 0; i < piece.Length; i++) symbols[i] = ids[piece[i].ToString()];
                int word = _words.Count;
                _words.Add(symbols);
                _frequencies.Add(count);
                for (int i = 0; i + 1 < symbols.Length; i++)
                {
                    long pair = Key(symbols[i], symbols[i + 1]);
                    _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + count;
                    Where(pair).Add(word);
                }
            }
            foreach ((long pair, long count) in _pairCounts) Push(pair, count);
        }

        public void Run(int vocabSize, int minFrequency)
        {
            while (_vocab.Count < vocabSize && _heap.TryDequeue(out long pair, out var priority))
            {
                if (_pairCounts.GetValueOrDefault(pair) != priority.Count) continue; // stale entry
                if (priority.Count < minFrequency) break;
                int left = (int)(pair >> 32), right = (int)(pair & 0xFFFFFFFF);
                string merged = _vocab[left] + _vocab[right];
                if (!_ids.TryGetValue(merged, out int mergedId))
                {
                    mergedId = _vocab.Count;
                    _ids.Add(merged, mergedId);
                    _vocab.Add(merged);
                }
                _merges.Add((left, right));
                Apply(pair, left, right, mergedId);
            }
        }

        private void Apply(long pair, int left, int right, int mergedId)
        {
            var delta = new Dictionary<long, long>(PairKeyComparer.Instance);
            int[] affected = [.. _pairWords[pair]];
            Array.Sort(affected);
            foreach (int word in affected)
            {
                int[] symbols = _words[word];
                long frequency = _frequencies[word];
                var result = new List<int>(symbols.Length);
                bool changed = false;
                for (int i = 0; i < symbols.Length; i++)
                {
                    if (i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right)
                    {
                        result.Add(mergedId);
                        i++;
                        changed = true;
                    }
                    else result.Add(symbols[i]);
                }
                if (!changed) continue;
                for (int i = 0; i + 1 < symbols.Length; i++)
                {
                    long old = Key(symbols[i], symbols[i + 1]);
                    delta[old] = delta.GetValueOrDefault(old) - frequency;
                }
                for (int i = 0; i + 1 < result.Count; i++)
                {
                    long fresh = Key(result[i], result[i + 1]);
                    delta[fresh] = delta.GetValueOrDefault(fresh) + frequency;
                    Where(fresh).Add(word);
                }
                _words[word] = [.. result];
            }
            _pairWords.Remove(pair);
            foreach ((long changedPair, long change) in delta.OrderBy(d => d.Key))
            {
                if (change == 0) continue;
                long count = _pairCounts.GetValueOrDefault(changedPair) + change;
                if (count <= 0)
                {
                    _pairCounts.Remove(changedPair);
                    continue;
                }
                _pairCounts[changedPair] = count;
                Push(changedPair, count);
            }
        }

        private HashSet<int> Where(long pair)
        {
            if (!_pairWords.TryGetValue(pair, out HashSet<int>? words)) _pairWords[pair] = words = [];
            return words;
        }

        private void Push(long pair, long count)
            => _heap.Enqueue(pair, (count, _vocab[(int)(pair >> 32)], _vocab[(int)(pair & 0xFFFFFFFF)]));

        private static long Key(int left, int right) => PairKeyComparer.Key(left, right);
    }
}
