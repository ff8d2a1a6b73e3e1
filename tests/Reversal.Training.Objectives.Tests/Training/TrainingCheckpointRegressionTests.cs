using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// The regression corpus of <c>trainer_state.json</c> files (<c>Corpus/trainer_state.json/</c>): issue 16's negative
/// next batch, missing or null random states, null objectives and losses, lengths that disagree, and the invalid UTF-8,
/// lone-surrogate and repeated-key cases, each put into an otherwise valid checkpoint and loaded with
/// <see cref="Trainer.LoadCheckpoint"/>: the outcome its file name records, in under a second and bounded memory.
/// </summary>
public class TrainingCheckpointRegressionTests
{
    private TempDirectory _temp = null!;
    private Trainer _trainer = null!;
    private string _checkpoint = null!;

    private static TrainerBuilder Builder(LlamaModel model) => Trainer.For(model)
        .WithObjective(new NextTokenPrediction())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 3e-3));

    private static LlamaModel Micro(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = TinyTask.Vocab, HiddenSize = 8, IntermediateSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 1,
        MaxPositionEmbeddings = 16,
    }, seed);

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _temp = new TempDirectory();
        var trainer = Builder(Micro(1)).Build();
        trainer.TrainStep(TinyTask.Sequences(4, seed: 2));
        _checkpoint = trainer.SaveCheckpoint(_temp.File("run"));
        _trainer = Builder(Micro(2)).Build();
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _trainer.Dispose();
        _temp.Dispose();
    }

    public static IEnumerable<TestCaseData> Files() => RegressionCorpus.Cases(TrainingCheckpoint.StateFileName);

    [TestCaseSource(nameof(Files))]
    public void A_corpus_trainer_state_has_its_recorded_outcome(string file)
    {
        File.Copy(file, Path.Combine(_checkpoint, TrainingCheckpoint.StateFileName), overwrite: true);
        // The micro model's weights and moments (about 5,000 floats each) are read on every load that gets past the state.
        RegressionCorpus.Check(file, () => _trainer.LoadCheckpoint(_checkpoint), maxAllocatedBytes: 256 * 1024);
    }
}
