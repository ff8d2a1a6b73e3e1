using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Lora;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;

namespace Reversal.Training.Engine.Tests.Lora;

/// <summary>LoRA on the native engine: the identity at step 0, where gradients go, backward against finite
/// differences of an independent float64 reference, and merge / unmerge.</summary>
public class LoraModelTests
{
    // As LlamaModelTests: float32 backward through two layers against float64 central differences.
    private static readonly Tolerance Gradient = new(1e-5, 1e-4);

    private static readonly LoraConfig Config = new() { Rank = 2, Alpha = 3, TargetModules = LoraConfig.AllLlamaProjections };

    /// <summary>Gives every adapter random A and B (B is zero after Apply), so the update is not zero.</summary>
    internal static void Randomise(LoraModel model, int seed)
    {
        int index = 0;
        foreach (var adapter in model.Adapters)
        {
            Samples.Normal(seed * 100 + index++, adapter.A.Count, std: 0.5).CopyTo(adapter.A.AsSpan());
            Samples.Normal(seed * 100 + index++, adapter.B.Count, std: 0.5).CopyTo(adapter.B.AsSpan());
        }
    }

    [Test]
    public void At_step_zero_the_adapted_model_computes_exactly_the_base_model()
    {
        var batch = TinyLlama.CausalBatch(31);
        var baseLogits = TinyLlama.Create(5).Forward(batch).ToArray();
        var lora = LoraModel.Apply(TinyLlama.Create(5), Config with { Dropout = 0.3 }, seed: 9);
        Assert.That(lora.Adapters.All(a => a.B.ToArray().All(b => b == 0)), "B starts at zero");
        Assert.That(lora.Adapters.All(a => a.A.ToArray().Any(v => v != 0)), "A is drawn");
        Assert.That(lora.Base.Forward(batch).ToArray(), Is.EqualTo(baseLogits), "training forward (dropout on)");
        using (GradMode.NoGrad())
            Assert.That(lora.Base.Forward(batch).ToArray(), Is.EqualTo(baseLogits), "inference forward");
    }

    [Test]
    public void A_is_kaiming_uniform_within_one_over_root_fan_in_and_reproducible_from_the_seed()
    {
        var first = LoraModel.Apply(TinyLlama.Create(5), Config, seed: 9);
        var second = LoraModel.Apply(TinyLlama.Create(5), Config, seed: 9);
        var third = LoraModel.Apply(TinyLlama.Create(5), Config, seed: 10);
        for (int i = 0; i < first.Adapters.Count; i++)
        {
            var a = first.Adapters[i].A.ToArray();
            double bound = 1 / Math.Sqrt(first.Layout.Adapted[i].InFeatures);
            Assert.That(a.All(v => Math.Abs(v) <= bound), $"{first.Layout.Adapted[i].AName} within ±{bound}");
            Assert.That(second.Adapters[i].A.ToArray(), Is.EqualTo(a));
            Assert.That(third.Adapters[i].A.ToArray(), Is.Not.EqualTo(a));
        }
    }

