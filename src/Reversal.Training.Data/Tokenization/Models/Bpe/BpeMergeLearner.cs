namespace Reversal.Training.Data.Tokenization.Models.Bpe;

/// <summary>
/// The merge loop of <see cref="BpeTrainer"/> over distinct pieces, with incremental pair counts and a lazily updated
/// heap: each step merges the most frequent adjacent pair (ties: ordinally smaller left token, then right token).
/// </summary>
internal sealed class BpeMergeLearner
{
    private readonly List<int[]> _words = [];
    private readonly List<long> _frequencies = [];
    private readonly Dictionary<long, long> _pairCounts = new(PairKeyComparer.Instance);
    private readonly Dictionary<long, HashSet<int>> _pairWords = new(PairKeyComparer.Instance);
    private readonly Dictionary<string, int> _ids;
    private readonly List<string> _vocab;
    private readonly List<(int Left, int Right)> _merges;
    private readonly PriorityQueue<long, (long Count, string Left, string Right)> _heap;

    public BpeMergeLearner(Dictionary<string, long> pieceCounts, Dictionary<string, int> ids, List<string> vocab, List<(int, int)> merges)
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
