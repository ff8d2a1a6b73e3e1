using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.Models.Bpe;

/// <summary>
/// The BPE <c>"model"</c> of a <c>tokenizer.json</c>: a vocabulary, ranked merges and the settings that turn one
/// pre-tokenized word into token ids.
/// </summary>
/// <remarks>
/// <para>A word is split into code points (each looked up in the vocabulary, with the continuing-subword prefix
/// and end-of-word suffix applied), then the adjacent pair with the lowest merge rank is merged, leftmost first,
/// until no pair has a merge. Pairs live in a min-heap keyed by (rank, position) over a linked list of symbols,
/// so a word of n characters costs O(n log n). Characters missing from the vocabulary never merge; afterwards they
/// become byte tokens (<see cref="BpeModelSettings.ByteFallback"/>) or the unknown token (fused when
/// <see cref="BpeModelSettings.FuseUnk"/>).</para>
/// <para>Results for words shorter than 256 characters are cached (thread-safe; the cache is emptied when it
/// reaches 100,000 words).</para>
/// </remarks>
internal sealed class BpeModel
{
    private const int MaxCachedWordLength = 256;
    private const int CacheCapacity = 100_000;

    private readonly string?[] _vocab;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;
    private readonly (int Left, int Right)[] _merges;
    private readonly Dictionary<long, int> _ranks;
    private readonly int[] _mergedIds;
    private readonly int[] _byteIds;
    private readonly int _unkId;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    /// <summary>Creates the model. <paramref name="vocab"/>[id] is the token with that id (all distinct);
    /// <paramref name="merges"/> are (left id, right id) in rank order, and each merged token must be in the
    /// vocabulary.</summary>
    /// <exception cref="ArgumentException">Duplicate tokens, a merge id out of range, a merged token or the unknown
    /// token missing from the vocabulary.</exception>
    public BpeModel(string[] vocab, IReadOnlyList<(int Left, int Right)> merges, BpeModelSettings settings)
        : this(vocab, BuildIds(vocab), [.. merges], null, settings)
    {
    }

    /// <summary>Creates the model from validated parts; <paramref name="vocab"/> may have holes (null entries);
    /// <paramref name="mergedIds"/> (the id each merge produces) is computed when null.</summary>
    private BpeModel(string?[] vocab, Dictionary<string, int> ids, (int Left, int Right)[] merges, int[]? mergedIds, BpeModelSettings settings)
    {
        _vocab = vocab;
        _ids = ids;
        Settings = settings;
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = settings.ContinuingSubwordPrefix ?? "";
        _suffix = settings.EndOfWordSuffix ?? "";

        _merges = merges;
        _ranks = new Dictionary<long, int>(_merges.Length, PairKeyComparer.Instance);
        if (mergedIds is null)
        {
            mergedIds = new int[_merges.Length];
            for (int rank = 0; rank < _merges.Length; rank++)
            {
                (int left, int right) = _merges[rank];
                if ((uint)left >= (uint)vocab.Length || (uint)right >= (uint)vocab.Length)
                    throw new ArgumentException($"Merge {rank} refers to an id outside the vocabulary.", nameof(merges));
                if (vocab[left] is not { } leftToken || vocab[right] is not { } rightToken)
                    throw new ArgumentException($"Merge {rank} refers to an id without a token.", nameof(merges));
                string merged = MergedToken(leftToken, rightToken);
                if (!_ids.TryGetValue(merged, out mergedIds[rank]))
                    throw new ArgumentException($"Merge {rank} produces \"{merged}\", which is not in the vocabulary.", nameof(merges));
            }
        }
        _mergedIds = mergedIds;
        for (int rank = 0; rank < _merges.Length; rank++)
            _ranks[PairKey(_merges[rank].Left, _merges[rank].Right)] = rank; // a repeated pair keeps its last rank, as in the reference implementations

        _unkId = -1;
        if (settings.UnkToken is { } unk && !_ids.TryGetValue(unk, out _unkId))
            throw new ArgumentException($"The unknown token \"{unk}\" is not in the vocabulary.", nameof(settings));
        _byteIds = new int[256];
        for (int b = 0; b < 256; b++)
            _byteIds[b] = _ids.TryGetValue(ByteFallbackDecoder.ByteToken((byte)b), out int id) ? id : -1;
    }

    private static Dictionary<string, int> BuildIds(string[] vocab)
    {
        var ids = new Dictionary<string, int>(vocab.Length, StringComparer.Ordinal);
        for (int id = 0; id < vocab.Length; id++)
            if (!ids.TryAdd(vocab[id], id)) throw new ArgumentException($"The token \"{vocab[id]}\" appears twice in the vocabulary.", nameof(vocab));
        return ids;
    }

