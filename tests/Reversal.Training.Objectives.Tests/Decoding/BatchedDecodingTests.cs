using Reversal.Training.Engine.Llama;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Objectives.Tests.Training;
using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives.Tests.Decoding;

/// <summary>
/// Batched decoding (one forward per step over a batch of ragged prompts) equals one-row decoding on every row, token
/// for token, for models trained with each objective family: causal (NTP), BICO and ABI (decoded with infilling too).
/// </summary>
public class BatchedDecodingTests
{
    private static readonly BlankInfillingTokens Infill = new(40, 41, 42);

    private static readonly Lazy<LlamaModel> NtpModel = new(() => Train(new NextTokenPrediction(), 71));
    private static readonly Lazy<LlamaModel> BicoModel = new(() => Train(Objective.BicoRecipe(), 72));
    private static readonly Lazy<LlamaModel> AbiModel = new(() => Train(Objective.AbiRecipe(Infill), 73));

    private static LlamaModel Model(string name) => name switch
    {
        "ntp" => NtpModel.Value,
        "bico" => BicoModel.Value,
        _ => AbiModel.Value,
    };

    /// <summary>A d32 two-layer model (vocabulary 44: ids 4..39 data, 40..42 the infill tokens) trained for 2 epochs.</summary>
    private static LlamaModel Train(ITrainingObjective objective, long seed)
    {
        var model = LlamaModel.Create(new LlamaConfig
        {
            VocabSize = 44, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            MaxPositionEmbeddings = 48,
        }, seed);
        var data = TinyTask.Sequences(32, seed).Select(s => new TokenSequence(s.Ids, promptLength: s.Length / 2)).ToArray();
        var trainer = Trainer.For(model)
            .WithObjective(objective)
            .WithOptimizer(o => o.AdamW(lr: 1e-2))
            .WithSpecialTokens(SpecialTokenIds.Default)
            .WithSeed(seed)
            .Build();
        trainer.Fit(data, epochs: 2, batchSize: 8);
        return model;
    }

    /// <summary>Eleven prompts of 1..14 tokens (BOS first), in no particular length order, with budgets 0..9.</summary>
    private static (int[][] Prompts, int[] Budgets) RaggedPrompts()
    {
        var random = new SeededRandom(5);
        int[] lengths = [7, 1, 14, 3, 3, 9, 2, 12, 5, 1, 10];
        var prompts = lengths.Select(n =>
        {
            var ids = new int[n];
            ids[0] = SpecialTokenIds.Default.Bos;
            for (int i = 1; i < n; i++) ids[i] = 4 + random.NextInt(36);
            return ids;
        }).ToArray();
        int[] budgets = [9, 6, 8, 0, 9, 4, 9, 7, 9, 3, 9];
        return (prompts, budgets);
    }

    [TestCase("ntp", 4)]
    [TestCase("bico", 4)]
    [TestCase("abi", 4)]
    [TestCase("ntp", 64)]
    public void Batched_greedy_decoding_equals_one_row_decoding_on_every_row(string objective, int batchSize)
    {
        var model = Model(objective);
        var (prompts, budgets) = RaggedPrompts();
        int stop = -1; // no stop: every row spends its budget, so rows of every length are compared
        ICompletionDecoder decoder = CausalGreedyDecoder.Instance;

        var batched = decoder.Decode(model, prompts, budgets, stop, batchSize);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(batched[i], Is.EqualTo(decoder.Decode(model, prompts[i], budgets[i], stop)), $"row {i} ({prompts[i].Length} prompt tokens)");
        Assert.That(batched.Sum(r => r.Length), Is.GreaterThan(20), "the rows decode something to compare");
    }

    [TestCase("ntp")]
    [TestCase("bico")]
    [TestCase("abi")]
    public void Batched_sampling_equals_one_row_sampling_on_every_row(string objective)
    {
        var model = Model(objective);
        var (prompts, budgets) = RaggedPrompts();
        var options = new GenerationOptions { Temperature = 1.5f, TopK = 8, StopTokens = [SpecialTokenIds.Default.Eos] };
        long[] seeds = [.. Enumerable.Range(100, prompts.Length).Select(s => (long)s)];

        var batched = Generator.Generate(model, prompts, options, seeds, batchSize: 5, maxNewTokens: budgets);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(batched[i], Is.EqualTo(Generator.Generate(model, prompts[i], options with { Seed = seeds[i], MaxNewTokens = budgets[i] })), $"row {i}");
    }

