using Reversal.Training.Engine.Autograd;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Generation;

public class GeneratorTests
{
    private static readonly int[] Prompt = [3, 1, 4, 1, 5];

    /// <summary>A randomly initialised tiny model (InitializerRange 0.5, so logits are well separated).</summary>
    private static LlamaModel Model(long seed) => LlamaModel.Create(TinyLlama.Config() with { InitializerRange = 0.5f }, seed);

    [TestCase(51)]
    [TestCase(52)]
    [TestCase(53)]
    public void Greedy_with_the_kv_cache_equals_a_naive_full_recompute_loop(long seed)
    {
        var model = Model(seed);
        var generated = Generator.Generate(model, Prompt, GenerationOptions.Greedy(8));

        var ids = Prompt.ToList();
        var expected = new List<int>();
        var margins = new List<float>();
        using (GradMode.NoGrad())
        {
            for (int step = 0; step < 8; step++)
            {
                var logits = model.Forward(ids.ToArray(), 1, ids.Count).ToArray();
                var last = logits.AsSpan((ids.Count - 1) * 11, 11).ToArray();
                int next = ArgMax(last);
                var sorted = last.OrderByDescending(v => v).ToArray();
                margins.Add(sorted[0] - sorted[1]);
                expected.Add(next);
                ids.Add(next);
            }
        }
        Assert.That(generated, Is.EqualTo(expected), () => $"smallest top-2 logit margin of the naive loop: {margins.Min()}");
    }

    [Test]
    public void Cached_logits_match_the_full_forward()
    {
        var model = Model(54);
        var cache = model.CreateKvCache();
        var cached = model.ForwardCached(Prompt, cache);
        var more = model.ForwardCached([7], cache);
        using (GradMode.NoGrad())
        {
            var full = model.Forward(Prompt, 1, 5).ToArray();
            var fullMore = model.Forward([.. Prompt, 7], 1, 6).ToArray();
            // same arithmetic up to the summation order of the kernels: float32 rounding only
            Compare.Close(cached, TestData.ToDouble(full.AsSpan(4 * 11, 11)), new Tolerance(1e-5, 1e-5), "prompt logits");
            Compare.Close(more, TestData.ToDouble(fullMore.AsSpan(5 * 11, 11)), new Tolerance(1e-5, 1e-5), "next-token logits");
        }
        Assert.That(cache.Length, Is.EqualTo(6));
    }

    [Test]
    public void Feeding_the_prompt_in_chunks_gives_the_same_logits()
    {
        var model = Model(60);
        var whole = model.ForwardCached(Prompt, model.CreateKvCache());
        var cache = model.CreateKvCache(8);
        model.ForwardCached(Prompt.AsSpan(0, 3), cache);
        var chunked = model.ForwardCached(Prompt.AsSpan(3), cache);
        Compare.Close(chunked, TestData.ToDouble(whole), new Tolerance(1e-5, 1e-5), "chunked vs whole prompt");
        Assert.Throws<ArgumentException>(() => model.ForwardCached([1, 2, 3, 4], cache), "5 + 4 tokens exceed a capacity of 8");
    }

    [Test]
    public void Sampling_with_a_fixed_seed_is_reproducible_and_different_seeds_differ()
    {
        var model = Model(55);
        var options = new GenerationOptions { MaxNewTokens = 8, Temperature = 5f, Seed = 1 };
        var first = Generator.Generate(model, Prompt, options);
        var again = Generator.Generate(model, Prompt, options);
        var other = Generator.Generate(model, Prompt, options with { Seed = 2 });
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Length.EqualTo(8));
            Assert.That(again, Is.EqualTo(first));
            Assert.That(other, Is.Not.EqualTo(first));
            Assert.That(first, Has.All.InRange(0, 10));
        });
    }

    [Test]
    public void Top_k_one_sampling_is_greedy()
    {
        var model = Model(56);
        var greedy = Generator.Generate(model, Prompt, GenerationOptions.Greedy(8));
        var topOne = Generator.Generate(model, Prompt, new GenerationOptions { MaxNewTokens = 8, Temperature = 3f, TopK = 1, Seed = 9 });
        Assert.That(topOne, Is.EqualTo(greedy));
    }

    [Test]
    public void A_stop_token_ends_generation_and_is_included()
    {
        var model = Model(57);
        var free = Generator.Generate(model, Prompt, GenerationOptions.Greedy(8));
        int stop = free[2];
        int firstStop = Array.IndexOf(free, stop);
        var stopped = Generator.Generate(model, Prompt, GenerationOptions.Greedy(8, stop));
        Assert.That(stopped, Is.EqualTo(free.Take(firstStop + 1).ToArray()));
    }

    [Test]
    public void Generation_stops_at_the_context_length()
    {
        var model = Model(58);
        var generated = Generator.Generate(model, Prompt, GenerationOptions.Greedy(50));
        Assert.That(generated, Has.Length.EqualTo(16 - Prompt.Length));
    }

    [Test]
    public void A_prompt_longer_than_the_context_throws()
    {
        var model = Model(59);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => Generator.Generate(model, new int[17], GenerationOptions.Greedy(1)));
            Assert.Throws<ArgumentException>(() => Generator.Generate(model, [], GenerationOptions.Greedy(1)), "empty prompt");
            Assert.Throws<ArgumentException>(() => Generator.Generate(model, [1, 11], GenerationOptions.Greedy(1)), "id outside the vocabulary");
            Assert.Throws<ArgumentOutOfRangeException>(() => Generator.Generate(model, Prompt, new GenerationOptions { Temperature = -1f }));
        });
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    [TestCase(0f, 0)]
    [TestCase(1.3f, 0)]
    [TestCase(0.8f, 4)]
    public void Batched_generation_of_ragged_prompts_equals_one_row_generation_on_every_row(float temperature, int topK)
    {
        var model = Model(61);
        int[][] prompts = [[2, 5], [3, 1, 4, 1, 5, 9, 2], [7], [6, 6, 6, 1], [8, 3, 2]];
        var options = new GenerationOptions { MaxNewTokens = 9, Temperature = temperature, TopK = topK, StopTokens = [4] };
        long[] seeds = [11, 12, 13, 14, 15];

        var batched = Generator.Generate(model, prompts, options, seeds, batchSize: 3);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(batched[i], Is.EqualTo(Generator.Generate(model, prompts[i], options with { Seed = seeds[i] })), $"row {i}");
    }

    [Test]
    public void Batched_generation_refuses_bad_prompts_by_index()
    {
        var model = Model(61);
        Assert.Multiple(() =>
        {
            Assert.That(() => Generator.Generate(model, [[1], []], GenerationOptions.Greedy(2)),
                Throws.ArgumentException.With.Message.Contains("Prompt 1 is empty"));
            Assert.That(() => Generator.Generate(model, [[1, 99]], GenerationOptions.Greedy(2)),
                Throws.ArgumentException.With.Message.Contains("Prompt 0: token id 99 at position 1"));
            Assert.That(() => Generator.Generate(model, [[1]], GenerationOptions.Greedy(2), seeds: [1, 2]),
                Throws.ArgumentException.With.Message.Contains("2 seeds for 1 prompts"));
        });
    }
}