    /// <summary>The scalar settings.</summary>
    public BpeModelSettings Settings { get; }

    /// <summary>One more than the largest id of the model vocabulary (ids 0 .. IdCount-1; a sparse vocabulary leaves
    /// some of them without a token).</summary>
    public int IdCount => _vocab.Length;

    /// <summary>Number of tokens in the model vocabulary (<see cref="IdCount"/> less the holes).</summary>
    public int TokenCount => _ids.Count;

    /// <summary>The token with id <paramref name="id"/> (0 &lt;= id &lt; <see cref="IdCount"/>), or null for a hole.</summary>
    public string? TokenAt(int id) => _vocab[id];

    /// <summary>The id of <paramref name="token"/> in the model vocabulary, or -1.</summary>
    public int IdOf(ReadOnlySpan<char> token) => _idsBySpan.TryGetValue(token, out int id) ? id : -1;

    /// <summary>The merges as (left id, right id), in rank order.</summary>
    public IReadOnlyList<(int Left, int Right)> Merges => _merges;

    /// <summary>The token a merge of <paramref name="left"/> and <paramref name="right"/> produces: their
    /// concatenation, without the continuing-subword prefix of <paramref name="right"/>.</summary>
    public string MergedToken(string left, string right)
        => _prefix.Length > 0 && right.StartsWith(_prefix, StringComparison.Ordinal) ? left + right[_prefix.Length..] : left + right;

    /// <summary>Appends the ids of one pre-tokenized word to <paramref name="output"/>.</summary>
    public void EncodeWord(ReadOnlySpan<char> word, List<int> output) => EncodeWord(word, output, spans: null);

    /// <summary>Appends the ids of one pre-tokenized word to <paramref name="output"/> and, when
    /// <paramref name="spans"/> is given, the characters <c>[Start, End)</c> of <paramref name="word"/> each id stands
    /// for (every byte token of a byte-fallback character stands for the whole character; fused unknown characters
    /// for all of them).</summary>
    public void EncodeWord(ReadOnlySpan<char> word, List<int> output, List<(int Start, int End)>? spans)
    {
        if (word.Length == 0) return;
        if (Settings.IgnoreMerges == true && _idsBySpan.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            spans?.Add((0, word.Length));
            return;
        }
        bool cacheable = spans is null && word.Length < MaxCachedWordLength;
        if (cacheable && _cacheBySpan.TryGetValue(word, out int[]? cached))
        {
            output.AddRange(cached);
            return;
        }
        int before = output.Count;
        Merge(word, output, spans);
        if (cacheable)
        {
            if (_cache.Count >= CacheCapacity) _cache.Clear();
            _cache.TryAdd(word.ToString(), output.GetRange(before, output.Count - before).ToArray());
        }
    }

