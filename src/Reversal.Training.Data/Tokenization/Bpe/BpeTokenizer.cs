using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tokenization.Bpe;

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
    private readonly string[] _tokens;
    private readonly bool[] _special;
    private readonly Dictionary<string, int> _addedIds;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;

    internal BpeTokenizer(
        BpeModel model, IReadOnlyList<AddedToken> addedTokens, Normalizer? normalizer, PreTokenizer? preTokenizer,
        PostProcessor? postProcessor, TokenDecoder? decoder, BpeTokenizerFileInfo fileInfo, SpecialTokenIds? specialTokens,
        SpecialTokenResolver.Names? specialTokenNames)
    {
        Model = model;
        AddedTokens = [.. addedTokens];
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        PostProcessor = postProcessor;
        Decoder = decoder;
        FileInfo = fileInfo;

        int size = model.Count;
        foreach (AddedToken token in addedTokens) size = Math.Max(size, token.Id + 1);
        _tokens = new string[size];
        _special = new bool[size];
        for (int id = 0; id < model.Count; id++) _tokens[id] = model.TokenAt(id);
        _addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (AddedToken token in addedTokens)
        {
            _tokens[token.Id] = token.Content;
            _special[token.Id] |= token.Special;
            _addedIds.TryAdd(token.Content, token.Id);
        }
        for (int id = 0; id < size; id++)
            if (_tokens[id] is null) throw new ArgumentException($"Id {id} has no token.", nameof(addedTokens));

        bool normalizeFirst = normalizer is not null;
        _rawMatcher = new AddedTokenMatcher(addedTokens.Where(t => !(t.Normalized && normalizeFirst)).Select(t => (t.Content, t)));
        _normalizedMatcher = new AddedTokenMatcher(addedTokens.Where(t => t.Normalized && normalizeFirst).Select(t => (normalizer!.Normalize(t.Content), t)));

        SpecialTokens = specialTokens ?? SpecialTokenResolver.Resolve(
            specialTokenNames, TokenToId, AddedTokens, model.Settings.UnkToken, postProcessor);
        foreach (var (name, id) in new[] { ("Pad", SpecialTokens.Pad), ("Unk", SpecialTokens.Unk), ("Bos", SpecialTokens.Bos), ("Eos", SpecialTokens.Eos) })
            if ((uint)id >= (uint)size)
                throw new ArgumentOutOfRangeException(nameof(specialTokens), id, $"Special token {name} has id {id}, outside the vocabulary [0, {size}).");
    }

    /// <inheritdoc />
    /// <remarks>One more than the largest id of the model vocabulary and the added tokens.</remarks>
    public int VocabSize => _tokens.Length;

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
    /// <param name="specialTokens">Explicit special ids (each must exist); null chooses them as the class remarks
    /// describe.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TokenizerFormatException">The file (or the configuration file) is not valid JSON, has no
    /// BPE model, has duplicate or out-of-range ids, a merge of tokens missing from the vocabulary, an added token
    /// whose id belongs to a different token, or a component type this library does not support; the message names
    /// the file, the place in it and the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An explicit special id is outside the vocabulary.</exception>
    public static BpeTokenizer Load(string path, SpecialTokenIds? specialTokens = null) => BpeTokenizerFile.Load(path, specialTokens);

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
    public int[] Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos) ids.Add(SpecialTokens.Bos);
        var segments = new List<AddedTokenSegment>();
        var pieces = new List<string>();
        _rawMatcher.Split(text, segments);
        foreach (AddedTokenSegment segment in segments)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            string section = text.Substring(segment.Start, segment.Length);
            if (Normalizer is not null) section = Normalizer.Normalize(section);
            if (section.Length == 0) continue;
            if (_normalizedMatcher.IsEmpty)
            {
                EncodeSection(section, pieces, ids);
                continue;
            }
            var inner = new List<AddedTokenSegment>();
            _normalizedMatcher.Split(section, inner);
            foreach (AddedTokenSegment part in inner)
            {
                if (part.Token is { } normalizedToken) ids.Add(normalizedToken.Id);
                else EncodeSection(section.Substring(part.Start, part.Length), pieces, ids);
            }
        }
        if (addEos) ids.Add(SpecialTokens.Eos);
        return [.. ids];
    }

    private void EncodeSection(string section, List<string> pieces, List<int> ids)
    {
        if (PreTokenizer is null)
        {
            Model.EncodeWord(section, ids);
            return;
        }
        pieces.Clear();
        PreTokenizer.PreTokenize(section, pieces);
        foreach (string piece in pieces) Model.EncodeWord(piece, ids);
    }

    /// <inheritdoc />
    /// <remarks>Runs the file's decoder chain over the token strings (e.g. byte-level decoding, or SentencePiece's
    /// <c>▁</c>-to-space, byte fallback and leading-space strip).</remarks>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_tokens.Length)
                throw new ArgumentOutOfRangeException(
                    nameof(ids), id, $"Token id {id} at index {i} is outside the vocabulary [0, {_tokens.Length}).");
            if (skipSpecialTokens && _special[id]) continue;
            tokens.Add(_tokens[id]);
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
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {_tokens.Length}).");
        return _tokens[id];
    }
}
