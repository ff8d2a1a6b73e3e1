using System.Globalization;
using System.Text;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.AddedTokens;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Models.Bpe;
using Reversal.Training.Data.Tokenization.Normalizers;
using Reversal.Training.Data.Tokenization.Patterns;
using Reversal.Training.Data.Tokenization.PreTokenizers;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>Unit tests of the tokenizer.json components: regex translation, code-point matching, byte alphabet,
/// added-token matching, split behaviours, decoders and the BPE merge order.</summary>
public class BpeComponentTests
{
    private const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string Gpt4Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+";

    // ---- Regex translation ---------------------------------------------------------------------------------------

    [Test]
    public void Qwen_pattern_translates_with_ascii_case_folding_and_escaped_literals()
    {
        Assert.That(OnigurumaTranslator.Translate(QwenPattern), Is.EqualTo(
            @"(?:\u0027[sS]|\u0027[tT]|\u0027[rR][eE]|\u0027[vV][eE]|\u0027[mM]|\u0027[lL][lL]|\u0027[dD])" +
            @"|[^\u000D\u000A\p{L}\p{N}]?\p{L}+|\p{N}|\u0020?[^\s\p{L}\p{N}]+[\u000D\u000A]*|\s*[\u000D\u000A]+|\s+(?!\S)|\s+"));
    }

    [TestCase(@"a?+b", @"(?>a?)b")]
    [TestCase(@"[^x]++y", @"(?>[^x]+)y")]
    [TestCase(@"(ab)*+", @"(?>(ab)*)")]
    [TestCase(@"\p{N}{1,3}", @"\p{N}{1,3}")]
    [TestCase(@"a{2}+", @"(?:a{2})+")]
    [TestCase(@"a{,3}", @"a{0,3}")]
    [TestCase(@"x{", @"x\{")]
    [TestCase(@"a*?b", @"a*?b")]
    [TestCase(@"(?i:[a-c_])", @"(?:[a-cA-C_])")]
    [TestCase(@"(?i)ab|c", @"[aA][bB]|[cC]")]
    [TestCase(@"^\d\D\h$", @"(?m:^)\p{Nd}\P{Nd}[0-9A-Fa-f](?m:$)")]
    [TestCase(@"\x41\x{42}\u0043\t", @"ABC\u0009")]
    [TestCase(@"[\p{Lu}\P{Letter}-]", @"[\p{Lu}\P{L}\u002D]")]
    [TestCase(@"(?<word>\w+)\k<word>", @"(?<word>\w+)\k<word>")]
    [TestCase(@"(?#comment)a", @"a")]
    public void Oniguruma_constructs_translate_to_dotnet(string pattern, string expected)
        => Assert.That(OnigurumaTranslator.Translate(pattern), Is.EqualTo(expected));

    [TestCase(@"\p{Han}")]
    [TestCase(@"[a-z&&[^aeiou]]")]
    [TestCase(@"[[:alpha:]]")]
    [TestCase(@"\X")]
    [TestCase(@"\K")]
    [TestCase("😀")]
    [TestCase(@"\x{1F600}")]
    [TestCase(@"(?x)a")]
    [TestCase(@"*a")]
    [TestCase(@"(a")]
    [TestCase(@"a)")]
    public void Unsupported_or_malformed_constructs_throw(string pattern)
        => Assert.Throws<NotSupportedException>(() => OnigurumaTranslator.Translate(pattern));

    [Test]
    public void Possessive_quantifier_does_not_give_back()
    {
        // GPT-4 style: "?+" keeps the optional punctuation even when the letters then fail.
        var pieces = Matches(new CodePointRegex(@"[^\p{L}]?+\p{L}+|[^\p{L}]"), "!!a");
        Assert.That(pieces, Is.EqualTo(new[] { "!", "!a" }));
    }

    // ---- Matching per code point ---------------------------------------------------------------------------------

