using System.Buffers;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.MicrosoftML;
using Reversal.Training.Objectives;
using BpeTokenizer = Reversal.Training.Data.Tokenization.BpeTokenizer;

namespace Reversal.Training.Data.MicrosoftML.Tests;

/// <summary>
/// Both directions with real encodes and decodes: Microsoft's own o200k Tiktoken tokenizer (the served
/// Microsoft.ML.Tokenizers.Data.O200kBase package) used through <see cref="ITokenizer"/>, and our tokenizers handed
/// to code that takes a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>.
/// </summary>
public class MicrosoftMLInteropTests
{
    private const int O200kVocabSize = 200_019;
    private const int EndOfText = 199_999;
    private static readonly SpecialTokenIds s_o200kSpecials = new(Pad: EndOfText, Unk: EndOfText, Bos: EndOfText, Eos: EndOfText);
    private static readonly Lazy<TiktokenTokenizer> s_tiktoken = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    private static readonly string[] s_texts =
    [
        "", "Hello world", "Daphne Barrington is the director of \"A Journey Through Time.\"", "naïve café Größe",
        "  two  spaces\tand\ttabs\n\nnew paragraph", "12345 + 67890 = 80235", "你好，世界！", "Emoji: 😀 👍🏽 👨‍👩‍👧‍👦",
        "<|endoftext|> after a special token", "def f(x):\n    return x + 1\n",
    ];

    // ---- Theirs as ours ---------------------------------------------------------------------------------------------

    [Test]
    public void Microsoft_tokenizer_encodes_and_decodes_through_ITokenizer()
    {
        ITokenizer tokenizer = s_tiktoken.Value.AsReversalTokenizer(O200kVocabSize, s_o200kSpecials);

        foreach (string text in s_texts)
        {
            int[] ids = tokenizer.Encode(text, addBos: true, addEos: true);
            Assert.That(ids[1..^1], Is.EqualTo(s_tiktoken.Value.EncodeToIds(text)), text);
            Assert.That(ids[0], Is.EqualTo(EndOfText));
            Assert.That(tokenizer.Decode(ids[1..^1], skipSpecialTokens: false), Is.EqualTo(text), text);
        }
        Assert.That(tokenizer.Encode("Hello world! 12345 <|endofprompt|> naïve 😀"),
            Is.EqualTo(new[] { 13225, 2375, 0, 220, 7633, 2548, 220, 200018, 153475, 737, 88038 }), "the ids the reference JS implementation gives");
        Assert.That(tokenizer.TokenToId("Hello"), Is.EqualTo(13225));
        Assert.That(tokenizer.TokenToId("Hello world"), Is.Null, "two tokens");
        Assert.That(tokenizer.IdToToken(13225), Is.EqualTo("Hello"));
        Assert.That(tokenizer.Decode([13225, EndOfText]), Is.EqualTo("Hello"), "special roles skipped");
    }

    [Test]
    public void Microsoft_tokenizer_feeds_the_library_data_pipeline()
    {
        ITokenizer tokenizer = s_tiktoken.Value.AsReversalTokenizer(O200kVocabSize, s_o200kSpecials);

        TokenSequence sequence = PromptCompletionEncoder.Encode(tokenizer, new PromptCompletion("Who is Daphne Barrington?", " The director."));

        Assert.That(sequence.Ids[0], Is.EqualTo(EndOfText));
        Assert.That(sequence.Ids[^1], Is.EqualTo(EndOfText));
        Assert.That(tokenizer.Decode(sequence.Ids.AsSpan(1, sequence.Ids.Length - 2), skipSpecialTokens: false),
            Is.EqualTo("Who is Daphne Barrington? The director."));
    }

    [Test]
    public void Microsoft_tokenizer_offsets_come_through()
    {
        ITokenizer tokenizer = s_tiktoken.Value.AsReversalTokenizer(O200kVocabSize, s_o200kSpecials);

        EncodedText encoded = tokenizer.EncodeWithOffsets("Hello naïve 😀");

        Assert.That(encoded.Tokens.Select(t => (t.Id, t.Start, t.Length)),
            Is.EqualTo(new[] { (13225, 0, 5), (153475, 5, 4), (737, 9, 2), (88038, 11, 3) }));
        Assert.That(encoded.Text, Is.EqualTo("Hello naïve 😀"));
    }

