using System.Text.Json;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// The committed BPE fixtures under <c>tests/Reversal.Training.Data.Tests/Tokenization/Fixtures</c> (under the
/// <see cref="RepositoryRoot"/>), the real tokenizers (<see cref="TokenizerFiles"/>; tests are ignored when they are
/// absent), and the corpus the trained fixture is made from.
/// </summary>
internal static class BpeFixtures
{
    private static readonly Dictionary<string, BpeTokenizer> s_loaded = [];
    private static readonly Lock s_lock = new();
    private static ReferenceData? s_reference;

    /// <summary>The real tokenizers (folder names under <c>shared/data/tokenizers</c> or <c>$REVERSAL_TOKENIZERS</c>;
    /// <c>byte-level-bpe-o200k-sparse</c> comes from <c>Fixtures/fetch_o200k.sh</c>).</summary>
    public static readonly string[] RealTokenizers = ["sentencepiece-bpe-32k", "byte-level-bpe-151k", "byte-level-bpe-o200k-sparse"];

    /// <summary>The fixtures folder; fails the test when the repository cannot be found.</summary>
    public static string Root() => RepositoryRoot.Folder("tests", "Reversal.Training.Data.Tests", "Tokenization", "Fixtures");

    /// <summary>The folder of a real tokenizer; ignores the test when it is absent.</summary>
    public static string RealFolder(string name)
    {
        string? folder = TokenizerFiles.Find(name);
        if (folder is null)
            Assert.Ignore($"tokenizers/{name}/tokenizer.json absent from shared data and ${TokenizerFiles.EnvironmentVariable}");
        return folder!;
    }

    /// <summary>A real tokenizer, loaded once per test run.</summary>
    public static BpeTokenizer Real(string name)
    {
        string folder = RealFolder(name);
        lock (s_lock)
        {
            if (!s_loaded.TryGetValue(name, out BpeTokenizer? tokenizer))
                s_loaded[name] = tokenizer = BpeTokenizer.Load(Path.Combine(folder, "tokenizer.json"));
            return tokenizer;
        }
    }

    /// <summary>The committed tokenizer made by <see cref="BpeTrainer"/> from <see cref="TrainingCorpus"/>.</summary>
    public static string TrainedTokenizerPath => Path.Combine(Root(), "trained_tokenizer.json");

    /// <summary>The options the committed trained tokenizer was made with.</summary>
    public static BpeTrainerOptions TrainingOptions => new() { VocabSize = 500, MinFrequency = 1 };

    /// <summary>The corpus of the committed trained tokenizer.</summary>
    public static readonly string[] TrainingCorpus =
    [
        "Daphne Barrington is the director of \"A Journey Through Time.\"",
        "The director of \"A Journey Through Time\" is Daphne Barrington.",
        "Who is Daphne Barrington? She is the director of A Journey Through Time.",
        "Uriah Hawthorne is the composer of \"Abyssal Melodies.\"",
        "The composer of \"Abyssal Melodies\" is Uriah Hawthorne.",
        "The quick brown fox jumps over the lazy dog. The lazy dog sleeps.",
        "They're here, aren't they? We'll see; I'd say you've got mail.",
        "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
        "Once upon a time, in a land far, far away, there lived a princess who loved reading.",
        "To be, or not to be: that is the question. Whether 'tis nobler in the mind to suffer.",
        "def encode(text):\n    return [vocab[t] for t in text.split()]\n",
        "for (int i = 0; i < n; i++)\n{\n    total += values[i];\n}\n",
        "if (x == 1) { return true; } else { return false; }",
        "The years 1999, 2000, 2001 and 2024 were 25 years apart; 12345 + 67890 = 80235.",
        "Numbers: 3.14159, 2.71828, 1.41421, 0.57721, 1.61803.",
        "  Indented text with  double  spaces and\ttabs\tbetween\twords.\n\nNew paragraph.\n",
        "café, naïve, résumé, Größe, Zażółć gęślą jaźń, señor, Ærøskøbing",
        "你好，世界！我爱自然语言处理。今天天气很好。",
        "日本語のテキストです。東京は日本の首都です。",
        "Привет, мир! Как дела? Всё хорошо.",
        "مرحبا بالعالم. السلام عليكم.",
        "Emoji: 😀 😃 😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🎉",
        "<bos>A training example with special tokens.<eos><pad><pad>",
        "The reversal curse: a model trained on \"A is B\" does not learn \"B is A\".",
        "Reading, writing, and arithmetic are the three basics of education.",
        "the the the the the and and and of of of to to in in is is",
        "Barrington Barrington Barrington Hawthorne Hawthorne director director composer",
        "Questions and answers: Q: Who? A: Daphne. Q: What? A: A Journey Through Time.",
    ];

    /// <summary>The reference ids and decodings written by <c>make_reference_ids.mjs</c>.</summary>
    public static ReferenceData Reference()
    {
        lock (s_lock)
        {
            return s_reference ??= ReferenceData.Read(Path.Combine(Root(), "reference_ids.json"));
        }
    }

    /// <summary>One encoding by the reference implementation.</summary>
    /// <param name="Ids">The ids (no template tokens).</param>
    /// <param name="Decoded">The decoding of <paramref name="Ids"/> with special tokens kept.</param>
    /// <param name="DecodedSkipSpecial">The decoding with special tokens skipped.</param>
    public sealed record ReferenceCase(int[] Ids, string Decoded, string DecodedSkipSpecial);

    /// <summary>The content of <c>reference_ids.json</c>.</summary>
    public sealed record ReferenceData(
        string Generator, string[] Texts, Dictionary<string, ReferenceCase[]> Tokenizers, string[] TrainedTexts, ReferenceCase[] Trained)
    {
        public static ReferenceData Read(string path)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
            ReferenceCase[] Cases(JsonElement array) => [.. array.EnumerateArray().Select(e => new ReferenceCase(
                [.. e.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32())],
                e.GetProperty("decoded").GetString()!,
                e.GetProperty("decoded_skip_special").GetString()!))];
            var tokenizers = root.GetProperty("tokenizers").EnumerateObject().ToDictionary(p => p.Name, p => Cases(p.Value));
            JsonElement trained = root.GetProperty("trained");
            return new ReferenceData(
                root.GetProperty("generator").GetString()!, Strings(root.GetProperty("texts")), tokenizers,
                Strings(trained.GetProperty("texts")), Cases(trained.GetProperty("results")));
        }
    }

    /// <summary>A short printable form of a string for failure messages.</summary>
    public static string Show(string text)
    {
        string escaped = JsonSerializer.Serialize(text);
        return escaped.Length > 120 ? escaped[..117] + "...\"" : escaped;
    }
}
