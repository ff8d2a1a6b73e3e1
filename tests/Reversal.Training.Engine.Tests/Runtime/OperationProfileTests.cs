using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training.Engine.Tests.Runtime;

/// <summary><see cref="OperationProfile"/> times every operation of a train step, forward and backward, and the
/// session's optimizer stretches, counting each call once; only one profile runs at a time.</summary>
[NonParallelizable]
public class OperationProfileTests
{
    [Test]
    public void A_train_step_is_profiled_per_operation_forward_and_backward_with_exact_call_counts()
    {
        var config = new LlamaConfig
        {
            VocabSize = 30, HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 2, NumAttentionHeads = 2, MaxPositionEmbeddings = 16,
        };
        var model = LlamaModel.Create(config, 3);
        using var session = model.CreateTrainingSession(new AdamWSettings());
        int[] ids = [1, 5, 6, 7, 8, 9, 1, 9, 8, 7, 3, 3];
        int[] targets = [5, 6, 7, 8, 9, -100, 9, 8, 7, -100, -100, -100];
        var batch = new ObjectiveBatch(2, 6, ids, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], targets, AttentionMaskPolicy.Causal,
            [.. ids.Select((_, i) => i < 10)], "causal");
        void Step()
        {
            session.AccumulateGradients(batch, 1.0);
            session.ClipGradients(1.0);
            session.Step(1e-3);
            session.ZeroGradients();
        }
        Step();

        IReadOnlyList<OperationTime> entries;
        using (var profile = OperationProfile.Start())
        {
            Step();
            Step();
            entries = profile.Entries;
        }

        long Calls(string operation, ProfilePhase phase) => entries.SingleOrDefault(e => e.Operation == operation && e.Phase == phase)?.Calls ?? 0;
        // Per step: 7 projections per layer plus the untied head; one attention and two norms per layer plus the final norm.
        Assert.Multiple(() =>
        {
            Assert.That(Calls("Linear", ProfilePhase.Forward), Is.EqualTo(2 * (7 * 2 + 1)));
            Assert.That(Calls("Linear", ProfilePhase.Backward), Is.EqualTo(2 * (7 * 2 + 1)));
            Assert.That(Calls("ScaledDotProductAttention", ProfilePhase.Forward), Is.EqualTo(2 * 2));
            Assert.That(Calls("RmsNorm", ProfilePhase.Backward), Is.EqualTo(2 * (2 * 2 + 1)));
            Assert.That(Calls("CrossEntropy", ProfilePhase.Forward), Is.EqualTo(2));
            Assert.That(Calls("AdamW.Step", ProfilePhase.Other), Is.EqualTo(2));
            Assert.That(Calls("GradientClipping", ProfilePhase.Other), Is.EqualTo(2));
            Assert.That(Calls("ZeroGradients", ProfilePhase.Other), Is.EqualTo(2));
            Assert.That(entries.All(e => e.Time > TimeSpan.Zero), "every entry took time");
            Assert.That(entries.Select(e => e.Time).ToArray(), Is.Ordered.Descending, "longest first");
        });
    }

    [Test]
    public void Only_one_profile_runs_at_a_time_and_a_disposed_one_stops_counting()
    {
        var profile = OperationProfile.Start();
        Assert.That(() => OperationProfile.Start(), Throws.InvalidOperationException.With.Message.Contains("Another OperationProfile is active"));
        profile.Dispose();
        var model = LlamaModel.Create(new LlamaConfig { VocabSize = 10, HiddenSize = 8, IntermediateSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 8 }, 1);
        model.Logits(new ModelInput(1, 3, [1, 2, 3]), [2]);
        Assert.That(profile.Entries, Is.Empty);
        using var next = OperationProfile.Start();
        model.Logits(new ModelInput(1, 3, [1, 2, 3]), [2]);
        Assert.That(next.Entries.Select(e => e.Operation), Does.Contain("Linear"));
    }
}
