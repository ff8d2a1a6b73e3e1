using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Data.Tests.ReversalCurse;

public class PersonHalvesTests
{
    private static GeneratedReversalCurseDataset Generate(int peoplePerSubset, int seed = 4) =>
        new FictitiousPeopleGenerator(new FictitiousPeopleOptions { Seed = seed, PeoplePerSubset = peoplePerSubset, TrainTemplatesPerPerson = 3, TestTemplatesPerPerson = 2 }).Generate();

    private static PersonHalves Split(GeneratedReversalCurseDataset data, long seed = 1) => PersonHalves.Split(data, ReversalCursePeople.Of(data), seed);

    /// <summary>The generator's person a row is about, found independently of the matcher: the name occurs in the row.</summary>
    private static FictitiousPerson OwnerOf(GeneratedReversalCurseDataset data, PromptCompletion row) =>
        data.People.Single(p => (row.Prompt + row.Completion).Contains(p.Name, StringComparison.Ordinal));

    [Test]
    public void The_halves_are_disjoint_cover_everyone_and_hold_exactly_the_rows_about_their_people()
    {
        var data = Generate(6);
        var halves = Split(data);

        var first = halves.First.People.Select(p => p.Name).ToHashSet();
        var second = halves.Second.People.Select(p => p.Name).ToHashSet();
        Assert.That(first.Overlaps(second), Is.False);
        Assert.That(first.Union(second), Is.EquivalentTo(data.People.Select(p => p.Name)));

        foreach (var (half, names) in new[] { (halves.First, first), (halves.Second, second) })
        {
            Assert.That(half.Dataset.Train.Select(r => OwnerOf(data, r).Name).Distinct(), Is.SubsetOf(names));
            Assert.That(half.Dataset.Train, Has.Count.EqualTo(data.Train.Count(r => names.Contains(OwnerOf(data, r).Name))));
            Assert.That(half.Dataset.TestSplits.Keys, Is.EquivalentTo(data.TestSplits.Keys));
            foreach (var (split, rows) in data.TestSplits)
                Assert.That(half.Dataset.TestSplits[split], Is.EqualTo(rows.Where(r => names.Contains(OwnerOf(data, r).Name))), split);
        }
        Assert.That(halves.First.Dataset.Train.Count + halves.Second.Dataset.Train.Count, Is.EqualTo(data.Train.Count));
        Assert.That(halves.First.Dataset.Train.Concat(halves.Second.Dataset.Train), Is.EquivalentTo(data.Train));
    }

    [Test]
    public void Randomized_rows_follow_the_test_rows_they_pair_with()
    {
        var data = Generate(4);
        var halves = Split(data);

        foreach (var half in new[] { halves.First, halves.Second })
        {
            Assert.That(half.Dataset.RandomizedSplits.Keys, Is.EquivalentTo(data.RandomizedSplits.Keys));
            foreach (var (split, randomized) in half.Dataset.RandomizedSplits)
                Assert.That(randomized.Select(r => r.Prompt), Is.EqualTo(half.Dataset.TestSplits[split].Select(r => r.Prompt)), split);
        }
    }

    [TestCase(6)]
    [TestCase(5)]
    [TestCase(2)]
    public void Each_subset_is_split_evenly_and_odd_extras_alternate_between_the_halves(int peoplePerSubset)
    {
        var halves = Split(Generate(peoplePerSubset));

        foreach (PersonSubset subset in Enum.GetValues<PersonSubset>())
        {
            int first = halves.First.CountOf(subset), second = halves.Second.CountOf(subset);
            Assert.That(first + second, Is.EqualTo(peoplePerSubset), subset.ToString());
            Assert.That(Math.Abs(first - second), Is.LessThanOrEqualTo(1), subset.ToString());
        }
        Assert.That(Math.Abs(halves.First.People.Count - halves.Second.People.Count), Is.LessThanOrEqualTo(1), "overall");
        if (peoplePerSubset % 2 == 1)
        {
            Assert.That(halves.First.CountOf(PersonSubset.P2D), Is.EqualTo(peoplePerSubset / 2 + 1), "the first odd subset gives its extra person to the first half");
            Assert.That(halves.Second.CountOf(PersonSubset.D2P), Is.EqualTo(peoplePerSubset / 2 + 1), "the next one to the second half");
        }
    }

    [Test]
    public void The_same_seed_gives_the_same_halves_and_other_seeds_other_halves()
    {
        var data = Generate(10);
        static string[] Names(PersonHalves h) => [.. h.First.People.Select(p => p.Name)];

        Assert.That(Names(Split(data, seed: 7)), Is.EqualTo(Names(Split(data, seed: 7))));
        Assert.That(Split(data, seed: 7).Second.Dataset.Train, Is.EqualTo(Split(data, seed: 7).Second.Dataset.Train));
        var distinct = Enumerable.Range(1, 4).Select(seed => string.Join("|", Names(Split(data, seed)))).Distinct().Count();
        Assert.That(distinct, Is.GreaterThan(1), "the seed chooses the people");
    }