    [TestCase("😀abc", new[] { "😀abc" })]
    [TestCase("a😀b", new[] { "a", "😀b" })]
    [TestCase("𝐀𝐁𝐂 x", new[] { "𝐀𝐁𝐂", " x" })]
    [TestCase("I'M here's 12", new[] { "I", "'M", " here", "'s", " ", "1", "2" })]
    [TestCase("a  \n\n b", new[] { "a", "  \n\n", " b" })]
    [TestCase("👨‍👩‍👧 ok", new[] { "👨‍👩‍👧", " ok" })]
    public void Qwen_pattern_splits_astral_characters_as_whole_code_points(string text, string[] expected)
        => Assert.That(Matches(new CodePointRegex(QwenPattern), text), Is.EqualTo(expected));

    [Test]
    public void Gpt4_pattern_groups_digits_by_three()
        => Assert.That(Matches(new CodePointRegex(Gpt4Pattern), "1234567"), Is.EqualTo(new[] { "123", "456", "7" }));

    [Test]
    public void Every_category_has_a_non_white_space_representative_of_that_category()
    {
        foreach (UnicodeCategory category in Enum.GetValues<UnicodeCategory>())
        {
            if (category is UnicodeCategory.Surrogate or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Control) continue; // no astral characters there
            char representative = CodePointRegex.RepresentativeOf(category);
            Assert.That(CharUnicodeInfo.GetUnicodeCategory(representative), Is.EqualTo(category), category.ToString());
            Assert.That(char.IsWhiteSpace(representative), Is.False, category.ToString());
            Assert.That(representative, Is.GreaterThanOrEqualTo('\u0100'), category.ToString());
        }
    }

    // ---- Byte-level alphabet -------------------------------------------------------------------------------------

    [Test]
    public void Byte_alphabet_is_the_gpt2_table()
    {
        Assert.That(ByteLevelAlphabet.Characters.Distinct().Count(), Is.EqualTo(256));
        Assert.That(ByteLevelAlphabet.ByteToChar((byte)' '), Is.EqualTo('Ġ'));
        Assert.That(ByteLevelAlphabet.ByteToChar((byte)'\n'), Is.EqualTo('Ċ'));
        Assert.That(ByteLevelAlphabet.ByteToChar((byte)'A'), Is.EqualTo('A'));
        Assert.That(ByteLevelAlphabet.ByteToChar(0xAD), Is.EqualTo('Ń'));
        Assert.That(ByteLevelAlphabet.Encode("é €"), Is.EqualTo("Ã©ĠâĤ¬"));
        Assert.That(ByteLevelAlphabet.TryGetByte('Ġ', out byte space) && space == 0x20, Is.True);
        Assert.That(ByteLevelAlphabet.TryGetByte('€', out _), Is.False);
    }

    // ---- Added tokens --------------------------------------------------------------------------------------------

    [Test]
    public void Added_tokens_match_longest_first_at_the_leftmost_position()
    {
        var matcher = Matcher(new AddedToken(10, "<a>"), new AddedToken(11, "<a><b>"), new AddedToken(12, "b"));
        Assert.That(Split(matcher, "x<a><b>yb<a>"), Is.EqualTo(new[] { "x", "[11]", "y", "[12]", "[10]" }));
    }

    [Test]
    public void Added_token_flags_strip_white_space_and_require_word_boundaries()
    {
        var matcher = Matcher(
            new AddedToken(1, "<l>") { LStrip = true },
            new AddedToken(2, "<r>") { RStrip = true },
            new AddedToken(3, "cat") { SingleWord = true });

        Assert.That(Split(matcher, "a  <l>  b"), Is.EqualTo(new[] { "a", "[1]", "  b" }));
        Assert.That(Split(matcher, "a  <r>  b"), Is.EqualTo(new[] { "a  ", "[2]", "b" }));
        Assert.That(Split(matcher, "cat concat cat."), Is.EqualTo(new[] { "[3]", " concat ", "[3]", "." }));
    }

    // ---- Normalizers and pre-tokenizers ---------------------------------------------------------------------------