    [TestCase("abi", 3)]
    [TestCase("abi", 64)]
    [TestCase("random", 3)]
    public void Batched_infill_decoding_equals_one_row_infill_decoding_on_every_row(string weights, int batchSize)
    {
        // The trained ABI model mostly closes its pieces at once; randomly initialised weights (wide init) decode long
        // rows, so both short and long rows of every prompt length are compared.
        var model = weights == "abi" ? AbiModel.Value : LlamaModel.Create(AbiModel.Value.Config with { InitializerRange = 0.5f }, 74);
        var (prompts, budgets) = RaggedPrompts();
        var decoder = new InfillDecoder(Infill, SpecialTokenIds.Default.Eos);
        int stop = -1;

        var batched = decoder.Decode(model, prompts, budgets, stop, batchSize);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(batched[i], Is.EqualTo(decoder.Decode(model, prompts[i], budgets[i], stop)), $"row {i} ({prompts[i].Length} prompt tokens)");
        if (weights == "random") Assert.That(batched.Count(r => r.Length > 1), Is.GreaterThan(2), "several rows decode more than one token");
    }

    [TestCase("abi")]
    [TestCase("random")]
    public void Infill_decoding_over_the_kv_cache_gives_the_tokens_of_the_decoder_that_reruns_the_full_forward(string weights)
    {
        var model = weights == "abi" ? AbiModel.Value : LlamaModel.Create(AbiModel.Value.Config with { InitializerRange = 0.5f }, 75);
        var (prompts, budgets) = RaggedPrompts();
        var cached = new InfillDecoder(Infill, SpecialTokenIds.Default.Eos);
        var reference = new InfillDecoder(Infill, SpecialTokenIds.Default.Eos, useKvCache: false);
        int stop = -1;
        Assert.That(cached.UsesKvCache && !reference.UsesKvCache);

        var fast = cached.Decode(model, prompts, budgets, stop, 4);
        var slow = reference.Decode(model, prompts, budgets, stop, 4);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(fast[i], Is.EqualTo(slow[i]), $"row {i} ({prompts[i].Length} prompt tokens, budget {budgets[i]})");
        if (weights == "random") Assert.That(fast.Count(r => r.Length > 1), Is.GreaterThan(2), "several rows decode more than one token");
    }

    [Test]
    public void Infill_decoding_over_the_kv_cache_stops_at_the_end_of_the_context_like_the_reference()
    {
        // Context 48: a 40-token prompt leaves room for a few Part B positions only.
        var model = LlamaModel.Create(AbiModel.Value.Config with { InitializerRange = 0.5f }, 76);
        var random = new SeededRandom(9);
        int[][] prompts = [[.. Enumerable.Range(0, 40).Select(_ => 4 + random.NextInt(36))], [.. Enumerable.Range(0, 45).Select(_ => 4 + random.NextInt(36))], [2, 5]];
        int[] budgets = [20, 20, 20];
        var fast = new InfillDecoder(Infill, SpecialTokenIds.Default.Eos).Decode(model, prompts, budgets, -1, 3);
        var slow = new InfillDecoder(Infill, SpecialTokenIds.Default.Eos, useKvCache: false).Decode(model, prompts, budgets, -1, 3);
        Assert.That(fast, Is.EqualTo(slow));
        Assert.That(fast[0].Length, Is.LessThanOrEqualTo(48 - 40), "the first row stops at the context");
    }

    [Test]
    public void Batched_decoding_refuses_mismatched_budgets_and_empty_prompts()
    {
        var model = NtpModel.Value;
        ICompletionDecoder greedy = CausalGreedyDecoder.Instance;
        ICompletionDecoder infill = new InfillDecoder(Infill, null);
        Assert.Multiple(() =>
        {
            Assert.That(() => greedy.Decode(model, [[2]], [1, 2], 3, 4), Throws.ArgumentException.With.Message.Contains("2 budgets for 1 prompts"));
            Assert.That(() => infill.Decode(model, [[2], []], [1, 1], 3, 4), Throws.ArgumentException.With.Message.Contains("Prompt 1 is empty"));
            Assert.That(() => infill.Decode(model, [[2]], [-1], 3, 4), Throws.ArgumentException.With.Message.Contains("negative budget"));
            Assert.That(() => infill.Decode(model, [[2]], [1], 3, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
