using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// Training-checkpoint folders under the mutation fuzzer: trainer_state.json and optimizer.safetensors, each mutated in
/// an otherwise valid checkpoint and loaded with <see cref="Trainer.LoadCheckpoint"/>. Every input loads or is refused
/// with a documented exception, in bounded time and memory.
/// </summary>
[Category("Fuzz")]
public class TrainingCheckpointFuzzTests
{
    /// <summary>
    /// A load reads every file of the folder: weights and moments as float32 (one byte per byte of F32 data; they are
    /// copied into the existing model and optimizer), plus the JSON parses. Measured at most 4.1 B/B beyond the constant.
    /// </summary>
    public static readonly MemoryBound Bound = new(BytesPerInputByte: 8, ConstantBytes: 512 * 1024);

    private static readonly Type[] Documented = [typeof(CheckpointFormatException), typeof(SafeTensorsFormatException), typeof(StateDictMismatchException)];

    private TempDirectory _temp = null!;
    private Trainer _trainer = null!;
    private string _checkpoint = null!;
    private byte[] _manualState = null!;

    /// <summary>A micro model (d8, one layer) keeps each of the 20,000 loads cheap.</summary>
    private static LlamaModel Micro(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = TinyTask.Vocab, HiddenSize = 8, IntermediateSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 1,
        MaxPositionEmbeddings = 16,
    }, seed);

    private static TrainerBuilder Builder(LlamaModel model) => Trainer.For(model)
        .WithObjective(Objective.BicoRecipe())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 3e-3).ClipGradNorm(1.0))
        .WithSchedule(s => s.WarmupCosine(warmupSteps: 3, totalSteps: 8));

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _temp = new TempDirectory(inMemory: true);
        var data = TinyTask.Sequences(8, seed: 2);
        string root = _temp.File("run");
        Builder(Micro(1)).WithCheckpointing(root, everySteps: 3).Build().Fit(data, epochs: 2, batchSize: 4);
        _checkpoint = TrainingCheckpoint.FindLatest(root)!;
        var manual = Builder(Micro(1)).Build();
        manual.TrainStep(data);
        _manualState = File.ReadAllBytes(Path.Combine(manual.SaveCheckpoint(_temp.File("manual")), TrainingCheckpoint.StateFileName));
        _trainer = Builder(Micro(3)).Build();
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _trainer.Dispose();
        _temp.Dispose();
    }

    /// <summary>Fuzzes one file of the checkpoint, then puts the original back for the next test.</summary>
    private void Check(string name, string file, IReadOnlyList<byte[]> seeds, Func<FuzzTarget, FuzzTarget>? adjust = null)
    {
        string path = Path.Combine(_checkpoint, file);
        byte[] original = File.ReadAllBytes(path);
        try
        {
            var target = Target(name, path, original, seeds);
            Fuzz.Check(adjust is null ? target : adjust(target));
        }
        finally
        {
            File.WriteAllBytes(path, original);
        }
    }

    private FuzzTarget Target(string name, string path, byte[] original, IReadOnlyList<byte[]> seeds)
    {
        string file = Path.GetFileName(path);
        long other = Directory.EnumerateFiles(_checkpoint).Where(f => Path.GetFileName(f) != file).Sum(f => new FileInfo(f).Length);
        return new FuzzTarget
        {
            Name = name,
            Seeds = [original, .. seeds],
            Expected = Documented,
            Memory = Bound,
            OtherBytes = other,
            Load = input =>
            {
                File.WriteAllBytes(path, input);
                _trainer.LoadCheckpoint(_checkpoint);
            },
        };
    }

    [Test]
    public void Every_mutated_trainer_state_loads_or_is_refused_with_a_typed_exception() =>
        Check("trainer_state.json (Trainer.LoadCheckpoint)", TrainingCheckpoint.StateFileName, [_manualState]);

    [Test]
    public void Every_mutated_optimizer_state_loads_or_is_refused_with_a_typed_exception() =>
        Check("optimizer.safetensors (Trainer.LoadCheckpoint)", TrainingCheckpoint.OptimizerFileName, [], target => target with
        {
            Mutators = SafeTensorsMutators.All,
            Systematic = SafeTensorsMutators.EveryHeaderValueAtEveryExtreme,
        });
}