    [Test]
    public void Unicode_normalizer_keeps_lone_surrogates_and_normalizes_around_them()
    {
        var nfc = new UnicodeNormalizer(NormalizationForm.FormC);
        Assert.That(nfc.Normalize("e\u0301\uD800e\u0301"), Is.EqualTo("\u00E9\uD800\u00E9"));
        Assert.That(nfc.Normalize("\u212B"), Is.EqualTo("\u00C5"));
        Assert.That(new UnicodeNormalizer(NormalizationForm.FormKD).Normalize("\uFB01"), Is.EqualTo("fi"));
    }

    [Test]
    public void Byte_level_pre_tokenizer_adds_a_prefix_space_and_splits_with_the_gpt2_pattern()
    {
        var pieces = new List<PreTokenizedPiece>();
        new ByteLevelPreTokenizer(addPrefixSpace: true, trimOffsets: false, useRegex: true).PreTokenize("Hello world's 42!!", pieces);
        Assert.That(pieces.Select(p => p.Text), Is.EqualTo(new[] { "ĠHello", "Ġworld", "'s", "Ġ42", "!!" }));
        pieces.Clear();
        new ByteLevelPreTokenizer(addPrefixSpace: false, trimOffsets: false, useRegex: false).PreTokenize("a b", pieces);
        Assert.That(pieces.Select(p => p.Text), Is.EqualTo(new[] { "aĠb" }));
    }

    // ---- Split behaviours ----------------------------------------------------------------------------------------

    [TestCase("Removed", false, new[] { "a", "b" })]
    [TestCase("Isolated", false, new[] { "a", "--", "b", "-" })]
    [TestCase("MergedWithPrevious", false, new[] { "a--", "b-" })]
    [TestCase("MergedWithNext", false, new[] { "a", "--b", "-" })]
    [TestCase("Contiguous", false, new[] { "a", "--", "b", "-" })]
    [TestCase("Removed", true, new[] { "--", "-" })]
    public void Split_behaviours_follow_the_reference(string behavior, bool invert, string[] expected)
    {
        var splitter = new SplitPreTokenizer(TextPattern.FromRegex("-+"), Enum.Parse<SplitBehavior>(behavior), invert);
        var pieces = new List<PreTokenizedPiece>();
        splitter.PreTokenize("a--b-", pieces);
        Assert.That(pieces.Select(p => p.Text), Is.EqualTo(expected));
    }

    [Test]
    public void Contiguous_merges_consecutive_matches()
    {
        var splitter = new SplitPreTokenizer(TextPattern.FromLiteral("-"), SplitBehavior.Contiguous, invert: false);
        var pieces = new List<PreTokenizedPiece>();
        splitter.PreTokenize("a--b", pieces);
        Assert.That(pieces.Select(p => p.Text), Is.EqualTo(new[] { "a", "--", "b" }));
    }

    // ---- Decoders ------------------------------------------------------------------------------------------------

    [Test]
    public void Byte_fallback_decodes_byte_runs_and_replaces_invalid_utf8_per_byte()
    {
        var decoder = new ByteFallbackDecoder();
        Assert.That(decoder.DecodeChain(["a", "<0xE2>", "<0x82>", "<0xAC>", "b"]), Is.EqualTo(new[] { "a", "€", "b" }));
        Assert.That(decoder.DecodeChain(["<0xE2>", "<0x82>", "x"]), Is.EqualTo(new[] { "\uFFFD\uFFFD", "x" }));
        Assert.That(decoder.DecodeChain(["<0xZZ>"]), Is.EqualTo(new[] { "<0xZZ>" }));
    }

    [Test]
    public void Strip_removes_at_most_the_given_counts()
    {
        var decoder = new StripDecoder(" ", start: 1, stop: 2);
        Assert.That(decoder.DecodeChain(["   a   ", " ", ""]), Is.EqualTo(new[] { "  a ", "", "" }));
    }

