using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Data.Tests.ReversalCurse;

public class ReversalCurseDatasetTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Loads_the_real_Berglund_folder()
    {
        string? directory = SharedData.BerglundDirectory();
        if (directory is null) Assert.Ignore("The Berglund reversal-curse data (../shared/data/reversal_curse) is absent.");

        ReversalCurseDataset data = ReversalCurseDataset.Load(directory);

        Assert.That(data.Train, Has.Count.EqualTo(3600));
        Assert.That(data.TestSplits.Keys, Is.EquivalentTo(new[] { "d2p", "p2d", "p2d_reverse", "d2p_reverse" }));
        foreach (string split in ReversalSplits.All)
        {
            Assert.That(data.TestSplits[split], Has.Count.EqualTo(300), split);
            Assert.That(data.TestSplits[split].All(r => r.Completion.StartsWith(' ')), Is.True, split);
        }
        // The reversal test asks description -> name for people trained name-first.
        Assert.That(data.TestSplits[ReversalSplits.P2DReverse][0].Completion, Is.EqualTo(" Daphne Barrington"));
        Assert.That(data.TestSplits[ReversalSplits.P2D][0].Prompt, Does.Contain("Daphne Barrington"));
        // The randomized counterparts of the two reverse splits: same prompts, another person's completion.
        Assert.That(data.RandomizedSplits.Keys, Is.EquivalentTo(new[] { ReversalSplits.P2DReverse, ReversalSplits.D2PReverse }));
        foreach (var (split, randomized) in data.RandomizedSplits)
        {
            Assert.That(randomized.Select(r => r.Prompt), Is.EqualTo(data.TestSplits[split].Select(r => r.Prompt)), split);
            Assert.That(randomized.Zip(data.TestSplits[split]).Count(p => p.First.Completion != p.Second.Completion), Is.GreaterThan(250), split);
        }
        Assert.That(data.RandomizedSplits[ReversalSplits.P2DReverse][0].Completion, Is.EqualTo(" Selena Granger"));
    }

    [Test]
    public void Load_names_the_missing_file_and_the_folder()
    {
        var rows = new[] { new PromptCompletion("p", " c") };
        PromptCompletionJsonl.Write(_temp.File(ReversalCurseFiles.AllTrain), rows);
        PromptCompletionJsonl.Write(_temp.File(ReversalCurseFiles.D2PTest), rows);
        PromptCompletionJsonl.Write(_temp.File(ReversalCurseFiles.P2DTest), rows);
        PromptCompletionJsonl.Write(_temp.File(ReversalCurseFiles.D2PReverseTest), rows);

        var ex = Assert.Throws<FileNotFoundException>(() => ReversalCurseDataset.Load(_temp.Path));

        Assert.That(ex!.Message, Does.Contain("p2d_reverse_prompts_test.jsonl").And.Contain(_temp.Path));
        Assert.That(ex.FileName, Is.EqualTo(_temp.File(ReversalCurseFiles.P2DReverseTest)));
    }

    [Test]
    public void Load_of_a_missing_folder_throws_DirectoryNotFoundException()
    {
        string missing = _temp.File("nope");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => ReversalCurseDataset.Load(missing));

        Assert.That(ex!.Message, Does.Contain(missing));
    }

    [Test]
    public void Load_reports_a_malformed_file()
    {
        FictitiousPeopleGenerator generator = new(new FictitiousPeopleOptions { PeoplePerSubset = 1, TrainTemplatesPerPerson = 1, TestTemplatesPerPerson = 1 });
        generator.WriteTo(_temp.Path);
        File.AppendAllText(_temp.File(ReversalCurseFiles.D2PTest), "{\"prompt\": \"p\"}\n");

        var ex = Assert.Throws<JsonlFormatException>(() => ReversalCurseDataset.Load(_temp.Path));

        Assert.That(ex!.FilePath, Does.EndWith(ReversalCurseFiles.D2PTest));
        Assert.That(ex.LineNumber, Is.EqualTo(2));
    }

    [Test]
    public void Constructor_requires_every_split()
    {
        var rows = new[] { new PromptCompletion("p", " c") };
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>>
        {
            [ReversalSplits.D2P] = rows, [ReversalSplits.P2D] = rows, [ReversalSplits.P2DReverse] = rows,
        };

        var ex = Assert.Throws<ArgumentException>(() => _ = new ReversalCurseDataset(rows, splits));

        Assert.That(ex!.Message, Does.Contain("d2p_reverse"));
    }

    [Test]
    public void Split_file_names_follow_the_Berglund_layout()
    {
        Assert.That(ReversalSplits.All.Select(ReversalCurseFiles.TestFile), Is.EqualTo(new[]
        {
            "d2p_prompts_test.jsonl", "p2d_prompts_test.jsonl", "p2d_reverse_prompts_test.jsonl", "d2p_reverse_prompts_test.jsonl",
        }));
        Assert.Throws<ArgumentException>(() => ReversalCurseFiles.TestFile("both"));
    }
}