    [Test]
    public void Gradients_reach_only_the_adapters_and_the_modules_to_save()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(5), Config with { ModulesToSave = ["embed_tokens"] }, seed: 9);
        Randomise(lora, 3);
        lora.Base.Loss(TinyLlama.CausalBatch(31)).Backward();
        foreach (var (name, parameter) in lora.NamedParameters())
        {
            bool trainable = name.Contains(".lora_", StringComparison.Ordinal) || name == "model.embed_tokens.weight";
            Assert.That(parameter.Trainable, Is.EqualTo(trainable), name);
            Assert.That(parameter.Grad is not null, Is.EqualTo(trainable), name);
            if (trainable) Assert.That(parameter.Grad!.ToArray().Any(g => g != 0), name + " has a non-zero gradient");
        }
        Assert.That(lora.Parameters.Where(p => p.Trainable).Sum(p => p.ElementCount),
            Is.EqualTo(lora.Layout.Adapted.Sum(a => (long)a.Rank * (a.InFeatures + a.OutFeatures)) + lora.Base.Backbone.EmbedTokens.Weight.Count));
    }

    [Test]
    public void Adapter_gradients_match_finite_differences_of_the_float64_reference_with_merged_weights()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(11), Config, seed: 4);
        Randomise(lora, 5);
        var batch = TinyLlama.CausalBatch(404);
        var loss = lora.Base.Loss(batch);
        loss.Backward();

        // The reference reads W + s·B·A (float64) for every adapted projection: LoRA's function, computed independently.
        var baseWeights = ReferenceLlama.Widen(lora.Base.StateDict());
        var adapters = lora.Layout.Adapted.Select((a, i) => (Projection: a, A: TestData.ToDouble(lora.Adapters[i].A.ToArray()), B: TestData.ToDouble(lora.Adapters[i].B.ToArray()))).ToArray();
        var merged = new Dictionary<string, double[]>(baseWeights, StringComparer.Ordinal);
        var reference = new ReferenceLlama(lora.Config, merged);
        double scale = Config.Scale;
        double ReferenceLoss()
        {
            foreach (var (p, a, b) in adapters)
            {
                var w = (double[])baseWeights[p.Module + ".weight"].Clone();
                for (int o = 0; o < p.OutFeatures; o++)
                    for (int i = 0; i < p.InFeatures; i++)
                        for (int k = 0; k < p.Rank; k++) w[o * p.InFeatures + i] += scale * b[o * p.Rank + k] * a[k * p.InFeatures + i];
                merged[p.Module + ".weight"] = w;
            }
            return TinyLlama.ReferenceLoss(reference, batch);
        }
        Assert.That(loss.Item(), Is.EqualTo(ReferenceLoss()).Within(1e-5), "loss");
        Assert.Multiple(() =>
        {
            for (int i = 0; i < adapters.Length; i++)
            {
                Compare.Close(lora.Adapters[i].A.Grad!.AsSpan(), FiniteDifference.Gradient(_ => ReferenceLoss(), adapters[i].A), Gradient, adapters[i].Projection.AName);
                Compare.Close(lora.Adapters[i].B.Grad!.AsSpan(), FiniteDifference.Gradient(_ => ReferenceLoss(), adapters[i].B), Gradient, adapters[i].Projection.BName);
            }
        });
    }

    [Test]
    public void Merge_then_unmerge_restores_the_base_weights_bit_for_bit_and_merged_logits_match()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(5), Config, seed: 9);
        Randomise(lora, 7);
        var batch = TinyLlama.CausalBatch(33);
        var original = lora.ExportWeights().ToDictionary(w => w.Key, w => TestData.Bits(w.Value.Values));
        float[] unmergedLogits;
        using (GradMode.NoGrad()) unmergedLogits = lora.Base.Forward(batch).ToArray();

        lora.Merge();
        Assert.That(lora.IsMerged);
        Assert.That(lora.ExportWeights().Single(w => w.Key == "model.layers.0.self_attn.q_proj.weight").Value.Values,
            Is.Not.EqualTo(original["model.layers.0.self_attn.q_proj.weight"]), "the update went into W");
        using (GradMode.NoGrad())
            Compare.Close(lora.Base.Forward(batch).ToArray(), TestData.ToDouble(unmergedLogits), new Tolerance(1e-5, 1e-5), "merged vs unmerged logits");
        Assert.Throws<InvalidOperationException>(() => lora.CreateTrainingSession(new AdamWSettings()));
        Assert.Throws<InvalidOperationException>(lora.Merge);

        lora.Unmerge();
        foreach (var (name, values) in lora.ExportWeights())
            Assert.That(TestData.Bits(values.Values), Is.EqualTo(original[name]), name);
        using (GradMode.NoGrad())
            Assert.That(lora.Base.Forward(batch).ToArray(), Is.EqualTo(unmergedLogits), "unmerged logits are bit-identical again");
        Assert.Throws<InvalidOperationException>(lora.Unmerge);
    }

    [Test]
    public void KV_cache_decoding_runs_through_the_adapters()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(5), Config, seed: 9);
        Randomise(lora, 7);
        int[] ids = [3, 7, 1, 9, 4, 2];
        float[] full;
        using (GradMode.NoGrad()) full = lora.Base.Forward(ids, 1, ids.Length).ToArray();
        var cache = lora.Base.CreateKvCache();
        lora.Base.ForwardCached(ids.AsSpan(0, 4), cache);
        var last = lora.Base.ForwardCached(ids.AsSpan(4, 2), cache);
        Compare.Close(last, TestData.ToDouble(full.AsSpan((ids.Length - 1) * 11, 11)), new Tolerance(1e-5, 1e-5), "cached vs full logits of the last token");
        using (GradMode.NoGrad())
            Assert.That(full, Is.Not.EqualTo(TinyLlama.Create(5).Forward(ids, 1, ids.Length).ToArray()), "the adapters change the function");
    }

    [Test]
    public void Dropout_acts_in_the_training_forward_only()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(5), Config with { Dropout = 0.5 }, seed: 9);
        Randomise(lora, 7);
        var batch = TinyLlama.CausalBatch(33);
        float[] inference;
        using (GradMode.NoGrad()) inference = lora.Base.Forward(batch).ToArray();
        using (GradMode.NoGrad()) Assert.That(lora.Base.Forward(batch).ToArray(), Is.EqualTo(inference), "inference is deterministic");
        Assert.That(lora.Base.Forward(batch).ToArray(), Is.Not.EqualTo(inference), "training forward drops adapter inputs");
    }

    [Test]
    public void Applying_twice_or_to_missing_modules_is_refused_by_name()
    {
        var model = TinyLlama.Create(5);
        var ex = Assert.Throws<ArgumentException>(() => LoraModel.Apply(model, Config with { TargetModules = ["q_proj", "qkv_proj"] }))!;
        Assert.That(ex.Message, Does.Contain("'qkv_proj'"));
        ex = Assert.Throws<ArgumentException>(() => LoraModel.Apply(TinyLlama.Create(5, tied: true), Config with { ModulesToSave = ["lm_head"] }))!;
        Assert.That(ex.Message, Does.Contain("'lm_head'"));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoraModel.Apply(model, Config with { Rank = 0 }));
        LoraModel.Apply(model, Config with { TargetModules = ["q_proj"] });
        ex = Assert.Throws<ArgumentException>(() => LoraModel.Apply(model, Config with { TargetModules = ["layers.1.self_attn.q_proj"] }))!;
        Assert.That(ex.Message, Does.Contain("model.layers.1.self_attn.q_proj"));
    }
}