    private void Merge(ReadOnlySpan<char> word, List<int> output, List<(int Start, int End)>? spans)
    {
        int n = 0;
        for (int i = 0; i < word.Length; i += char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1) n++;

        int[] ids = ArrayPool<int>.Shared.Rent(n);
        int[] next = ArrayPool<int>.Shared.Rent(n);
        int[] prev = ArrayPool<int>.Shared.Rent(n);
        int[] starts = ArrayPool<int>.Shared.Rent(n + 1);
        long[] heap = ArrayPool<long>.Shared.Rent(3 * n + 1);
        try
        {
            int k = 0;
            for (int i = 0; i < word.Length; k++)
            {
                int length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
                starts[k] = i;
                ids[k] = SymbolId(word.Slice(i, length), first: k == 0, last: k == n - 1);
                prev[k] = k - 1;
                next[k] = k + 1 < n ? k + 1 : -1;
                i += length;
            }
            starts[n] = word.Length;

            int heapSize = 0;
            for (int i = 0; i + 1 < n; i++) TryPush(heap, ref heapSize, ids, i, i + 1);
            while (heapSize > 0)
            {
                long top = Pop(heap, ref heapSize);
                int rank = (int)(top >> 32);
                int pos = (int)(top & 0xFFFFFFFF);
                int right = next[pos];
                if (ids[pos] == Dead || right < 0) continue;
                if (!_ranks.TryGetValue(PairKey(ids[pos], ids[right]), out int current) || current != rank) continue;

                ids[pos] = _mergedIds[rank];
                ids[right] = Dead;
                int after = next[right];
                next[pos] = after;
                if (after >= 0) prev[after] = pos;
                if (prev[pos] >= 0) TryPush(heap, ref heapSize, ids, prev[pos], pos);
                if (after >= 0) TryPush(heap, ref heapSize, ids, pos, after);
            }

            bool previousWasUnk = false;
            for (int s = 0; s >= 0; s = next[s])
            {
                int id = ids[s];
                int end = next[s] >= 0 ? starts[next[s]] : word.Length;
                if (id >= 0)
                {
                    output.Add(id);
                    spans?.Add((starts[s], end));
                    previousWasUnk = id == _unkId;
                    continue;
                }
                // An unknown character (never merged, so it is still the single code point at s).
                int added = output.Count;
                if (Settings.ByteFallback && TryAddBytes(word[starts[s]..starts[s + 1]], output))
                {
                    for (int b = added; b < output.Count; b++) spans?.Add((starts[s], end));
                    previousWasUnk = false;
                    continue;
                }
                if (_unkId < 0) continue;
                if (Settings.FuseUnk && previousWasUnk)
                {
                    if (spans is not null) spans[^1] = (spans[^1].Start, end);
                    continue;
                }
                output.Add(_unkId);
                spans?.Add((starts[s], end));
                previousWasUnk = true;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<long>.Shared.Return(heap);
        }
    }

    private const int Dead = int.MinValue;

    private int SymbolId(ReadOnlySpan<char> character, bool first, bool last)
    {
        bool addPrefix = !first && _prefix.Length > 0;
        bool addSuffix = last && _suffix.Length > 0;
        if (!addPrefix && !addSuffix) return _idsBySpan.TryGetValue(character, out int id) ? id : -1;
        string symbol = string.Concat(addPrefix ? _prefix : "", character, addSuffix ? _suffix : "");
        return _ids.TryGetValue(symbol, out int affixed) ? affixed : -1;
    }

    private bool TryAddBytes(ReadOnlySpan<char> character, List<int> output)
    {
        Span<byte> bytes = stackalloc byte[8];
        int count = Encoding.UTF8.GetBytes(character, bytes);
        for (int i = 0; i < count; i++)
            if (_byteIds[bytes[i]] < 0) return false;
        for (int i = 0; i < count; i++) output.Add(_byteIds[bytes[i]]);
        return true;
    }

    private void TryPush(long[] heap, ref int size, int[] ids, int left, int right)
    {
        if (ids[left] < 0 || ids[right] < 0) return;
        if (!_ranks.TryGetValue(PairKey(ids[left], ids[right]), out int rank)) return;
        // Min-heap on (rank, position): the lowest rank first, leftmost among equal ranks.
        long value = ((long)rank << 32) | (uint)left;
        int i = size++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= value) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
    }

