using System.Diagnostics;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// Starts tests/Reversal.CheckpointKillTarget (a small training process that checkpoints every step) and builds the
/// trainer it uses, so that tests can stop it from outside and load what it kept.
/// </summary>
internal static class TrainingTargetProcess
{
    /// <summary>Starts the target on <paramref name="root"/>; with <paramref name="epochs"/> it ends on its own and honours stop signals.</summary>
    public static Process Start(string root, int? epochs = null)
    {
        string[] arguments = epochs is int e ? [root, e.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [root];
        return BuiltProgramProcess.Start("tests/Reversal.CheckpointKillTarget", arguments, workingDirectory: Environment.CurrentDirectory);
    }

    /// <summary>A trainer with the target's model shape and optimizer, for loading its checkpoints.</summary>
    public static Trainer Trainer() => Reversal.Training.Trainer.For(LlamaModel.Create(new LlamaConfig
        {
            VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, MaxPositionEmbeddings = 16,
        }, seed: 99))
        .WithObjective(new NextTokenPrediction())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 1e-3))
        .Build();

    /// <summary>Sends a POSIX signal (2: SIGINT, 15: SIGTERM) to <paramref name="process"/>.</summary>
    public static void Signal(Process process, int signal) => BuiltProgramProcess.Signal(process, signal);
}
