using System.Text.Json;
using Reversal.Training.Attention;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Llama;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>
/// The TorchSharp engine against the independent plain-PyTorch reference fixtures (gradients of the causal loss and
/// six AdamW steps; see the engine tests' make_hf_llama_fixture.py).
/// </summary>
public class IndependentTrainingReferenceTests
{
    public static readonly string[] Fixtures = ["hf-llama-f32", "hf-llama-f32-tied-sharded"];

    private static string Folder(string fixture) => RepositoryRoot.Folder("tests", "Reversal.Training.Engine.Tests", "Fixtures", fixture);

    private static ObjectiveBatch CausalBatch(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "logits.json")));
        var ids = document.RootElement.GetProperty("input_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
        int length = ids[0].Length;
        var flat = ids.SelectMany(r => r).ToArray();
        var targets = flat.Select((_, i) => i % length == length - 1 ? ObjectiveBatch.IgnoreIndex : flat[i + 1]).ToArray();
        var positions = Enumerable.Range(0, flat.Length).Select(i => i % length).ToArray();
        return new ObjectiveBatch(ids.Length, length, flat, positions, targets, AttentionMaskPolicy.Causal, Enumerable.Repeat(true, flat.Length).ToArray(), "causal");
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Every_parameter_gradient_matches_the_PyTorch_reference(string fixture)
    {
        string folder = Folder(fixture);
        using var model = TorchLlama.Load(folder, CPU);
        using (var batch = CausalBatch(folder).ToTorch(CPU))
        using (var loss = model.Loss(batch))
            loss.backward();
        using var reference = SafeTensorsFile.Open(Path.Combine(folder, "gradients.safetensors"));
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var grad = parameter.grad!;
            double error = ParityFixture.MaxRelativeError(grad.data<float>().ToArray(), reference.ReadTensor(name).Values);
            Assert.That(error, Is.LessThanOrEqualTo(1e-4), $"{name}: relative error {error:g3}");
        }
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Six_AdamW_steps_give_the_PyTorch_reference_losses(string fixture)
    {
        string folder = Folder(fixture);
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "training.json"))).RootElement;
        var adamw = record.GetProperty("adamw");
        var betas = adamw.GetProperty("betas").EnumerateArray().Select(b => b.GetDouble()).ToArray();
        double lr = adamw.GetProperty("lr").GetDouble();
        var settings = new AdamWSettings
        {
            LearningRate = lr, Beta1 = betas[0], Beta2 = betas[1], Epsilon = adamw.GetProperty("eps").GetDouble(), WeightDecay = adamw.GetProperty("weight_decay").GetDouble(),
        };
        var expected = record.GetProperty("adamw_losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        using var model = TorchLlama.Load(folder, CPU);
        var batch = CausalBatch(folder);
        using var session = model.CreateTrainingSession(settings);
        for (int step = 0; step < expected.Length; step++)
        {
            session.ZeroGradients();
            double loss = session.AccumulateGradients(batch, 1.0);
            Assert.That(loss, Is.EqualTo(expected[step]).Within(1e-4 * expected[step]), $"loss before step {step + 1}");
            session.Step(lr);
        }
    }
}
