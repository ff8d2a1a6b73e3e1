using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training;
using Reversal.Training.Checkpoints;

// Usage: Reversal.CheckpointKillTarget <checkpoint root>
// Resumes from the newest checkpoint under the root when there is one, then trains with a checkpoint after every
// optimizer step, for far longer than the test lets it live: the test kills it (SIGKILL) at arbitrary moments.
string root = args.Length > 0 ? args[0] : throw new ArgumentException("Pass the checkpoint folder.");
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
    .WithCheckpointing(root, everySteps: 1, keepLast: 3);
if (TrainingCheckpoint.FindLatest(root) is string latest) builder.ResumeFrom(latest);
Console.WriteLine("training");
builder.Build().Fit(data, epochs: 100_000, batchSize: 4);