    private static long Pop(long[] heap, ref int size)
    {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= last) break;
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) heap[i] = last;
        return top;
    }

    private static long PairKey(int left, int right) => PairKeyComparer.Key(left, right);

    /// <summary>Reads a <c>{"type": "BPE", ...}</c> model, validating vocabulary and merges.</summary>
    /// <remarks>Vocabulary ids may have holes, within the limit of <see cref="SparseIds"/>; nothing is allocated by id
    /// before that limit is checked.</remarks>
    /// <exception cref="TokenizerFormatException">Duplicate, negative or non-integer ids, more holes than
    /// <see cref="SparseIds"/> allows, malformed or unknown merges, an unsupported dropout, or an unknown token missing
    /// from the vocabulary.</exception>
    public static BpeModel Read(JsonElement model, JsonScope scope)
    {
        double? dropout = null;
        if (model.TryGetProperty("dropout", out JsonElement dropoutElement) && dropoutElement.ValueKind != JsonValueKind.Null)
        {
            if (dropoutElement.ValueKind != JsonValueKind.Number) throw scope.Child("dropout").Error("must be a number or null");
            if (!dropoutElement.TryGetDouble(out double value)) throw scope.Child("dropout").Error($"must be a number, found {dropoutElement.GetRawText()}");
            dropout = value;
            if (dropout != 0) throw scope.Child("dropout").Error($"BPE dropout ({dropout}) is not supported; only null or 0");
        }
        var settings = new BpeModelSettings
        {
            UnkToken = scope.OptionalString(model, "unk_token"),
            ContinuingSubwordPrefix = scope.OptionalString(model, "continuing_subword_prefix"),
            EndOfWordSuffix = scope.OptionalString(model, "end_of_word_suffix"),
            FuseUnk = scope.OptionalBool(model, "fuse_unk") ?? false,
            ByteFallback = scope.OptionalBool(model, "byte_fallback") ?? false,
            IgnoreMerges = scope.OptionalBool(model, "ignore_merges"),
            Dropout = dropout,
        };

        string?[] vocab = ReadVocab(scope.Required(model, "vocab"), scope.Child("vocab"), out Dictionary<string, int> ids);

        JsonElement mergesElement = model.TryGetProperty("merges", out JsonElement m) ? m : default;
        var merges = new List<(int Left, int Right)>();
        var mergedIds = new List<int>();
        bool asStrings = false;
        if (mergesElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            JsonScope mergesScope = scope.Child("merges");
            if (mergesElement.ValueKind != JsonValueKind.Array) throw mergesScope.Error($"must be an array, found {mergesElement.ValueKind}");
            string prefix = settings.ContinuingSubwordPrefix ?? "";
            int index = 0;
            foreach (JsonElement item in mergesElement.EnumerateArray())
            {
                JsonScope itemScope = mergesScope.Item(index);
                (string left, string right) = ParseMerge(item, itemScope, out bool isString);
                if (index == 0) asStrings = isString;
                if (!ids.TryGetValue(left, out int leftId)) throw itemScope.Error($"the token \"{left}\" is not in the vocabulary");
                if (!ids.TryGetValue(right, out int rightId)) throw itemScope.Error($"the token \"{right}\" is not in the vocabulary");
                string merged = prefix.Length > 0 && right.StartsWith(prefix, StringComparison.Ordinal) ? left + right[prefix.Length..] : left + right;
                if (!ids.TryGetValue(merged, out int mergedId)) throw itemScope.Error($"the merged token \"{merged}\" is not in the vocabulary");
                merges.Add((leftId, rightId));
                mergedIds.Add(mergedId);
                index++;
            }
        }

        if (settings.UnkToken is { } unk && !ids.ContainsKey(unk))
            throw scope.Child("unk_token").Error($"\"{unk}\" is not in the vocabulary");
        return new BpeModel(vocab, ids, [.. merges], [.. mergedIds], settings with { MergesAsStrings = asStrings });
    }

    private static string?[] ReadVocab(JsonElement element, JsonScope scope, out Dictionary<string, int> ids)
    {
        scope.RequireObject(element);
        int count = element.GetPropertyCount();
        ids = new Dictionary<string, int>(count, StringComparer.Ordinal); // names are distinct: the reader refuses repeated keys
        int largest = -1;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int id) || id < 0)
                throw scope.Error($"the token \"{property.Name}\" has id {property.Value.GetRawText()}, which is not an integer in [0, {int.MaxValue}]");
            ids.Add(property.Name, id);
            largest = Math.Max(largest, id);
        }
        if (!SparseIds.WithinLimit(largest, count)) throw scope.Error(SparseIds.Problem(largest, count));

        var vocab = new string?[largest + 1];
        foreach ((string token, int id) in ids)
        {
            if (vocab[id] is { } other)
                throw scope.Error($"the tokens \"{other}\" and \"{token}\" both have id {id}");
            vocab[id] = token;
        }
        return vocab;
    }

    private static (string Left, string Right) ParseMerge(JsonElement item, JsonScope scope, out bool isString)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            isString = true;
            string text = item.GetString()!;
            string[] parts = text.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw scope.Error($"\"{text}\" must be two tokens separated by one space");
            return (parts[0], parts[1]);
        }
        if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2
            && item[0].ValueKind == JsonValueKind.String && item[1].ValueKind == JsonValueKind.String)
        {
            isString = false;
            return (item[0].GetString()!, item[1].GetString()!);
        }
        throw scope.Error($"must be \"left right\" or [\"left\", \"right\"], found {item.GetRawText()}");
    }

    /// <summary>Writes the model object in the Rust library's field order.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "BPE");
        if (Settings.Dropout is { } dropout) writer.WriteNumber("dropout", dropout);
        else writer.WriteNull("dropout");
        WriteNullableString(writer, "unk_token", Settings.UnkToken);
        WriteNullableString(writer, "continuing_subword_prefix", Settings.ContinuingSubwordPrefix);
        WriteNullableString(writer, "end_of_word_suffix", Settings.EndOfWordSuffix);
        writer.WriteBoolean("fuse_unk", Settings.FuseUnk);
        writer.WriteBoolean("byte_fallback", Settings.ByteFallback);
        if (Settings.IgnoreMerges is { } ignoreMerges) writer.WriteBoolean("ignore_merges", ignoreMerges);

        writer.WriteStartObject("vocab");
        for (int id = 0; id < _vocab.Length; id++)
            if (_vocab[id] is { } token) writer.WriteNumber(token, id);
        writer.WriteEndObject();

        bool asStrings = Settings.MergesAsStrings && !_merges.Any(p => _vocab[p.Left]!.Contains(' ') || _vocab[p.Right]!.Contains(' '));
        writer.WriteStartArray("merges");
        foreach ((int left, int right) in _merges)
        {
            if (asStrings)
            {
                writer.WriteStringValue(_vocab[left] + " " + _vocab[right]);
                continue;
            }
            writer.WriteStartArray();
            writer.WriteStringValue(_vocab[left]!);
            writer.WriteStringValue(_vocab[right]!);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null) writer.WriteNull(name);
        else writer.WriteString(name, value);
    }
}