    [Test]
    public void Adapter_refuses_vocabularies_and_ids_that_do_not_fit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => s_tiktoken.Value.AsReversalTokenizer(0, s_o200kSpecials));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => s_tiktoken.Value.AsReversalTokenizer(1000, s_o200kSpecials));
        Assert.That(error!.Message, Does.Contain("Special token Pad has id 199999, outside the vocabulary [0, 1000) of the Microsoft.ML.Tokenizers tokenizer"));

        ITokenizer tooSmall = new MicrosoftMLTokenizerAdapter(s_tiktoken.Value, 100_000, new SpecialTokenIds(0, 0, 0, 0));
        Assert.That(() => tooSmall.Encode("<|endoftext|>"), Throws.InvalidOperationException.With.Message.Contains("produced id 199999"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tooSmall.Decode([100_000]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tooSmall.IdToToken(-1));
    }

    // ---- Ours as theirs ---------------------------------------------------------------------------------------------

    [Test]
    public void Our_bpe_tokenizer_encodes_and_decodes_through_Microsoft_Tokenizer()
    {
        BpeTokenizer ours = TrainedTokenizer();
        Tokenizer theirs = ours.AsMicrosoftMLTokenizer();

        foreach (string text in s_texts)
        {
            Assert.That(theirs.EncodeToIds(text), Is.EqualTo(ours.Encode(text)), text);
            Assert.That(theirs.CountTokens(text), Is.EqualTo(ours.Encode(text).Length), text);
            Assert.That(theirs.Decode(ours.Encode(text)), Is.EqualTo(ours.Decode(ours.Encode(text), skipSpecialTokens: false)), text);
            IReadOnlyList<EncodedToken> tokens = theirs.EncodeToTokens(text, out string? normalized);
            Assert.That(normalized, Is.Null, "no normalizer");
            Assert.That(tokens.Select(t => t.Id), Is.EqualTo(ours.Encode(text)));
            Assert.That(tokens.Select(t => t.Value), Is.EqualTo(ours.Encode(text).Select(ours.IdToToken)));
        }
        Assert.That(theirs.EncodeToTokens("<bos>hi", out _).Select(t => (t.Id, t.Offset.Start.Value, t.Offset.End.Value)).First(),
            Is.EqualTo((2, 0, 5)));
    }

    [Test]
    public void Token_budgets_never_cut_inside_a_character_and_the_prefix_encodes_to_the_counted_tokens()
    {
        Tokenizer theirs = TrainedTokenizer().AsMicrosoftMLTokenizer();
        string text = "Emoji: 😀 👍🏽 and naïve text 12345";
        int total = theirs.CountTokens(text);

        for (int budget = 0; budget <= total; budget++)
        {
            int index = theirs.GetIndexByTokenCount(text, budget, out string? normalized, out int count);
            Assert.That(normalized, Is.Null);
            Assert.That(count, Is.LessThanOrEqualTo(budget));
            Assert.That(theirs.CountTokens(text[..index]), Is.EqualTo(count), $"budget {budget}: prefix {text[..index]}");
            Assert.That(theirs.EncodeToIds(text, budget, out _, out int consumed), Has.Count.EqualTo(count));
            Assert.That(consumed, Is.EqualTo(index));

            int fromEnd = theirs.GetIndexByTokenCountFromEnd(text, budget, out _, out int suffixCount);
            Assert.That(suffixCount, Is.LessThanOrEqualTo(budget));
            Assert.That(theirs.EncodeToIds(text[fromEnd..]).Count, Is.EqualTo(suffixCount), $"budget {budget} from the end");
        }
    }

    [Test]
    public void Decoding_into_a_short_buffer_writes_the_longest_prefix_that_fits()
    {
        BpeTokenizer ours = TrainedTokenizer();
        Tokenizer theirs = ours.AsMicrosoftMLTokenizer();
        int[] ids = ours.Encode("The quick brown fox jumps over the lazy dog.");

        var buffer = new char[12];
        OperationStatus status = theirs.Decode(ids, buffer, out int idsConsumed, out int charsWritten);

        Assert.That(status, Is.EqualTo(OperationStatus.DestinationTooSmall));
        Assert.That(new string(buffer, 0, charsWritten), Is.EqualTo(ours.Decode(ids.AsSpan(0, idsConsumed), skipSpecialTokens: false)));
        Assert.That(ours.Decode(ids.AsSpan(0, idsConsumed + 1), skipSpecialTokens: false).Length, Is.GreaterThan(buffer.Length));
        var large = new char[100];
        Assert.That(theirs.Decode(ids, large, out idsConsumed, out charsWritten), Is.EqualTo(OperationStatus.Done));
        Assert.That((idsConsumed, new string(large, 0, charsWritten)), Is.EqualTo((ids.Length, "The quick brown fox jumps over the lazy dog.")));
    }

    [Test]
    public void Word_tokenizer_through_Microsoft_Tokenizer_reports_its_lower_cased_text()
    {
        var ours = WordTokenizer.Fit(["the cat sat ."], new WordTokenizerOptions { LowerCase = true });
        Tokenizer theirs = ours.AsMicrosoftMLTokenizer(skipSpecialTokensWhenDecoding: true);

        IReadOnlyList<EncodedToken> tokens = theirs.EncodeToTokens("The cat sat.", out string? normalized);

        Assert.That(normalized, Is.EqualTo("the cat sat."));
        Assert.That(tokens.Select(t => (t.Value, normalized![t.Offset])), Is.EqualTo(new[] { ("the", "the"), ("cat", "cat"), ("sat", "sat"), (".", ".") }));
        Assert.That(theirs.EncodeToTokens("The cat", out normalized, considerNormalization: false).Select(t => t.Id),
            Is.EqualTo(new[] { ours.SpecialTokens.Unk, ours.TokenToId("cat")!.Value }), "without lower-casing The is unknown");
        Assert.That(normalized, Is.Null);
        Assert.That(theirs.Decode(ours.Encode("the cat", addBos: true)), Is.EqualTo("the cat"));
        Assert.Throws<NotSupportedException>(() => theirs.EncodeToIds("the cat", considerPreTokenization: false));
    }

    [Test]
    public void Converting_back_unwraps_instead_of_stacking_adapters()
    {
        BpeTokenizer ours = TrainedTokenizer();
        Tokenizer theirs = ours.AsMicrosoftMLTokenizer();

        Assert.That(theirs.AsReversalTokenizer(ours.VocabSize, ours.SpecialTokens), Is.SameAs(ours));
        ITokenizer wrapped = s_tiktoken.Value.AsReversalTokenizer(O200kVocabSize, s_o200kSpecials);
        Assert.That(wrapped.AsMicrosoftMLTokenizer(), Is.SameAs(s_tiktoken.Value));
    }

    // ---- The same o200k vocabulary read by both libraries -----------------------------------------------------------

    [Test]
    public void Our_o200k_tokenizer_json_and_Microsofts_o200k_tiktoken_agree_on_ids_and_offsets()
    {
        string? folder = TokenizerFiles.Find("byte-level-bpe-o200k-sparse");
        if (folder is null) Assert.Ignore($"byte-level-bpe-o200k-sparse absent (Fixtures/fetch_o200k.sh, ${TokenizerFiles.EnvironmentVariable})");
        Tokenizer ours = BpeTokenizer.Load(Path.Combine(folder!, "tokenizer.json")).AsMicrosoftMLTokenizer();
        TiktokenTokenizer theirs = s_tiktoken.Value;

        var failures = new List<string>();
        foreach (string text in ReferenceTexts())
        {
            var mine = ours.EncodeToTokens(text, out _).Select(t => (t.Id, t.Offset.Start.Value, t.Offset.End.Value)).ToList();
            var reference = theirs.EncodeToTokens(text, out _).Select(t => (t.Id, t.Offset.Start.Value, t.Offset.End.Value)).ToList();
            if (!mine.Select(t => t.Id).SequenceEqual(reference.Select(t => t.Id)))
                failures.Add($"ids of {JsonSerializer.Serialize(text)}");
            else if (!mine.SequenceEqual(reference))
                failures.Add($"offsets of {JsonSerializer.Serialize(text)}: [{string.Join(" ", mine)}] vs [{string.Join(" ", reference)}]");
        }

        Assert.That(failures, Is.Empty, () => $"{failures.Count} texts differ:\n" + string.Join("\n", failures.Take(10)));
    }

    private static BpeTokenizer TrainedTokenizer() => BpeTokenizer.Load(Path.Combine(
        RepositoryRoot.Folder("tests", "Reversal.Training.Data.Tests", "Tokenization", "Fixtures"), "trained_tokenizer.json"));

    private static string[] ReferenceTexts()
    {
        string path = Path.Combine(RepositoryRoot.Folder("tests", "Reversal.Training.Data.Tests", "Tokenization", "Fixtures"), "reference_ids.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. document.RootElement.GetProperty("texts").EnumerateArray().Select(e => e.GetString()!)];
    }
}
