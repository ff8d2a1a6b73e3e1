using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>
/// A model trained on LibTorch and saved evaluates to the same reversal-curse table on our engine. The two engines
/// take different paths to the infill decoder's answers: ours decodes over its KV cache (a prefix-bidirectional
/// session), TorchSharp re-runs the full forward at every step.
/// </summary>
public class CrossEngineEvaluationTests
{
    [Test]
    public void A_model_trained_with_the_torch_backend_evaluates_to_the_same_table_on_our_engine()
    {
        var data = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { PeoplePerSubset = 3, TrainTemplatesPerPerson = 4, TestTemplatesPerPerson = 3, Seed = 2 }).Generate();
        var tokenizer = WordTokenizer.Fit(data.Train.Select(r => r.Prompt + " " + r.Completion),
            new WordTokenizerOptions { AdditionalSpecialTokens = BlankInfillingTokens.TokenTexts });
        var examples = PromptCompletionEncoder.EncodeAll(tokenizer, data.Train);
        var config = LlamaConfig.Tiny(tokenizer.VocabSize) with { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, MaxPositionEmbeddings = 64 };
        using var torchModel = TorchLlama.Create(config, seed: 1, torch.CPU);
        using (var trainer = Trainer.For(torchModel).WithObjective(Objective.BicoRecipe()).WithOptimizer(o => o.AdamW(lr: 1e-2))
                   .WithSpecialTokens(tokenizer.SpecialTokens).WithSeed(1).Build())
            trainer.Fit(examples, epochs: 6, batchSize: 8);

        using var temp = new TempDirectory();
        string folder = temp.File("bico");
        torchModel.Save(folder);
        var native = LlamaModel.Load(folder);

        ReversalCurseResult Evaluate(ICausalLanguageModel model) =>
            new ReversalCurseEvaluator(model, tokenizer).Evaluate(data,
                [CausalGreedyDecoder.Instance, new InfillDecoder(BlankInfillingTokens.From(tokenizer.TokenToId), tokenizer.SpecialTokens.Eos)]);
        var onTorch = Evaluate(torchModel);
        var onNative = Evaluate(native);
        Assert.That(onNative.Splits.Count, Is.EqualTo(4));
        foreach (var (torchSplit, nativeSplit) in onTorch.Splits.Zip(onNative.Splits))
        {
            Assert.That(nativeSplit.Rank1, Is.EqualTo(torchSplit.Rank1), $"{nativeSplit.Split} rank@1");
            Assert.That(nativeSplit.Rank1Mean, Is.EqualTo(torchSplit.Rank1Mean), $"{nativeSplit.Split} rank@1 by mean");
            Assert.That(nativeSplit.Greedy, Is.EqualTo(torchSplit.Greedy), $"{nativeSplit.Split} greedy");
            Assert.That(nativeSplit.BicoNameSubstring, Is.EqualTo(torchSplit.BicoNameSubstring), $"{nativeSplit.Split} name substring");
        }
    }
}
