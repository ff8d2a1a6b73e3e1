using Reversal.Samples.ReversalCurse;
using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.FineTuning;

/// <summary>
/// The experiment's data, ready to train on: the data set, its people split into a pre-training half and a fine-tuning
/// half (<see cref="PersonHalves"/>), a word tokenizer fitted on every training row (so the fine-tuning half's names are
/// in the vocabulary but never seen in pre-training), each half's encoded training rows and the model config.
/// </summary>
internal sealed record ExperimentData(
    ReversalCurseDataset Dataset, PersonHalves Halves, WordTokenizer Tokenizer, TokenSequence[] PretrainingExamples,
    TokenSequence[] FineTuningExamples, LlamaConfig Config, string Description)
{
    /// <summary>The people and rows models are pre-trained on.</summary>
    public PersonHalf Pretraining => Halves.First;

    /// <summary>The people and rows models are fine-tuned and evaluated on.</summary>
    public PersonHalf FineTuning => Halves.Second;

    /// <summary>Loads or generates the data and prepares it (generated data is also written to <c>{out}/data</c>).</summary>
    /// <exception cref="DirectoryNotFoundException">Berglund data without its templates folder (names.txt, descriptions.txt).</exception>
    /// <exception cref="InvalidDataException">A row is about no known person or about two.</exception>
    public static ExperimentData Prepare(FineTuningSettings settings)
    {
        ReversalCurseDataset dataset;
        IReadOnlyList<ReversalCursePerson> people;
        EntityLexicon entities;
        string description;
        if (settings.DataDirectory is string directory)
        {
            dataset = ReversalCurseDataset.Load(directory);
            string templates = settings.EntitiesDirectory ?? ReversalCurseEntities.BerglundTemplatesBeside(directory)
                ?? throw new DirectoryNotFoundException($"No templates folder beside '{directory}' ({ReversalCurseEntities.BerglundTemplatesRelativeToData}); pass --entities DIR, the folder with {ReversalCurseEntities.BerglundNamesFile} and {ReversalCurseEntities.BerglundDescriptionsFile}.");
            people = ReversalCursePeople.Identify(dataset, ReversalCurseEntities.LoadBerglundNames(templates));
            entities = ReversalCurseEntities.LoadBerglund(templates);
            description = $"Berglund layout from {directory}, people from {templates}";
        }
        else
        {
            var generated = new FictitiousPeopleGenerator(new FictitiousPeopleOptions
            {
                Seed = settings.Seed, PeoplePerSubset = settings.People, TrainTemplatesPerPerson = settings.Templates,
            }).Generate();
            generated.WriteTo(Path.Combine(settings.OutputDirectory, "data"));
            dataset = generated;
            people = ReversalCursePeople.Of(generated);
            entities = ReversalCurseEntities.Of(generated.People);
            description = $"generated: {settings.People} fictitious people per subset, {settings.Templates} training templates each, seed {settings.Seed}";
        }

        var halves = PersonHalves.Split(dataset, people, settings.Seed);
        var tokenizer = WordTokenizer.Fit(dataset.Train.Select(r => r.Prompt + " " + r.Completion),
            new WordTokenizerOptions { AdditionalSpecialTokens = ObjectiveCatalog.SpecialTokenTexts });
        var pretraining = PromptCompletionEncoder.EncodeAll(tokenizer, halves.First.Dataset.Train, entities);
        var fineTuning = PromptCompletionEncoder.EncodeAll(tokenizer, halves.Second.Dataset.Train, entities);
        int longest = pretraining.Concat(fineTuning).Max(e => e.Length);
        var config = ModelPresets.Config(settings.Preset, tokenizer.VocabSize, longest);
        return new ExperimentData(dataset, halves, tokenizer, pretraining, fineTuning, config, description);
    }

    /// <summary>Each half as name → people per subset, training rows and (fine-tuning half) test rows per split.</summary>
    public IEnumerable<KeyValuePair<string, string>> Summary()
    {
        static string People(PersonHalf half) =>
            $"{half.People.Count} people ({half.CountOf(PersonSubset.P2D)} p2d, {half.CountOf(PersonSubset.D2P)} d2p, {half.CountOf(PersonSubset.Both)} both)";
        yield return new("pre-training half", $"{People(Pretraining)}, {Pretraining.Dataset.Train.Count:N0} training rows");
        yield return new("fine-tuning half", $"{People(FineTuning)}, {FineTuning.Dataset.Train.Count:N0} training rows; test rows " +
                     string.Join(", ", ReversalSplits.All.Select(s => $"{s} {FineTuning.Dataset.TestSplits[s].Count}")));
    }
}
