using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Data.Tests.ReversalCurse;

public class FictitiousPeopleGeneratorTests
{
    private static readonly GeneratedReversalCurseDataset Default = new FictitiousPeopleGenerator().Generate();

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Default_sizes_match_the_Berglund_data()
    {
        Assert.That(Default.People, Has.Count.EqualTo(90));
        Assert.That(Default.People.Count(p => p.Subset == PersonSubset.P2D), Is.EqualTo(30));
        Assert.That(Default.People.Count(p => p.Subset == PersonSubset.D2P), Is.EqualTo(30));
        Assert.That(Default.People.Count(p => p.Subset == PersonSubset.Both), Is.EqualTo(30));

        Assert.That(Default.Files[ReversalCurseFiles.P2DTrain], Has.Count.EqualTo(900));
        Assert.That(Default.Files[ReversalCurseFiles.D2PTrain], Has.Count.EqualTo(900));
        Assert.That(Default.Files[ReversalCurseFiles.BothTrain], Has.Count.EqualTo(1800));
        Assert.That(Default.Files[ReversalCurseFiles.AllTrain], Has.Count.EqualTo(3600));
        Assert.That(Default.Train, Has.Count.EqualTo(3600));
        foreach (string split in ReversalSplits.All)
            Assert.That(Default.TestSplits[split], Has.Count.EqualTo(300), split);
        Assert.That(Default.Files[ReversalCurseFiles.BothTest], Has.Count.EqualTo(600));
        Assert.That(Default.Files.Keys, Is.EquivalentTo(ReversalCurseFiles.All));
    }

    [Test]
    public void Randomized_reverse_splits_pair_each_prompt_with_another_person_of_its_subset()
    {
        Assert.That(Default.RandomizedSplits.Keys, Is.EquivalentTo(new[] { ReversalSplits.P2DReverse, ReversalSplits.D2PReverse }));
        foreach (var (split, randomized) in Default.RandomizedSplits)
        {
            var test = Default.TestSplits[split];
            Assert.That(randomized.Select(r => r.Prompt), Is.EqualTo(test.Select(r => r.Prompt)), split);
            Assert.That(randomized.Zip(test).All(p => p.First.Completion != p.Second.Completion), Is.True, split);
            var completions = test.Select(r => r.Completion).ToHashSet();
            Assert.That(randomized.All(r => completions.Contains(r.Completion)), Is.True, $"{split}: another person of the same subset");
        }
        Assert.That(Default.Files[ReversalCurseFiles.P2DReverseRandomizedTest], Is.EqualTo(Default.RandomizedSplits[ReversalSplits.P2DReverse]));
    }

    [Test]
    public void Sizes_follow_the_options()
    {
        var options = new FictitiousPeopleOptions { PeoplePerSubset = 4, TrainTemplatesPerPerson = 3, TestTemplatesPerPerson = 2, Seed = 9 };

        GeneratedReversalCurseDataset data = new FictitiousPeopleGenerator(options).Generate();

        Assert.That(data.People, Has.Count.EqualTo(12));
        Assert.That(data.Files[ReversalCurseFiles.P2DTrain], Has.Count.EqualTo(12));
        Assert.That(data.Files[ReversalCurseFiles.BothTrain], Has.Count.EqualTo(24));
        Assert.That(data.Train, Has.Count.EqualTo(48));
        Assert.That(data.TestSplits[ReversalSplits.P2DReverse], Has.Count.EqualTo(8));
        Assert.That(data.Files[ReversalCurseFiles.BothTest], Has.Count.EqualTo(16));
    }

    [Test]
    public void All_train_is_p2d_then_d2p_then_both()
    {
        PromptCompletion[] expected =
        [
            .. Default.Files[ReversalCurseFiles.P2DTrain], .. Default.Files[ReversalCurseFiles.D2PTrain],
            .. Default.Files[ReversalCurseFiles.BothTrain],
        ];

        Assert.That(Default.Train, Is.EqualTo(expected));
    }

