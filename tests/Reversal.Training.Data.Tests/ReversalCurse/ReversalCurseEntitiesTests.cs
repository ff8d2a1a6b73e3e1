using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.ReversalCurse;

public class ReversalCurseEntitiesTests
{
    [Test]
    public void Every_generated_training_row_carries_the_name_and_the_description_of_its_person()
    {
        var data = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = 3, PeoplePerSubset = 5, TrainTemplatesPerPerson = 6 }).Generate();
        var tokenizer = WordTokenizer.Fit(data.Train.Select(r => r.Prompt + " " + r.Completion));
        var lexicon = ReversalCurseEntities.Of(data.People);

        var examples = PromptCompletionEncoder.EncodeAll(tokenizer, data.Train, lexicon);

        Assert.That(lexicon.Count, Is.EqualTo(2 * data.People.Count));
        for (int i = 0; i < examples.Length; i++)
        {
            var spans = examples[i].EntitySpans;
            Assert.That(spans, Has.Count.EqualTo(2), $"row {i}: {data.Train[i]}");
            var texts = spans.Select(s => tokenizer.Decode(examples[i].Ids[s.Start..s.End])).ToArray();
            string Text(string entity) => tokenizer.Decode(tokenizer.Encode(entity));
            var person = data.People.Single(p => texts.Contains(Text(p.Name), StringComparer.OrdinalIgnoreCase));
            Assert.That(texts, Is.EquivalentTo(new[] { Text(person.Name), Text(person.Description) }).Using((IEqualityComparer<string>)StringComparer.OrdinalIgnoreCase), $"row {i}");
        }
    }

    [Test]
    public void The_Berglund_lists_mark_names_in_every_row_and_descriptions_where_the_data_did_not_reword_them()
    {
        string? templates = SharedData.Find(Path.Combine("reversal_curse", "data", "reverse_experiments", "templates"));
        string? data = SharedData.BerglundDirectory();
        if (templates is null || data is null) Assert.Ignore("shared data reversal_curse (templates and june_version_7921032488) absent");

        var lexicon = ReversalCurseEntities.LoadBerglund(templates!);
        var dataset = ReversalCurseDataset.Load(data!);
        var tokenizer = WordTokenizer.Fit(dataset.Train.Select(r => r.Prompt + " " + r.Completion));
        var examples = PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train, lexicon);

        Assert.That(lexicon.Count, Is.EqualTo(200), "100 names and 100 descriptions");
        Assert.That(examples.All(e => e.EntitySpans.Count >= 1), Is.True, "every row names its person");
        // Measured on june_version_7921032488: 384 of the 3,600 rows reword the description ("directed the ..." for
        // "the acclaimed director of the ..."), so only the name is found there.
        Assert.That(examples.Count(e => e.EntitySpans.Count == 2), Is.EqualTo(3216));
        Assert.That(examples.Max(e => e.EntitySpans.Count), Is.EqualTo(2));
        Assert.That(Path.GetFullPath(Path.Combine(data!, ReversalCurseEntities.BerglundTemplatesRelativeToData)), Is.EqualTo(Path.GetFullPath(templates!)));
    }

    [Test]
    public void Loading_names_the_missing_folder_or_file()
    {
        using var folder = new TempDirectory();
        Assert.That(() => ReversalCurseEntities.LoadBerglund(Path.Combine(folder.Path, "none")), Throws.InstanceOf<DirectoryNotFoundException>().With.Message.Contains("none"));
        File.WriteAllText(Path.Combine(folder.Path, ReversalCurseEntities.BerglundNamesFile), "Ann Lee\n");
        Assert.That(() => ReversalCurseEntities.LoadBerglund(folder.Path), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("descriptions.txt"));
        File.WriteAllText(Path.Combine(folder.Path, ReversalCurseEntities.BerglundDescriptionsFile), "\n  \n");
        Assert.That(() => ReversalCurseEntities.LoadBerglund(folder.Path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("no entries"));
        File.WriteAllText(Path.Combine(folder.Path, ReversalCurseEntities.BerglundDescriptionsFile), "the chef of Rome.\n");
        Assert.That(ReversalCurseEntities.LoadBerglund(folder.Path).Entities, Is.EqualTo(new[] { "Ann Lee", "the chef of Rome" }));
        Assert.That(() => ReversalCurseEntities.Of([]), Throws.ArgumentException);
    }
}
