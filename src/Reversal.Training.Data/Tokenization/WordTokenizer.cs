using System.Text;
using Reversal.Training.Data.Tokenization.AddedTokens;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// A word-level tokenizer fitted on a corpus: one id per word (a maximal run of Unicode letters, digits and
/// combining marks) and per punctuation or symbol character; whitespace only separates.
/// </summary>
/// <remarks>
/// <para>Ids: <c>&lt;pad&gt;</c>=0, <c>&lt;unk&gt;</c>=1, <c>&lt;bos&gt;</c>=2, <c>&lt;eos&gt;</c>=3, then
/// <see cref="WordTokenizerOptions.AdditionalSpecialTokens"/> in order, then words by descending corpus frequency,
/// ties broken by ordinal string order, so a corpus always yields the same ids.</para>
/// <para>Special tokens written literally in a text (<c>"the [MASK] sat"</c>) are matched first, case-sensitively,
/// and encode to their own id. Anything not in the vocabulary encodes to <c>&lt;unk&gt;</c>.</para>
/// <para>Instances are immutable and safe to use from several threads.</para>
/// </remarks>
public sealed class WordTokenizer : ITokenizer
{
    /// <summary>Text of the padding token (id 0).</summary>
    public const string PadToken = "<pad>";

    /// <summary>Text of the unknown-word token (id 1).</summary>
    public const string UnkToken = "<unk>";

    /// <summary>Text of the beginning-of-sequence token (id 2).</summary>
    public const string BosToken = "<bos>";

    /// <summary>Text of the end-of-sequence token (id 3).</summary>
    public const string EosToken = "<eos>";

    /// <summary>The value of the <c>"type"</c> field in a saved word-level tokenizer file.</summary>
    public const string FileType = "word-level";

    /// <summary>The four special tokens every word tokenizer starts with, in id order.</summary>
    internal static readonly string[] BuiltInSpecialTokens = [PadToken, UnkToken, BosToken, EosToken];

    private readonly string[] _vocab;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;
    private readonly int _specialCount;
    private readonly AddedTokenMatcher _specialMatcher;

    internal WordTokenizer(string[] vocab, int specialCount, bool lowerCase)
    {
        _vocab = vocab;
        _specialCount = specialCount;
        LowerCase = lowerCase;
        _ids = new Dictionary<string, int>(vocab.Length, StringComparer.Ordinal);
        for (int id = 0; id < vocab.Length; id++) _ids.Add(vocab[id], id);
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _specialMatcher = SpecialTokenMatcher(vocab.AsSpan(0, specialCount).ToArray());
        AdditionalSpecialTokens = Array.AsReadOnly(vocab[BuiltInSpecialTokens.Length..specialCount]);
        Vocabulary = Array.AsReadOnly(vocab);
    }

    /// <inheritdoc />
    public int VocabSize => _vocab.Length;

    /// <inheritdoc />
    /// <remarks>Always <see cref="SpecialTokenIds.Default"/>: pad 0, unk 1, bos 2, eos 3.</remarks>
    public SpecialTokenIds SpecialTokens => SpecialTokenIds.Default;

    /// <summary>Whether text is lower-cased (invariant culture) before it is split into words.</summary>
    public bool LowerCase { get; }

    /// <summary>The special tokens after the built-in four, in id order (ids 4, 5, ...).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; }

    /// <summary>Number of special tokens (the built-in four plus <see cref="AdditionalSpecialTokens"/>); they have
    /// ids 0 .. <c>SpecialTokenCount - 1</c>.</summary>
    public int SpecialTokenCount => _specialCount;

    /// <summary>Every token text, indexed by id.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>True when <paramref name="id"/> is one of the special tokens (built-in or additional).</summary>
    /// <param name="id">A token id.</param>
    public bool IsSpecialToken(int id) => (uint)id < (uint)_specialCount;

