using Reversal.Samples.Common;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training;
using Reversal.Training.Checkpoints;

// A training process for the tests that stop it from outside.
// Usage: Reversal.CheckpointKillTarget <checkpoint root> [<epochs>]
// Resumes from the newest checkpoint under the root when there is one, then trains with a checkpoint after every
// optimizer step. Without <epochs> it trains far longer than the kill test lets it live (SIGKILL at arbitrary moments).
// With <epochs> it is a well-behaved program: the first SIGINT or SIGTERM stops it at a step boundary (exit 130 or
// 143, the final checkpoint kept), and a run that reaches the end prints every step's loss (round-trip format) on a
// "losses:" line.
string root = args.Length > 0 ? args[0] : throw new ArgumentException("Pass the checkpoint folder.");
int epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
using var signals = new StopSignals();
var random = new SeededRandom(1);
var data = Enumerable.Range(0, 16).Select(_ =>
{
    var ids = new int[10];
    ids[0] = 2; ids[^1] = 3;
    for (int t = 1; t < ids.Length - 1; t++) ids[t] = 4 + random.NextInt(60);
    return new TokenSequence(ids);
}).ToArray();
var model = LlamaModel.Create(new LlamaConfig
{
    VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, MaxPositionEmbeddings = 16,
}, seed: 1);
var builder = Trainer.For(model)
    .WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
    .WithOptimizer(o => o.AdamW(lr: 1e-3))
    .WithSeed(1)
    .WithProgress(new InlineProgress<TrainingProgress>(p => Console.WriteLine($"step {p.Step}")))
    .WithCheckpointing(root, everySteps: 1, keepLast: 3);
if (TrainingCheckpoint.FindLatest(root) is string latest) builder.ResumeFrom(latest);
Console.WriteLine("training");
try
{
    var report = builder.Build().Fit(data, epochs, batchSize: 4, signals.Token);
    Console.WriteLine("losses: " + string.Join(' ', report.Losses.Select(l => l.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
    return 0;
}
catch (TrainingCancelledException e)
{
    Console.WriteLine($"stopped: {e.Message}");
    return signals.ExitCode ?? 1;
}
