using Reversal.Training.Data.Entities;

namespace Reversal.Training.Data.Tests.Entities;

public class EntityLexiconTests
{
    [Test]
    public void Finds_the_longest_entity_at_each_position_ignoring_case_and_never_inside_a_word()
    {
        var lexicon = new EntityLexicon(["Ann Lee", "the chef", "the chef of Rome", "Lee"]);

        var text = "The chef of Rome is Ann Lee; Joann Leeds is not. Lee is.";
        var spans = lexicon.Find(text);

        Assert.That(spans.Select(s => text[s.Start..s.End]), Is.EqualTo(new[] { "The chef of Rome", "Ann Lee", "Lee" }));
        Assert.That(spans[0], Is.EqualTo(new TextSpan(0, 16)));
    }

    [Test]
    public void Entities_ending_in_punctuation_match_before_any_character()
    {
        var lexicon = new EntityLexicon(["the \"Symphony of the Stars.\""]);
        const string text = "debuted by the \"Symphony of the Stars.\"?";
        Assert.That(lexicon.Find(text).Select(s => text[s.Start..s.End]), Is.EqualTo(new[] { "the \"Symphony of the Stars.\"" }));
    }

    [Test]
    public void Trims_and_deduplicates_and_refuses_blank_entries()
    {
        var lexicon = new EntityLexicon([" Ann Lee ", "ann lee", "Bo"]);
        Assert.That(lexicon.Entities, Is.EqualTo(new[] { "Ann Lee", "Bo" }));
        Assert.That(lexicon.Count, Is.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(() => new EntityLexicon([]), Throws.ArgumentException.With.Message.Contains("at least one"));
            Assert.That(() => new EntityLexicon(["Bo", " "]), Throws.ArgumentException.With.Message.Contains("Entity 1"));
            Assert.That(() => new EntityLexicon(["Bo", null!]), Throws.ArgumentException.With.Message.Contains("Entity 1"));
            Assert.That(() => new TextSpan(0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
