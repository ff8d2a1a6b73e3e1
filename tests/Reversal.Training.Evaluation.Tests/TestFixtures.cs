using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Evaluation.Tests;

/// <summary>Tiny models, a small synthetic reversal-curse data set and a tokenizer fitted on it.</summary>
internal static class TestFixtures
{
    /// <summary>A tiny random model; a large initialiser range gives logits far from uniform.</summary>
    public static LlamaModel TinyModel(int vocabSize, long seed = 7, int context = 64) => LlamaModel.Create(
        new LlamaConfig
        {
            VocabSize = vocabSize, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2,
            MaxPositionEmbeddings = context, InitializerRange = 0.5f,
        },
        seed);

    /// <summary>2 people per subset, 2 test templates per person: 4 rows and 2 candidates per split.</summary>
    public static GeneratedReversalCurseDataset SmallDataset() => new FictitiousPeopleGenerator(new FictitiousPeopleOptions
    {
        PeoplePerSubset = 2, TrainTemplatesPerPerson = 1, TestTemplatesPerPerson = 2, Seed = 3,
    }).Generate();

    /// <summary>A word tokenizer knowing every word of the data set.</summary>
    public static WordTokenizer TokenizerFor(ReversalCurseDataset data) => WordTokenizer.Fit(
        data.Train.Concat(data.TestSplits.Values.SelectMany(rows => rows)).Select(row => row.Prompt + row.Completion));

    /// <summary>A word tokenizer for the given texts.</summary>
    public static WordTokenizer TokenizerFor(IEnumerable<PromptCompletion> rows) =>
        WordTokenizer.Fit(rows.Select(row => row.Prompt + row.Completion));
}