    /// <summary>
    /// Builds a vocabulary from <paramref name="corpus"/>. Counting uses the same normalisation, special-token
    /// matching and word splitting as <see cref="Encode"/>.
    /// </summary>
    /// <param name="corpus">The texts to count words in.</param>
    /// <param name="options">Vocabulary options; null means <c>new WordTokenizerOptions()</c>.</param>
    /// <returns>The fitted tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="corpus"/> is null.</exception>
    /// <exception cref="ArgumentException">The corpus holds a null text, or an additional special token is null,
    /// empty, whitespace, duplicated or one of the built-in four.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="WordTokenizerOptions.MinFrequency"/> is below 1, or
    /// <see cref="WordTokenizerOptions.MaxVocabSize"/> is below the number of special tokens.</exception>
    public static WordTokenizer Fit(IEnumerable<string> corpus, WordTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new WordTokenizerOptions();
        string[] specials = ValidateSpecialTokens(options.AdditionalSpecialTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinFrequency, 1, "options.MinFrequency");
        if (options.MaxVocabSize is int max && max < specials.Length)
            throw new ArgumentOutOfRangeException(
                "options.MaxVocabSize", max,
                $"MaxVocabSize must be at least the number of special tokens ({specials.Length}).");

        AddedTokenMatcher matcher = SpecialTokenMatcher(specials);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var countsBySpan = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        int index = 0;
        foreach (string text in corpus)
        {
            if (text is null) throw new ArgumentException($"The corpus text at index {index} is null.", nameof(corpus));
            ForEachSegment(text, matcher, options.LowerCase, ref countsBySpan,
                static (ref Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> word) =>
                {
                    lookup.TryGetValue(word, out int count);
                    lookup[word] = count + 1;
                },
                static (ref Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _, int _) => { });
            index++;
        }

        var specialSet = new HashSet<string>(specials, StringComparer.Ordinal);
        IEnumerable<string> words = counts
            .Where(pair => pair.Value >= options.MinFrequency && !specialSet.Contains(pair.Key))
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Key);
        if (options.MaxVocabSize is int maxSize) words = words.Take(maxSize - specials.Length);

