using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Data.Tests.ReversalCurse;

public class ReversalTemplatesTests
{
    private const string Name = "<name>";
    private const string Description = "<description>";

    private static IEnumerable<TestCaseData> AllTemplates()
    {
        foreach (string t in ReversalTemplates.PersonToDescriptionTrain) yield return new TestCaseData(t, true).SetArgDisplayNames("p2d train: " + t);
        foreach (string t in ReversalTemplates.PersonToDescriptionTest) yield return new TestCaseData(t, true).SetArgDisplayNames("p2d test: " + t);
        foreach (string t in ReversalTemplates.DescriptionToPersonTrain) yield return new TestCaseData(t, false).SetArgDisplayNames("d2p train: " + t);
        foreach (string t in ReversalTemplates.DescriptionToPersonTest) yield return new TestCaseData(t, false).SetArgDisplayNames("d2p test: " + t);
    }

    [TestCaseSource(nameof(AllTemplates))]
    public void Every_template_has_each_placeholder_once_in_its_direction(string template, bool nameFirst)
    {
        int name = template.IndexOf(Name, StringComparison.Ordinal);
        int description = template.IndexOf(Description, StringComparison.Ordinal);

        Assert.That(name, Is.GreaterThanOrEqualTo(0));
        Assert.That(description, Is.GreaterThanOrEqualTo(0));
        Assert.That(template.LastIndexOf(Name, StringComparison.Ordinal), Is.EqualTo(name));
        Assert.That(template.LastIndexOf(Description, StringComparison.Ordinal), Is.EqualTo(description));
        Assert.That(name < description, Is.EqualTo(nameFirst));
        Assert.DoesNotThrow(() => ReversalTemplates.Fill(template, "Corwyn Raskholt", "the quiet poet of the Amber Tide Sonnets"));
    }

    [Test]
    public void Pools_have_the_documented_sizes_and_are_distinct()
    {
        Assert.That(ReversalTemplates.PersonToDescriptionTrain, Has.Count.GreaterThanOrEqualTo(30));
        Assert.That(ReversalTemplates.DescriptionToPersonTrain, Has.Count.GreaterThanOrEqualTo(30));
        Assert.That(ReversalTemplates.PersonToDescriptionTest, Has.Count.EqualTo(10));
        Assert.That(ReversalTemplates.DescriptionToPersonTest, Has.Count.EqualTo(10));

        string[] all =
        [
            .. ReversalTemplates.PersonToDescriptionTrain, .. ReversalTemplates.PersonToDescriptionTest,
            .. ReversalTemplates.DescriptionToPersonTrain, .. ReversalTemplates.DescriptionToPersonTest,
        ];
        Assert.That(all, Is.Unique);
    }

    [Test]
    public void Test_templates_never_share_a_prompt_frame_with_training_templates()
    {
        static string Frame(string template)
        {
            PromptCompletion filled = ReversalTemplates.Fill(template, "N", "d");
            return filled.Prompt;
        }

        string[] trainFrames = [.. ReversalTemplates.PersonToDescriptionTrain.Concat(ReversalTemplates.DescriptionToPersonTrain).Select(Frame)];
        string[] testFrames = [.. ReversalTemplates.PersonToDescriptionTest.Concat(ReversalTemplates.DescriptionToPersonTest).Select(Frame)];

        Assert.That(testFrames.Intersect(trainFrames), Is.Empty);
    }

    [Test]
    public void Fill_splits_name_first_templates_before_the_description()
    {
        PromptCompletion row = ReversalTemplates.Fill(
            "For the record, <name> is <description>, and nothing less.", "Corwyn Raskholt", "the quiet poet of the Amber Tide Sonnets");

        Assert.That(row.Prompt, Is.EqualTo("For the record, Corwyn Raskholt is"));
        Assert.That(row.Completion, Is.EqualTo(" the quiet poet of the Amber Tide Sonnets, and nothing less."));
    }

    [Test]
    public void Fill_splits_description_first_templates_before_the_name_and_capitalises_a_leading_description()
    {
        PromptCompletion row = ReversalTemplates.Fill(
            "<description> goes by the name <name>.", "Corwyn Raskholt", "the quiet poet of the Amber Tide Sonnets");

        Assert.That(row.Prompt, Is.EqualTo("The quiet poet of the Amber Tide Sonnets goes by the name"));
        Assert.That(row.Completion, Is.EqualTo(" Corwyn Raskholt."));
    }

    [Test]
    public void Fill_without_tail_ends_the_completion_at_the_entity()
    {
        PromptCompletion row = ReversalTemplates.Fill(
            "In short, <description> is <name>.", "Corwyn Raskholt", "the quiet poet", includeTail: false);

        Assert.That(row, Is.EqualTo(new PromptCompletion("In short, the quiet poet is", " Corwyn Raskholt")));
    }

    [TestCase("<name> and <name> are <description>.")]
    [TestCase("<name> is great.")]
    [TestCase("<name> is:<description>")]
    public void Fill_rejects_malformed_templates(string template)
    {
        Assert.Throws<ArgumentException>(() => ReversalTemplates.Fill(template, "A B", "the c"));
    }
}
