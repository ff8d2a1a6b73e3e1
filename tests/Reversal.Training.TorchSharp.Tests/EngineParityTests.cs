using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Llama;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>
/// The same weights and the same batch give the same logits and the same gradient of every parameter on our engine
/// and on LibTorch, for causal, BICO and MLM-U (with placeholder keys), reversed (entity-preserving, random-segment) and
/// prefix-bidirectional (ABI) batches, with grouped-query
/// attention, tied and untied heads. Relative error = max |torch − native| / max |native| over the tensor.
/// </summary>
public class EngineParityTests
{
    private const double LogitTolerance = 1e-4;
    private const double GradientTolerance = 1e-4;

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (bool tied in new[] { false, true })
        {
            yield return new TestCaseData("causal", tied).SetName($"Causal (tied {tied})");
            yield return new TestCaseData("bico", tied).SetName($"BICO with placeholder keys (tied {tied})");
            yield return new TestCaseData("abi", tied).SetName($"Prefix-bidirectional ABI (tied {tied})");
            yield return new TestCaseData("mlm-u", tied).SetName($"MLM-U with placeholder keys (tied {tied})");
            yield return new TestCaseData("entity-reversed", tied).SetName($"Entity-preserving reversed NTP (tied {tied})");
            yield return new TestCaseData("segment-reversed", tied).SetName($"Random-segment reversed NTP (tied {tied})");
        }
    }

    private static ObjectiveBatch Batch(string kind, int seed) => kind switch
    {
        "causal" => ParityFixture.Prepare(ParityFixture.Causal, seed),
        "bico" => ParityFixture.Prepare(ParityFixture.Bico, seed),
        "mlm-u" => ParityFixture.Prepare(ParityFixture.MlmU, seed),
        "entity-reversed" => ParityFixture.Prepare(ParityFixture.EntityReversed, seed),
        "segment-reversed" => ParityFixture.Prepare(ParityFixture.SegmentReversed, seed),
        "abi" => ParityFixture.Prepare(ParityFixture.Abi, seed),
        _ => throw new ArgumentException($"Unknown batch kind '{kind}'.", nameof(kind)),
    };

    [TestCaseSource(nameof(Cases))]
    public void Logits_agree_with_our_engine(string kind, bool tied)
    {
        var (native, torchModel) = ParityFixture.Models(seed: 5, tied);
        using var _ = torchModel;
        var batch = Batch(kind, seed: 17);
        if (kind is "bico" or "mlm-u") Assert.That(batch.KeyMask, Does.Contain(false), $"the {kind} batch removes placeholder keys");
        if (kind == "segment-reversed") Assert.That(batch.InputIds, Does.Contain(ParityFixture.SegmentSeparator), "segments are separated");
        if (kind == "causal") Assert.That(batch.KeyMask, Does.Contain(false), "the ragged causal batch has padding keys");

        float[] expected = native.Forward(batch).ToArray();
        foreach (var formulation in Enum.GetValues<BicoAttentionFormulation>())
        {
            using var scope = NewDisposeScope();
            using var torchBatch = batch.ToTorch(CPU);
            torchModel.BicoFormulation = formulation;
            using var logits = torchModel.Forward(torchBatch);
            double error = ParityFixture.MaxRelativeError(logits.data<float>().ToArray(), expected);
            Assert.That(error, Is.LessThanOrEqualTo(LogitTolerance), $"{kind} logits, {formulation}: relative error {error:g3}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Every_parameter_gradient_agrees_with_our_engine(string kind, bool tied)
    {
        var (native, torchModel) = ParityFixture.Models(seed: 7, tied);
        using var _ = torchModel;
        var batch = Batch(kind, seed: 23);

        native.Loss(batch).Backward();
        var nativeGrads = native.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray());

        using (var torchBatch = batch.ToTorch(CPU))
        using (var loss = torchModel.Loss(torchBatch))
            loss.backward();
        var names = torchModel.named_parameters().Select(p => p.name).ToArray();
        Assert.That(names, Is.EquivalentTo(nativeGrads.Keys), "the same parameter names on both engines");
        foreach (var (name, parameter) in torchModel.named_parameters())
        {
            using var grad = parameter.grad!;
            double error = ParityFixture.MaxRelativeError(grad.data<float>().ToArray(), nativeGrads[name]);
            Assert.That(error, Is.LessThanOrEqualTo(GradientTolerance), $"{kind}: gradient of {name}, relative error {error:g3}");
        }
    }

    [Test]
    public void The_two_exact_BICO_formulations_agree_in_value_and_gradient()
    {
        var (_, torchModel) = ParityFixture.Models(seed: 9);
        using var __ = torchModel;
        var batch = Batch("bico", seed: 31);
        var results = new Dictionary<BicoAttentionFormulation, (float[] Logits, float[] Grad)>();
        foreach (var formulation in Enum.GetValues<BicoAttentionFormulation>())
        {
            torchModel.zero_grad();
            torchModel.BicoFormulation = formulation;
            using var torchBatch = batch.ToTorch(CPU);
            using var logits = torchModel.Forward(torchBatch);
            using var loss = torchModel.Loss(torchBatch);
            loss.backward();
            using var grad = torchModel.named_parameters().First(p => p.name.EndsWith("q_proj.weight")).parameter.grad!;
            results[formulation] = (logits.data<float>().ToArray(), grad.data<float>().ToArray());
        }
        var two = results[BicoAttentionFormulation.TwoScoreMatrices];
        var fused = results[BicoAttentionFormulation.ConcatenatedKeys];
        Assert.That(ParityFixture.MaxRelativeError(fused.Logits, two.Logits), Is.LessThanOrEqualTo(1e-5));
        Assert.That(ParityFixture.MaxRelativeError(fused.Grad, two.Grad), Is.LessThanOrEqualTo(1e-5));
    }

    [Test]
    public void Target_log_probabilities_and_chosen_logits_agree_with_our_engine()
    {
        var (native, torchModel) = ParityFixture.Models(seed: 11);
        using var _ = torchModel;
        var batch = Batch("causal", seed: 41);
        var nativeLogProbabilities = native.TargetLogProbabilities(batch.Input, batch.Targets);
        var torchLogProbabilities = torchModel.TargetLogProbabilities(batch.Input, batch.Targets);
        for (int i = 0; i < nativeLogProbabilities.Length; i++)
            Assert.That(torchLogProbabilities[i], Is.EqualTo(nativeLogProbabilities[i]).Within(1e-4 + 1e-4 * Math.Abs(nativeLogProbabilities[i])), $"position {i}");
        int[] positions = Enumerable.Range(0, batch.BatchSize).Select(b => b % batch.SequenceLength).ToArray();
        double error = ParityFixture.MaxRelativeError(torchModel.Logits(batch.Input, positions), native.Logits(batch.Input, positions));
        Assert.That(error, Is.LessThanOrEqualTo(LogitTolerance));
    }
}