        string[] vocab = [.. specials, .. words];
        return new WordTokenizer(vocab, specials.Length, options.LowerCase);
    }

    /// <inheritdoc />
    public int[] Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var state = new EncodeState(this, new List<int>(text.Length / 4 + 2));
        if (addBos) state.Ids.Add(SpecialTokens.Bos);
        ForEachSegment(text, _specialMatcher, LowerCase, ref state,
            static (ref EncodeState s, ReadOnlySpan<char> word) =>
                s.Ids.Add(s.Tokenizer._idsBySpan.TryGetValue(word, out int id) ? id : s.Tokenizer.SpecialTokens.Unk),
            static (ref EncodeState s, int specialId) => s.Ids.Add(specialId));
        if (addEos) state.Ids.Add(SpecialTokens.Eos);
        return [.. state.Ids];
    }

    /// <inheritdoc />
    /// <remarks>Offsets refer to the input, or to its lower-cased form when <see cref="LowerCase"/> (and
    /// <paramref name="normalize"/>) apply; lower-casing keeps every character in place, and special tokens keep their
    /// text.</remarks>
    public EncodedText EncodeWithOffsets(string text, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<AddedTokenSegment>();
        _specialMatcher.Split(text, segments);
        var state = new OffsetState(this, new List<OffsetToken>(text.Length / 4 + 1), 0);
        var normalized = new StringBuilder(text.Length);
        foreach (AddedTokenSegment segment in segments)
        {
            string part = text.Substring(segment.Start, segment.Length);
            state.Offset = normalized.Length;
            if (segment.Token is { } special)
            {
                state.Tokens.Add(new OffsetToken(special.Id, state.Offset, part.Length));
                normalized.Append(part);
                continue;
            }
            if (normalize && LowerCase) part = part.ToLowerInvariant();
            normalized.Append(part);
            WordPreTokenizer.Split(part, ref state, static (ref OffsetState s, ReadOnlySpan<char> source, int start, int length) =>
                s.Tokens.Add(new OffsetToken(
                    s.Tokenizer._idsBySpan.TryGetValue(source.Slice(start, length), out int id) ? id : s.Tokenizer.SpecialTokens.Unk,
                    s.Offset + start, length)));
        }
        string result = normalized.ToString();
        return new EncodedText(state.Tokens, result == text ? text : result);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Tokens are joined by single spaces, except: no space before <c>. , ! ? ; : ) ] } %</c>, none before or after
    /// an apostrophe (<c>'</c> or <c>’</c>), none after <c>( [ { $</c>, and straight double quotes alternate between
    /// opening (no space after) and closing (no space before). When <paramref name="skipSpecialTokens"/> is true,
    /// special tokens (including <c>&lt;unk&gt;</c>) are left out; otherwise they are written as their text.
    /// </remarks>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var text = new WordDetokenizer();
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_vocab.Length)
                throw new ArgumentOutOfRangeException(
                    nameof(ids), id, $"Token id {id} at index {i} is outside the vocabulary [0, {_vocab.Length}).");
            if (skipSpecialTokens && id < _specialCount) continue;
            text.Append(_vocab[id]);
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(token, out int id) ? id : null;
    }

    /// <inheritdoc />
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_vocab.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {_vocab.Length}).");
        return _vocab[id];
    }

    /// <summary>
    /// Saves the tokenizer as JSON: <c>{"type":"word-level","lower_case":...,"special_tokens":[...],"vocab":[...]}</c>
    /// where <c>special_tokens</c> lists every special token (the built-in four first) and <c>vocab</c> every token in
    /// id order. The file is replaced atomically (written to a temporary file in the same folder, flushed to disk,
    /// then renamed over the target), so a failure never leaves a half-written file.
    /// </summary>
    /// <param name="path">The file to write; missing parent folders are created.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or invalid.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is read-only or its folder is not writable.</exception>
    /// <exception cref="IOException">The target is a folder or the write failed.</exception>
    public void Save(string path) => WordTokenizerFile.Save(this, path);

    /// <summary>Loads a tokenizer written by <see cref="Save"/>, validating it.</summary>
    /// <param name="path">The tokenizer file.</param>
    /// <returns>The tokenizer, with the ids it had when saved.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TokenizerFormatException">The file is not valid JSON, has the wrong <c>"type"</c>, lacks a
    /// field, holds duplicate tokens, or does not start with <c>&lt;pad&gt;, &lt;unk&gt;, &lt;bos&gt;, &lt;eos&gt;</c>
    /// followed by its other special tokens.</exception>
    public static WordTokenizer Load(string path) => WordTokenizerFile.Load(path);

    private static string[] ValidateSpecialTokens(IReadOnlyList<string>? additional)
    {
        if (additional is null) throw new ArgumentException("AdditionalSpecialTokens is null.", "options");
        var seen = new HashSet<string>(BuiltInSpecialTokens, StringComparer.Ordinal);
        var specials = new List<string>(BuiltInSpecialTokens);
        for (int i = 0; i < additional.Count; i++)
        {
            string token = additional[i];
            if (string.IsNullOrWhiteSpace(token))
                throw new ArgumentException($"AdditionalSpecialTokens[{i}] is null, empty or whitespace.", "options");
            if (!seen.Add(token))
                throw new ArgumentException(
                    $"AdditionalSpecialTokens[{i}] \"{token}\" is a duplicate or one of the built-in special tokens.", "options");
            specials.Add(token);
        }
        return [.. specials];
    }

    private delegate void WordHandler<TState>(ref TState state, ReadOnlySpan<char> word);

    private delegate void SpecialHandler<TState>(ref TState state, int specialId);

    /// <summary>Finds the special tokens <paramref name="specials"/> (ids 0, 1, ...) written literally in a text.</summary>
    private static AddedTokenMatcher SpecialTokenMatcher(IEnumerable<string> specials)
        => new(specials.Select((text, id) => new AddedToken(id, text) { Special = true }));

    /// <summary>Cuts <paramref name="text"/> at literal special tokens and splits the text between them into words.</summary>
    private static void ForEachSegment<TState>(
        string text, AddedTokenMatcher matcher, bool lowerCase, ref TState state,
        WordHandler<TState> onWord, SpecialHandler<TState> onSpecial)
    {
        var segments = new List<AddedTokenSegment>();
        matcher.Split(text, segments);
        foreach (AddedTokenSegment segment in segments)
        {
            if (segment.Token is { } special) onSpecial(ref state, special.Id);
            else ForEachWord(text.AsSpan(segment.Start, segment.Length), lowerCase, ref state, onWord);
        }
    }

    private static void ForEachWord<TState>(
        ReadOnlySpan<char> segment, bool lowerCase, ref TState state, WordHandler<TState> onWord)
    {
        char[]? rented = null;
        try
        {
            if (lowerCase)
            {
                rented = System.Buffers.ArrayPool<char>.Shared.Rent(segment.Length);
                int written = segment.ToLowerInvariant(rented);
                segment = rented.AsSpan(0, written);
            }
            var words = new WordCallback<TState>(onWord, state);
            WordPreTokenizer.Split(segment, ref words,
                static (ref WordCallback<TState> w, ReadOnlySpan<char> source, int start, int length)
                    => w.Handler(ref w.State, source.Slice(start, length)));
            state = words.State;
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }

    private struct WordCallback<TState>(WordHandler<TState> handler, TState state)
    {
        public readonly WordHandler<TState> Handler = handler;
        public TState State = state;
    }

    private struct OffsetState(WordTokenizer tokenizer, List<OffsetToken> tokens, int offset)
    {
        public readonly WordTokenizer Tokenizer = tokenizer;
        public readonly List<OffsetToken> Tokens = tokens;
        public int Offset = offset;
    }

    private struct EncodeState(WordTokenizer tokenizer, List<int> ids)
    {
        public readonly WordTokenizer Tokenizer = tokenizer;
        public readonly List<int> Ids = ids;
    }
}
