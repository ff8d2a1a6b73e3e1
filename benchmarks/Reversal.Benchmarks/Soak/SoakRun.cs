using Reversal.Samples.Common;
using System.Diagnostics;
using Reversal.Benchmarks.Compare;
using Reversal.Training;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;

namespace Reversal.Benchmarks.Soak;

/// <summary>
/// A long run of the Small preset on our engine (the BICO mix, so both step kinds run), with training checkpoints every
/// few hundred steps, sampled once a minute: steps, step time, managed heap, pooled tensor memory and resident set.
/// Memory should stay at the first minutes' working set and the step time should not drift.
/// </summary>
public static class SoakRun
{
    /// <summary>Trains for <paramref name="minutes"/> minutes (or until <paramref name="cancellationToken"/> fires) and returns one sample per minute.</summary>
    public static IReadOnlyList<SoakSample> Run(int minutes, int checkpointEvery, string checkpointRoot, Action<SoakSample> onSample, CancellationToken cancellationToken = default)
    {
        const int vocab = 4096, length = 128, batch = 16;
        var config = LlamaConfig.Small(vocab) with { MaxPositionEmbeddings = length + 1 };
        var model = LlamaModel.Create(config, seed: 0);
        var random = new SeededRandom(1);
        var data = Enumerable.Range(0, 64 * batch).Select(_ =>
        {
            var ids = new int[length + 1];
            for (int t = 0; t < ids.Length; t++) ids[t] = 4 + random.NextInt(vocab - 4);
            return new TokenSequence(ids);
        }).ToArray();

        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        long steps = 0, stepsAtLastSample = 0;
        double secondsAtLastSample = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromMinutes(minutes));
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            steps = p.Step;
            double seconds = clock.Elapsed.TotalSeconds;
            if (seconds < (samples.Count + 1) * 60.0) return;
            var sample = new SoakSample(
                samples.Count + 1, steps, (seconds - secondsAtLastSample) * 1000.0 / Math.Max(1, steps - stepsAtLastSample),
                GC.GetGCMemoryInfo().HeapSizeBytes / 1e6, TensorMemory.PooledBytes / 1e6, OurBenchmark.ResidentMegabytes(),
                (int)(steps / checkpointEvery));
            samples.Add(sample);
            onSample(sample);
            (stepsAtLastSample, secondsAtLastSample) = (steps, seconds);
        });
        using var trainer = Trainer.For(model)
            .WithObjective(Objective.BicoRecipe())
            .WithSpecialTokens(SpecialTokenIds.Default)
            .WithOptimizer(o => o.AdamW(lr: 1e-3).ClipGradNorm(1.0))
            .WithCheckpointing(checkpointRoot, checkpointEvery, keepLast: 2)
            .WithProgress(progress)
            .Build();
        try
        {
            trainer.Fit(data, epochs: 1_000_000, batchSize: batch, stop.Token);
        }
        catch (TrainingCancelledException)
        {
            // The time limit or a stop signal: the run ends at a step boundary with a final checkpoint.
        }
        return samples;
    }

}
