using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Lora;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training.Engine.Tests.Lora;

/// <summary>
/// Training memory follows the trainable parameters: on the Small preset with LoRA r = 8 on all seven projections,
/// AdamW keeps exactly two moments per trainable scalar and backward allocates gradient buffers for the trainable
/// parameters only (counted, not timed).
/// </summary>
public class LoraMemoryTests
{
    private const int Vocab = 512;

    private static ObjectiveBatch Batch()
    {
        int length = 8;
        var ids = Enumerable.Range(0, length).Select(i => (i * 37 + 5) % Vocab).ToArray();
        var targets = ids.Skip(1).Append(ObjectiveBatch.IgnoreIndex).ToArray();
        return new ObjectiveBatch(1, length, ids, Enumerable.Range(0, length).ToArray(), targets, AttentionMaskPolicy.Causal,
            Enumerable.Repeat(true, length).ToArray(), "memory");
    }

    /// <summary>(optimizer state elements, gradient elements) after one backward.</summary>
    private static (long State, long Gradients) Measure(ITrainableLanguageModel model, IEnumerable<Engine.NN.Parameter> parameters)
    {
        using var session = (LlamaTrainingSession)model.CreateTrainingSession(new AdamWSettings());
        session.AccumulateGradients(Batch(), 1);
        return (session.Optimizer.StateElementCount, parameters.Where(p => p.Grad is not null).Sum(p => (long)p.Grad!.Count));
    }

    [Test]
    public void AdamW_state_and_gradients_scale_with_the_trainable_parameters_only()
    {
        var full = LlamaModel.Create(LlamaConfig.Small(Vocab), seed: 1);
        long total = full.ParameterCount;
        var (fullState, fullGradients) = Measure(full, full.Parameters());

        var lora = LoraModel.Apply(LlamaModel.Create(LlamaConfig.Small(Vocab), seed: 1), new LoraConfig { Rank = 8, Alpha = 16 }, seed: 2);
        long trainable = lora.TrainableParameterCount();
        var (loraState, loraGradients) = Measure(lora, lora.NamedParameters().Select(p => p.Value));

        // r·(in + out) per projection: q, k, v, o 8·(256 + 256), gate and up 8·(256 + 704), down 8·(704 + 256); 6 layers.
        Assert.That(trainable, Is.EqualTo(6 * (4 * 8 * 512 + 3 * 8 * 960)));
        Assert.That(lora.TotalParameterCount(), Is.EqualTo(total + trainable));
        Assert.That(fullState, Is.EqualTo(2 * total));
        Assert.That(fullGradients, Is.EqualTo(total));
        Assert.That(loraState, Is.EqualTo(2 * trainable), "two AdamW moments per trainable scalar");
        Assert.That(loraGradients, Is.EqualTo(trainable), "gradient buffers for the adapters only");
        Assert.That(trainable * 20, Is.LessThan(total), "r = 8 trains under 5% of the Small model");
        TestContext.Out.WriteLine($"Small (V={Vocab}): total {total:N0} parameters; LoRA r=8 trainable {trainable:N0} ({100.0 * trainable / total:F2}%). " +
            $"AdamW state {fullState * 4:N0} B full vs {loraState * 4:N0} B LoRA; gradients {fullGradients * 4:N0} B vs {loraGradients * 4:N0} B.");
    }
}