    [Test]
    public void Same_seed_gives_identical_files_and_another_seed_different_ones()
    {
        string a = Path.Combine(_temp.Path, "a"), b = Path.Combine(_temp.Path, "b"), c = Path.Combine(_temp.Path, "c");

        new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = 7 }).WriteTo(a);
        new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = 7 }).WriteTo(b);
        new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = 8 }).WriteTo(c);

        foreach (string file in ReversalCurseFiles.All)
        {
            byte[] first = File.ReadAllBytes(Path.Combine(a, file));
            Assert.That(File.ReadAllBytes(Path.Combine(b, file)), Is.EqualTo(first), file);
            Assert.That(File.ReadAllBytes(Path.Combine(c, file)), Is.Not.EqualTo(first), file);
        }
        Assert.That(Directory.GetFiles(a).Select(Path.GetFileName), Is.EquivalentTo(ReversalCurseFiles.All));
    }

    [Test]
    public void Names_and_descriptions_are_unique_and_never_shared_between_subsets()
    {
        Assert.That(Default.People.Select(p => p.Name), Is.Unique);
        Assert.That(Default.People.Select(p => p.Description), Is.Unique);
        Assert.That(Default.People.Select(p => p.Name).Intersect(Default.People.Select(p => p.Description)), Is.Empty);
        foreach (FictitiousPerson person in Default.People)
        {
            Assert.That(person.Name.Split(' '), Has.Length.EqualTo(2), person.Name);
            Assert.That(person.Description.Split(' '), Has.Length.GreaterThanOrEqualTo(6), person.Description);
            Assert.That(person.Description, Does.StartWith("the "));
        }
    }

    [Test]
    public void Completions_start_with_a_space_and_prompts_do_not_end_with_one()
    {
        foreach (var (file, rows) in Default.Files)
        {
            Assert.That(rows.All(r => r.Completion.StartsWith(' ') && r.Completion.Length > 1), Is.True, file);
            Assert.That(rows.All(r => r.Prompt.Length > 0 && !char.IsWhiteSpace(r.Prompt[^1])), Is.True, file);
        }
    }

    [Test]
    public void Test_prompts_never_appear_in_training()
    {
        var trainPrompts = new HashSet<string>(Default.Train.Select(r => r.Prompt));
        string[] testFiles =
        [
            ReversalCurseFiles.D2PTest, ReversalCurseFiles.P2DTest, ReversalCurseFiles.P2DReverseTest,
            ReversalCurseFiles.D2PReverseTest, ReversalCurseFiles.BothTest,
        ];

        foreach (string file in testFiles)
            Assert.That(Default.Files[file].Where(r => trainPrompts.Contains(r.Prompt)), Is.Empty, file);
    }

    [TestCase(ReversalCurseFiles.P2DTrain, PersonSubset.P2D, true)]
    [TestCase(ReversalCurseFiles.D2PTrain, PersonSubset.D2P, false)]
    [TestCase(ReversalCurseFiles.P2DTest, PersonSubset.P2D, true)]
    [TestCase(ReversalCurseFiles.D2PTest, PersonSubset.D2P, false)]
    [TestCase(ReversalCurseFiles.P2DReverseTest, PersonSubset.P2D, false)]
    [TestCase(ReversalCurseFiles.D2PReverseTest, PersonSubset.D2P, true)]
    public void Every_row_states_a_fact_of_a_person_of_the_right_subset(string file, PersonSubset subset, bool completesDescription)
    {
        FictitiousPerson[] people = [.. Default.People.Where(p => p.Subset == subset)];
        bool isTest = file.Contains("_test", StringComparison.Ordinal);

        foreach (PromptCompletion row in Default.Files[file])
        {
            FictitiousPerson? person = people.SingleOrDefault(p => completesDescription
                ? row.Completion.StartsWith(" " + p.Description, StringComparison.Ordinal)
                : row.Completion.StartsWith(" " + p.Name, StringComparison.Ordinal));
            Assert.That(person, Is.Not.Null, $"{file}: {row}");
            string promptEntity = completesDescription ? person!.Name : person!.Description[1..];
            Assert.That(row.Prompt, Does.Contain(promptEntity), $"{file}: {row}");
            if (isTest)
                Assert.That(row.Completion, Is.EqualTo(" " + (completesDescription ? person.Description : person.Name)), file);
        }

        // Every person of the subset appears equally often.
        int perPerson = Default.Files[file].Count / people.Length;
        Assert.That(perPerson, Is.EqualTo(isTest ? 10 : 30));
    }

    [Test]
    public void Both_files_hold_both_directions_for_the_both_subset()
    {
        FictitiousPerson[] both = [.. Default.People.Where(p => p.Subset == PersonSubset.Both)];
        IReadOnlyList<PromptCompletion> train = Default.Files[ReversalCurseFiles.BothTrain];
        IReadOnlyList<PromptCompletion> test = Default.Files[ReversalCurseFiles.BothTest];

        foreach (FictitiousPerson person in both)
        {
            Assert.That(train.Count(r => r.Completion.StartsWith(" " + person.Description, StringComparison.Ordinal)), Is.EqualTo(30));
            Assert.That(train.Count(r => r.Completion.StartsWith(" " + person.Name, StringComparison.Ordinal)), Is.EqualTo(30));
            Assert.That(test.Count(r => r.Completion == " " + person.Description), Is.EqualTo(10));
            Assert.That(test.Count(r => r.Completion == " " + person.Name), Is.EqualTo(10));
        }
    }

    [Test]
    public void Train_rows_use_training_templates_and_test_rows_test_templates()
    {
        FictitiousPerson person = Default.People[0];
        PromptCompletion[] fromTrainTemplates = [.. ReversalTemplates.PersonToDescriptionTrain.Select(t => ReversalTemplates.Fill(t, person.Name, person.Description))];
        PromptCompletion[] fromTestTemplates = [.. ReversalTemplates.PersonToDescriptionTest.Select(t => ReversalTemplates.Fill(t, person.Name, person.Description, includeTail: false))];

        PromptCompletion[] trainRows = [.. Default.Files[ReversalCurseFiles.P2DTrain].Where(r => r.Prompt.Contains(person.Name))];
        PromptCompletion[] testRows = [.. Default.TestSplits[ReversalSplits.P2D].Where(r => r.Prompt.Contains(person.Name))];

        Assert.That(trainRows, Has.Length.EqualTo(30));
        Assert.That(fromTrainTemplates, Is.SupersetOf(trainRows));
        Assert.That(trainRows, Is.Unique);
        Assert.That(testRows, Is.EqualTo(fromTestTemplates));
    }

    [Test]
    public void WriteTo_then_Load_round_trips()
    {
        GeneratedReversalCurseDataset written = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = 3 }).WriteTo(_temp.Path);

        ReversalCurseDataset loaded = ReversalCurseDataset.Load(_temp.Path);

        Assert.That(loaded.Train, Is.EqualTo(written.Train));
        foreach (string split in ReversalSplits.All)
            Assert.That(loaded.TestSplits[split], Is.EqualTo(written.TestSplits[split]), split);
        foreach (string file in ReversalCurseFiles.All)
            Assert.That(PromptCompletionJsonl.Read(_temp.File(file)), Is.EqualTo(written.Files[file]), file);
    }

    [Test]
    public void Generated_files_have_the_same_layout_as_the_real_Berglund_folder()
    {
        string? directory = SharedData.BerglundDirectory();
        if (directory is null) Assert.Ignore("The Berglund reversal-curse data (../shared/data/reversal_curse) is absent.");

        foreach (string file in ReversalCurseFiles.All)
        {
            string real = Path.Combine(directory, file);
            Assert.That(File.Exists(real), Is.True, file);
            Assert.That(PromptCompletionJsonl.Read(real), Has.Count.EqualTo(Default.Files[file].Count), file);
        }
    }

    [Test]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { PeoplePerSubset = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { PeoplePerSubset = 1001 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { TrainTemplatesPerPerson = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { TrainTemplatesPerPerson = 1000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FictitiousPeopleGenerator(new FictitiousPeopleOptions { TestTemplatesPerPerson = 11 }));
    }

    [Test]
    public void The_largest_allowed_population_is_generated_with_unique_people()
    {
        var options = new FictitiousPeopleOptions { PeoplePerSubset = FictitiousPeopleOptions.MaxPeoplePerSubset, TrainTemplatesPerPerson = 1, TestTemplatesPerPerson = 1 };

        GeneratedReversalCurseDataset data = new FictitiousPeopleGenerator(options).Generate();

        Assert.That(data.People.Select(p => p.Name), Is.Unique);
        Assert.That(data.People.Select(p => p.Description), Is.Unique);
    }
}
