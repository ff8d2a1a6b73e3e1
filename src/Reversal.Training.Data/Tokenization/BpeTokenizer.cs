using System.Text;
using Reversal.Training.Data.Tokenization.AddedTokens;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Models;
using Reversal.Training.Data.Tokenization.Models.Bpe;
using Reversal.Training.Data.Tokenization.Normalizers;
using Reversal.Training.Data.Tokenization.PostProcessors;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> tokenizer with a BPE model (SentencePiece-style with byte fallback, or
/// byte-level as in GPT-2/Qwen), loaded from and saved to the Hugging Face format, or produced by
/// <see cref="BpeTrainer"/>.
/// </summary>
/// <remarks>
/// <para><b>Encoding</b> follows the reference pipeline: added tokens are found in the raw text first (longest match
/// at the leftmost position; tokens flagged <c>normalized</c> are found after normalization instead); the text
/// between them is normalized, pre-tokenized into words, and each word is encoded by the BPE model. The
/// post-processor template is not applied: <see cref="Encode"/> adds only the BOS/EOS ids the caller asks for.
/// Added tokens written in the text (e.g. <c>&lt;|im_start|&gt;</c>) always encode to their id.</para>
/// <para><b>Decoding</b> maps ids to tokens (leaving special added tokens out when asked), runs the decoder chain and
/// concatenates its output; without a decoder, tokens are joined by spaces.</para>
/// <para><b>Special ids</b> (<see cref="SpecialTokens"/>). When a <c>tokenizer_config.json</c> sits next to the
/// loaded file, its <c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c> and <c>pad_token</c> name the tokens (unk
/// also falls back to the model's <c>unk_token</c>). Otherwise unk is the model's <c>unk_token</c>, bos/eos are the
/// special tokens the post-processor's single template puts before/after the sequence, and any role still unnamed
/// takes a well-known name when that name is an added token (<c>&lt;s&gt;</c>, <c>&lt;bos&gt;</c>,
/// <c>&lt;|begin_of_text|&gt;</c>, <c>&lt;|startoftext|&gt;</c>, <c>[CLS]</c> for bos; <c>&lt;/s&gt;</c>,
/// <c>&lt;eos&gt;</c>, <c>&lt;|end_of_text|&gt;</c>, <c>&lt;|endoftext|&gt;</c>, <c>[SEP]</c> for eos;
/// <c>&lt;unk&gt;</c>, <c>[UNK]</c>, <c>&lt;|unk|&gt;</c>; <c>&lt;pad&gt;</c>, <c>[PAD]</c>, <c>&lt;|pad|&gt;</c>,
/// <c>&lt;|padding|&gt;</c>). Roles still missing fall back, in order: eos to bos; bos to eos; unk to the special
/// added token with the highest id that has no role yet, else pad, else eos; pad likewise to a spare special token,
/// else unk, else eos; anything still missing is id 0. So every id exists, padding never doubles as BOS/EOS when
/// avoidable (objectives never attend to or predict padding), and unk (the default placeholder of BICO) is a token
/// ordinary text does not produce. Examples: the Llama file gives pad = unk = 0 (<c>&lt;unk&gt;</c>; its config
/// has no pad), bos 1, eos 2; the Qwen file gives pad 151643 (<c>&lt;|endoftext|&gt;</c>), bos = eos = 151645
/// (<c>&lt;|im_end|&gt;</c>; its config has no bos), unk 151656 (<c>&lt;|video_pad|&gt;</c>). Pass explicit ids to
/// <see cref="Load"/> to override.</para>
/// <para>Instances are immutable apart from an internal word cache and safe to use from several threads.</para>
/// </remarks>
public sealed class BpeTokenizer : ITokenizer
{
    private readonly string?[] _tokens;
    private readonly bool[] _special;
    private readonly Dictionary<string, int> _addedIds;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;

    /// <summary>Assembles a tokenizer from its parts.</summary>
    /// <param name="model">The BPE model.</param>
    /// <param name="addedTokens">The added tokens, each either repeating the model's token at its id or taking an id
    /// the model leaves free.</param>
    /// <param name="normalizer">The normalizer, or null.</param>
    /// <param name="preTokenizer">The pre-tokenizer, or null.</param>
    /// <param name="postProcessor">The post-processor, or null.</param>
    /// <param name="decoder">The decoder, or null.</param>
    /// <param name="fileInfo">Top-level fields kept for saving.</param>
    /// <param name="source">Where the tokenizer comes from, for messages (e.g. <c>"tokenizer 'path'"</c>).</param>
    /// <param name="specialTokens">Explicit special ids, or null to resolve them.</param>
    /// <param name="specialTokenNames">Names from <c>tokenizer_config.json</c>, or null.</param>
    /// <exception cref="ArgumentException">The ids of model and added tokens leave more holes than
    /// <see cref="SparseIds"/> allows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An explicit special id is not a token.</exception>
    internal BpeTokenizer(
        BpeModel model, IReadOnlyList<AddedToken> addedTokens, Normalizer? normalizer, PreTokenizer? preTokenizer,
        PostProcessor? postProcessor, TokenDecoder? decoder, BpeTokenizerFileInfo fileInfo, string source,
        SpecialTokenIds? specialTokens, SpecialTokenResolver.Names? specialTokenNames)
    {
        Model = model;
        AddedTokens = [.. addedTokens];
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        PostProcessor = postProcessor;
        Decoder = decoder;
        FileInfo = fileInfo;

        long largest = model.IdCount - 1;
        int extra = 0;
        foreach (AddedToken token in addedTokens)
        {
            largest = Math.Max(largest, token.Id);
            if (token.Id >= model.IdCount || model.TokenAt(token.Id) is null) extra++;
        }
        if (!SparseIds.WithinLimit(largest, model.TokenCount + extra))
            throw new ArgumentException(SparseIds.Problem(largest, model.TokenCount + extra), nameof(addedTokens));

        int size = (int)largest + 1;
        _tokens = new string?[size];
        _special = new bool[size];
        for (int id = 0; id < model.IdCount; id++) _tokens[id] = model.TokenAt(id);
        _addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (AddedToken token in addedTokens)
        {
            _tokens[token.Id] = token.Content;
            _special[token.Id] |= token.Special;
            _addedIds.TryAdd(token.Content, token.Id);
        }

        bool normalizeFirst = normalizer is not null;
        _rawMatcher = new AddedTokenMatcher(addedTokens.Where(t => !(t.Normalized && normalizeFirst)).Select(t => (t.Content, t)));
        _normalizedMatcher = new AddedTokenMatcher(addedTokens.Where(t => t.Normalized && normalizeFirst).Select(t => (normalizer!.Normalize(t.Content), t)));

        SpecialTokens = specialTokens ?? SpecialTokenResolver.Resolve(
            specialTokenNames, TokenToId, AddedTokens, model.Settings.UnkToken, postProcessor, Array.FindIndex(_tokens, t => t is not null));
        SpecialTokens.EnsureInVocabulary(size, source, IsToken);
    }

    /// <inheritdoc />
    /// <remarks>One more than the largest id of the model vocabulary and the added tokens. A sparse vocabulary (such
    /// as GPT-4o's o200k layout, ids up to 200,018 for 200,000 tokens) leaves some ids in between without a token:
    /// <see cref="IsToken"/> is false for them, and decoding one throws.</remarks>
    public int VocabSize => _tokens.Length;

    /// <summary>True when <paramref name="id"/> names a token: it is in [0, <see cref="VocabSize"/>) and not a hole of
    /// a sparse vocabulary.</summary>
    /// <param name="id">A token id.</param>
    public bool IsToken(int id) => (uint)id < (uint)_tokens.Length && _tokens[id] is not null;

    /// <inheritdoc />
    /// <remarks>See the class remarks for how the ids are chosen.</remarks>
    public SpecialTokenIds SpecialTokens { get; }

    /// <summary>The added tokens, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    internal BpeModel Model { get; }

    internal Normalizer? Normalizer { get; }

    internal PreTokenizer? PreTokenizer { get; }

    internal PostProcessor? PostProcessor { get; }

    internal TokenDecoder? Decoder { get; }

    internal BpeTokenizerFileInfo FileInfo { get; }

    /// <summary>True when <paramref name="id"/> is a special added token (left out by <see cref="Decode"/> when it
    /// skips special tokens).</summary>
    /// <param name="id">A token id.</param>
    public bool IsSpecialToken(int id) => (uint)id < (uint)_special.Length && _special[id];

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> with a BPE model, validating it.</summary>
    /// <param name="path">The <c>tokenizer.json</c> file. A <c>tokenizer_config.json</c> in the same folder, when
    /// present, names the special tokens.</param>
    /// <param name="specialTokens">Explicit special ids (each must be a token, checked by
    /// <see cref="SpecialTokenIds.EnsureInVocabulary"/>); null chooses them as the class remarks describe.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TokenizerFormatException">The file (or the configuration file) is larger than 256 MiB, not
    /// valid JSON (including strings that are not valid UTF-8 or UTF-16, repeated keys, nesting deeper than 64), has
    /// no BPE model, a field of the wrong type, duplicate or negative ids, more holes in its ids than it has tokens +
    /// 65,536, a merge of tokens missing from the vocabulary, an added token whose id belongs to a different token, or
    /// a component type or regular expression this library does not support; the message names the file, the place
    /// in it and the problem. Nothing is allocated by id before the ids are checked, so a load takes memory in
    /// proportion to the file, never to a single large number in it.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <exception cref="IOException">Reading the file failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An explicit special id is outside the vocabulary or a hole in it.</exception>
    public static BpeTokenizer Load(string path, SpecialTokenIds? specialTokens = null) => BpeTokenizerFile.Load(path, specialTokens);

    /// <summary>
    /// A copy of this tokenizer with <paramref name="tokens"/> added as special added tokens (Hugging Face's
    /// <c>add_special_tokens</c>): they take the ids <see cref="VocabSize"/>, <see cref="VocabSize"/> + 1, ... in order,
    /// match literally in raw text (<c>normalized</c> false), are left out by <see cref="Decode"/> when it skips
    /// special tokens, and are written to <c>tokenizer.json</c>'s <c>added_tokens</c> by <see cref="Save"/>. The
    /// special ids (<see cref="SpecialTokens"/>) stay as they are. Resize the model to the new <see cref="VocabSize"/>
    /// (<c>ResizeTokenEmbeddings</c>) before training with them.
    /// </summary>
    /// <param name="tokens">The token texts, e.g. <c>[MASK]</c>, <c>[sop]</c>, <c>[eop]</c>.</param>
    /// <returns>The extended tokenizer (this one is unchanged).</returns>
    /// <exception cref="ArgumentException">No token, an empty or repeated one, or one already in the vocabulary (the
    /// message names it and its id).</exception>
    public BpeTokenizer WithSpecialTokens(params string[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Length == 0) throw new ArgumentException("Give at least one token to add.", nameof(tokens));
        var added = new List<AddedToken>(AddedTokens);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (string.IsNullOrEmpty(token)) throw new ArgumentException($"Token {i} is empty.", nameof(tokens));
            if (!seen.Add(token)) throw new ArgumentException($"Token '{token}' is given twice.", nameof(tokens));
            if (TokenToId(token) is int existing) throw new ArgumentException($"Token '{token}' is already in the vocabulary with id {existing}.", nameof(tokens));
            added.Add(new AddedToken(VocabSize + i, token) { Special = true, Normalized = false });
        }
        return new BpeTokenizer(Model, added, Normalizer, PreTokenizer, PostProcessor, Decoder, FileInfo, "the extended tokenizer", SpecialTokens, null);
    }

    /// <summary>
    /// Saves the tokenizer as a Hugging Face <c>tokenizer.json</c> (indented, UTF-8). The file is replaced
    /// atomically: written to a temporary file in the same folder, flushed, then renamed over the target. For a
    /// loaded file, every field this library understands is written back with the same value (unknown fields of
    /// components are not kept; <c>truncation</c> and <c>padding</c> are copied verbatim).
    /// </summary>
    /// <param name="path">The file to write; missing parent folders are created.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or invalid.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is read-only or its folder is not writable.</exception>
    /// <exception cref="IOException">The target is a folder or the write failed.</exception>
    public void Save(string path) => BpeTokenizerFile.Save(this, path);

    /// <inheritdoc />
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A regular expression of the file
    /// took longer than one second for one match (a pattern that backtracks catastrophically).</exception>
    public int[] Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos) ids.Add(SpecialTokens.Bos);
        Run(text, normalize: true, ids, spans: null, normalized: null);
        if (addEos) ids.Add(SpecialTokens.Eos);
        return [.. ids];
    }

    /// <inheritdoc />
    /// <remarks>Offsets refer to the text after normalization: the input when the tokenizer has no normalizer (or it
    /// changed nothing), otherwise the input with every section between raw added tokens normalized. A token stands
    /// for the characters its pre-tokenized piece came from; a byte-level token that splits a character stands for
    /// the whole character. With <paramref name="normalize"/> false the normalizer is skipped (added tokens flagged
    /// <c>normalized</c> are then matched in the text as it is).</remarks>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">As <see cref="Encode"/>.</exception>
    public EncodedText EncodeWithOffsets(string text, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        var spans = new List<(int Start, int End)>(ids.Capacity);
        var normalized = new StringBuilder(text.Length);
        Run(text, normalize, ids, spans, normalized);
        var tokens = new OffsetToken[ids.Count];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = new OffsetToken(ids[i], spans[i].Start, spans[i].End - spans[i].Start);
        string result = normalized.ToString();
        return new EncodedText(tokens, result == text ? text : result);
    }

    /// <summary>The encoding pipeline: added tokens in the raw text, then per section normalizer, added tokens in the
    /// normalized text, pre-tokenizer and model. With <paramref name="spans"/>, also the range of every id in the
    /// normalized text, which is built in <paramref name="normalized"/>.</summary>
    private void Run(string text, bool normalize, List<int> ids, List<(int Start, int End)>? spans, StringBuilder? normalized)
    {
        var segments = new List<AddedTokenSegment>();
        var pieces = new List<PreTokenizedPiece>();
        _rawMatcher.Split(text, segments);
        foreach (AddedTokenSegment segment in segments)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                spans?.Add((normalized!.Length, normalized.Length + segment.Length));
                normalized?.Append(text, segment.Start, segment.Length);
                continue;
            }
            string section = text.Substring(segment.Start, segment.Length);
            if (normalize && Normalizer is not null) section = Normalizer.Normalize(section);
            int offset = normalized?.Length ?? 0;
            normalized?.Append(section);
            if (section.Length == 0) continue;
            if (_normalizedMatcher.IsEmpty)
            {
                EncodeSection(section, offset, pieces, ids, spans);
                continue;
            }
            var inner = new List<AddedTokenSegment>();
            _normalizedMatcher.Split(section, inner);
            foreach (AddedTokenSegment part in inner)
            {
                if (part.Token is { } normalizedToken)
                {
                    ids.Add(normalizedToken.Id);
                    spans?.Add((offset + part.Start, offset + part.Start + part.Length));
                }
                else EncodeSection(section.Substring(part.Start, part.Length), offset + part.Start, pieces, ids, spans);
            }
        }
    }

    private void EncodeSection(string section, int offset, List<PreTokenizedPiece> pieces, List<int> ids, List<(int Start, int End)>? spans)
    {
        pieces.Clear();
        var whole = new PreTokenizedPiece(section, 0);
        if (PreTokenizer is null) pieces.Add(whole);
        else PreTokenizer.PreTokenize(whole, pieces, trace: spans is not null);
        if (spans is null)
        {
            foreach (PreTokenizedPiece piece in pieces) Model.EncodeWord(piece.Text, ids);
            return;
        }
        var wordSpans = new List<(int Start, int End)>();
        foreach (PreTokenizedPiece piece in pieces)
        {
            wordSpans.Clear();
            Model.EncodeWord(piece.Text, ids, wordSpans);
            foreach ((int start, int end) in wordSpans)
                spans.Add((offset + piece.SourceStart(start), offset + piece.SourceEnd(end - 1)));
        }
    }

    /// <inheritdoc />
    /// <remarks>Runs the file's decoder chain over the token strings (e.g. byte-level decoding, or SentencePiece's
    /// <c>▁</c>-to-space, byte fallback and leading-space strip).</remarks>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            string token = TokenOf(ids[i], nameof(ids), $" at index {i}");
            if (skipSpecialTokens && _special[ids[i]]) continue;
            tokens.Add(token);
        }
        if (Decoder is null) return string.Join(' ', tokens);
        return string.Concat(Decoder.DecodeChain(tokens));
    }

    /// <inheritdoc />
    /// <remarks>Added tokens are looked up first, then the model vocabulary.</remarks>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedIds.TryGetValue(token, out int added)) return added;
        int id = Model.IdOf(token);
        return id >= 0 ? id : null;
    }

    /// <inheritdoc />
    public string IdToToken(int id) => TokenOf(id, nameof(id), "");

    private string TokenOf(int id, string paramName, string where)
    {
        if ((uint)id >= (uint)_tokens.Length)
            throw new ArgumentOutOfRangeException(paramName, id, $"Token id {id}{where} is outside the vocabulary [0, {_tokens.Length}).");
        return _tokens[id] ?? throw new ArgumentOutOfRangeException(
            paramName, id, $"Token id {id}{where} has no token: the vocabulary's ids have a hole there.");
    }
}