    [Test]
    public void Byte_level_decoder_turns_symbols_back_into_utf8_text()
    {
        var decoder = new ByteLevelDecoder(false, false, false);
        Assert.That(decoder.DecodeChain(["Ã©", "ĠâĤ", "¬", "<|x|>"]), Is.EqualTo(new[] { "é €<|x|>" }));
        Assert.That(decoder.DecodeChain(["âĤ"]), Is.EqualTo(new[] { "\uFFFD" }), "a truncated sequence");
    }

    // ---- BPE merge order -----------------------------------------------------------------------------------------

    [Test]
    public void Equal_ranks_merge_leftmost_first_and_lower_ranks_win()
    {
        // vocab a=0 b=1 aa=2 ab=3 aaa=4; merges: (a,a) rank 0, (a,b) rank 1, (aa,a) rank 2.
        var model = new BpeModel(["a", "b", "aa", "ab", "aaa"], [(0, 0), (0, 1), (2, 0)], new BpeModelSettings());
        var ids = new List<int>();

        model.EncodeWord("aaa", ids);
        Assert.That(ids, Is.EqualTo(new[] { 4 }), "aa+a");
        ids.Clear();
        model.EncodeWord("aab", ids);
        Assert.That(ids, Is.EqualTo(new[] { 2, 1 }), "(a,a) has the lower rank than (a,b)");
        ids.Clear();
        model.EncodeWord("aaaa", ids);
        Assert.That(ids, Is.EqualTo(new[] { 2, 2 }), "leftmost (a,a) first, then the next (a,a) before (aa,a)");
    }

    [Test]
    public void Continuing_subword_prefix_and_end_of_word_suffix_shape_the_symbols()
    {
        // WordPiece-like BPE: "##" before non-initial characters, "</w>" after the last.
        string[] vocab = ["l", "##o", "##w</w>", "lo", "low</w>"];
        var model = new BpeModel(vocab, [(0, 1), (3, 2)],
            new BpeModelSettings { ContinuingSubwordPrefix = "##", EndOfWordSuffix = "</w>" });
        var ids = new List<int>();

        model.EncodeWord("low", ids);

        Assert.That(ids, Is.EqualTo(new[] { 4 }));
        Assert.That(model.MergedToken("lo", "##w</w>"), Is.EqualTo("low</w>"));
    }

    [Test]
    public void Ignore_merges_takes_a_whole_word_from_the_vocabulary()
    {
        string[] vocab = ["a", "b", "c", "ab", "abc", "bc"];
        // Without ignore_merges "abc" would become ab + c (no merge (ab, c)).
        var merges = new List<(int, int)> { (0, 1), (1, 2) };
        var plain = new BpeModel(vocab, merges, new BpeModelSettings());
        var ignoring = new BpeModel(vocab, merges, new BpeModelSettings { IgnoreMerges = true });
        var ids = new List<int>();

        plain.EncodeWord("abc", ids);
        Assert.That(ids, Is.EqualTo(new[] { 3, 2 }));
        ids.Clear();
        ignoring.EncodeWord("abc", ids);
        Assert.That(ids, Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void Byte_fallback_writes_unknown_characters_as_byte_tokens()
    {
        string[] vocab = ["<unk>", "a", .. Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>")];
        var model = new BpeModel(vocab, [], new BpeModelSettings { UnkToken = "<unk>", ByteFallback = true });
        var ids = new List<int>();

        model.EncodeWord("a€", ids);

        Assert.That(ids, Is.EqualTo(new[] { 1, 2 + 0xE2, 2 + 0x82, 2 + 0xAC }));
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    private static List<string> Matches(CodePointRegex regex, string text)
    {
        var matches = new List<(int Start, int Length)>();
        regex.FindMatches(text, matches);
        return matches.ConvertAll(m => text.Substring(m.Start, m.Length));
    }

    private static AddedTokenMatcher Matcher(params AddedToken[] tokens) => new(tokens.Select(t => (t.Content, t)));

    private static List<string> Split(AddedTokenMatcher matcher, string text)
    {
        var segments = new List<AddedTokenSegment>();
        matcher.Split(text, segments);
        return segments.ConvertAll(s => s.Token is { } token ? $"[{token.Id}]" : text.Substring(s.Start, s.Length));
    }
}