    [Test]
    public void A_row_about_no_known_person_or_about_two_is_refused_naming_the_row()
    {
        var data = Generate(2);
        var people = ReversalCursePeople.Of(data);
        var stranger = new ReversalCurseDataset([.. data.Train, new PromptCompletion("Nobody Known is", " a stranger.")], data.TestSplits);
        Assert.That(() => PersonHalves.Split(stranger, people, 1),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains($"training row {data.Train.Count}").And.Message.Contains("Nobody Known"));

        string a = data.People[0].Name, b = data.People[1].Name;
        var splits = data.TestSplits.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        splits[ReversalSplits.P2D] = [.. splits[ReversalSplits.P2D], new PromptCompletion($"{a} once met", $" {b}")];
        var twoPeople = new ReversalCurseDataset(data.Train, splits);
        Assert.That(() => PersonHalves.Split(twoPeople, people, 1),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains($"test split 'p2d' row {data.TestSplits[ReversalSplits.P2D].Count}")
                .And.Message.Contains(a).And.Message.Contains(b));
    }

    [Test]
    public void Bad_people_are_refused()
    {
        var data = Generate(2);
        var people = ReversalCursePeople.Of(data);

        Assert.That(() => PersonHalves.Split(data, [], 1), Throws.ArgumentException.With.Message.Contains("no people"));
        Assert.That(() => PersonHalves.Split(data, [.. people, people[0]], 1), Throws.ArgumentException.With.Message.Contains(people[0].Name));
        Assert.That(() => PersonHalves.Split(data, [.. people, people[0] with { Name = "Someone Else" }], 1),
            Throws.ArgumentException.With.Message.Contains(people[0].Description!), "a description shared by two people");
        Assert.That(() => PersonHalves.Split(data, [.. people, new ReversalCursePerson("Extra Person", null, PersonSubset.Both)], 1),
            Throws.ArgumentException.With.Message.Contains("'Extra Person' has no training row"));
        Assert.That(() => PersonHalves.Split(data, [.. people, new ReversalCursePerson(" ", null, PersonSubset.Both)], 1), Throws.ArgumentException);
        Assert.That(() => PersonHalves.Split(null!, people, 1), Throws.ArgumentNullException);

        var single = Generate(1);
        Assert.That(() => Split(single), Throws.ArgumentException.With.Message.Contains("cannot be split"));
    }

    [Test]
    public void Identify_finds_the_generator_people_by_name_with_subsets_from_the_test_splits()
    {
        var data = Generate(3);
        string[] names = [.. data.People.Select(p => p.Name.ToUpperInvariant()), "Never Mentioned"];

        var people = ReversalCursePeople.Identify(data, names);

        Assert.That(people.Select(p => (p.Name, p.Subset)), Is.EqualTo(data.People.Select(p => (p.Name.ToUpperInvariant(), p.Subset))));
        Assert.That(people.All(p => p.Description is null), Is.True);
        var halves = PersonHalves.Split(data, people, 1);
        Assert.That(halves.First.Dataset.Train.Count + halves.Second.Dataset.Train.Count, Is.EqualTo(data.Train.Count));
        Assert.That(() => ReversalCursePeople.Identify(data, ["Never Mentioned"]), Throws.InstanceOf<InvalidDataException>());
        Assert.That(() => ReversalCursePeople.Identify(data, []), Throws.ArgumentException);
    }

    [Test]
    public void Identify_refuses_a_person_tested_in_both_one_direction_subsets()
    {
        var data = Generate(2);
        var p2dPerson = data.People.First(p => p.Subset == PersonSubset.P2D);
        var splits = data.TestSplits.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        splits[ReversalSplits.D2P] = [.. splits[ReversalSplits.D2P], new PromptCompletion($"Known for {p2dPerson.Description},", $" {p2dPerson.Name}")];

        Assert.That(() => ReversalCursePeople.Identify(new ReversalCurseDataset(data.Train, splits), data.People.Select(p => p.Name)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains(p2dPerson.Name).And.Message.Contains("test split 'd2p'"));
    }

    [Test]
    public void The_Berglund_people_split_into_two_halves_of_45_with_half_of_every_file()
    {
        string? data = SharedData.BerglundDirectory();
        if (data is null) Assert.Ignore("shared data reversal_curse (june_version_7921032488 and templates) absent");
        string templates = ReversalCurseEntities.BerglundTemplatesBeside(data!) ?? throw new AssertionException("templates folder beside the data");
        var dataset = ReversalCurseDataset.Load(data!);

        var people = ReversalCursePeople.Identify(dataset, ReversalCurseEntities.LoadBerglundNames(templates));
        var halves = PersonHalves.Split(dataset, people, 1);

        Assert.That(people, Has.Count.EqualTo(90), "90 of the 100 names occur in the data");
        foreach (PersonSubset subset in Enum.GetValues<PersonSubset>())
            Assert.That(people.Count(p => p.Subset == subset), Is.EqualTo(30), subset.ToString());
        foreach (var half in new[] { halves.First, halves.Second })
        {
            Assert.That(half.People, Has.Count.EqualTo(45));
            Assert.That(half.Dataset.Train, Has.Count.EqualTo(1800), "15 x 30 p2d + 15 x 30 d2p + 15 x 60 both");
            foreach (string split in ReversalSplits.All)
                Assert.That(half.Dataset.TestSplits[split], Has.Count.EqualTo(150), split);
        }
    }
}
