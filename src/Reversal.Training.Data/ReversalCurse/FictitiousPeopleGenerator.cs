using Reversal.Training.Randomness;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// Generates a synthetic reversal-curse data set in the Berglund layout: invented people, each with a unique name
/// and a unique description, stated by paraphrase templates name-first (subset p2d), description-first (d2p) or in
/// both orders (both), plus held-out test templates in both directions. Deterministic by seed.
/// </summary>
/// <remarks>
/// <para>With the default options the sizes match the original: 90 people (30 per subset), 900 / 900 / 1,800 /
/// 3,600 lines in the p2d / d2p / both / all training files, 300 lines per test split (600 in
/// <c>both_prompts_test.jsonl</c>, both directions), and the two <c>*_reverse_prompts_test_randomized.jsonl</c> files
/// (each reverse test prompt with another person's completion).</para>
/// <para>Training rows complete with a space, the entity and the rest of the template (usually the final period),
/// like the Berglund rows. Test rows complete with a space and the entity only, so a scorer can compare the
/// entity directly.</para>
/// <para>Each person's training templates are drawn (without replacement, in pool order) from
/// <see cref="ReversalTemplates.PersonToDescriptionTrain"/> / <see cref="ReversalTemplates.DescriptionToPersonTrain"/>;
/// everyone shares the first <see cref="FictitiousPeopleOptions.TestTemplatesPerPerson"/> test templates.</para>
/// </remarks>
public sealed class FictitiousPeopleGenerator
{
    /// <summary>Creates a generator.</summary>
    /// <param name="options">Sizes and seed; null means the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    public FictitiousPeopleGenerator(FictitiousPeopleOptions? options = null)
    {
        options ??= new FictitiousPeopleOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PeoplePerSubset, 1, "options.PeoplePerSubset");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(
            options.PeoplePerSubset, FictitiousPeopleOptions.MaxPeoplePerSubset, "options.PeoplePerSubset");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TrainTemplatesPerPerson, 1, "options.TrainTemplatesPerPerson");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(
            options.TrainTemplatesPerPerson,
            Math.Min(ReversalTemplates.PersonToDescriptionTrain.Count, ReversalTemplates.DescriptionToPersonTrain.Count),
            "options.TrainTemplatesPerPerson");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TestTemplatesPerPerson, 1, "options.TestTemplatesPerPerson");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(
            options.TestTemplatesPerPerson,
            Math.Min(ReversalTemplates.PersonToDescriptionTest.Count, ReversalTemplates.DescriptionToPersonTest.Count),
            "options.TestTemplatesPerPerson");
        Options = options;
    }

    /// <summary>The options this generator uses.</summary>
    public FictitiousPeopleOptions Options { get; }

    /// <summary>Generates the data set in memory.</summary>
    /// <returns>The people and every file of the layout.</returns>
    public GeneratedReversalCurseDataset Generate()
    {
        var random = new SeededRandom(Options.Seed);
        List<FictitiousPerson> people = InventPeople(random);
        int n = Options.PeoplePerSubset;
        FictitiousPerson[] p2dPeople = [.. people.Take(n)];
        FictitiousPerson[] d2pPeople = [.. people.Skip(n).Take(n)];
        FictitiousPerson[] bothPeople = [.. people.Skip(2 * n)];

        IReadOnlyList<string> p2dPool = ReversalTemplates.PersonToDescriptionTrain;
        IReadOnlyList<string> d2pPool = ReversalTemplates.DescriptionToPersonTrain;
        List<PromptCompletion> p2dTrain = TrainRows(p2dPeople, p2dPool, random);
        List<PromptCompletion> d2pTrain = TrainRows(d2pPeople, d2pPool, random);
        List<PromptCompletion> bothTrain = [.. TrainRows(bothPeople, p2dPool, random), .. TrainRows(bothPeople, d2pPool, random)];
        List<PromptCompletion> allTrain = [.. p2dTrain, .. d2pTrain, .. bothTrain];

        string[] p2dTests = [.. ReversalTemplates.PersonToDescriptionTest.Take(Options.TestTemplatesPerPerson)];
        string[] d2pTests = [.. ReversalTemplates.DescriptionToPersonTest.Take(Options.TestTemplatesPerPerson)];
        var files = new Dictionary<string, IReadOnlyList<PromptCompletion>>(StringComparer.Ordinal)
        {
            [ReversalCurseFiles.P2DTrain] = p2dTrain,
            [ReversalCurseFiles.D2PTrain] = d2pTrain,
            [ReversalCurseFiles.BothTrain] = bothTrain,
            [ReversalCurseFiles.AllTrain] = allTrain,
            [ReversalCurseFiles.D2PTest] = TestRows(d2pPeople, d2pTests),
            [ReversalCurseFiles.P2DTest] = TestRows(p2dPeople, p2dTests),
            [ReversalCurseFiles.P2DReverseTest] = TestRows(p2dPeople, d2pTests),
            [ReversalCurseFiles.D2PReverseTest] = TestRows(d2pPeople, p2dTests),
            [ReversalCurseFiles.BothTest] = [.. TestRows(bothPeople, p2dTests), .. TestRows(bothPeople, d2pTests)],
        };
        // Drawn last, so the files above do not depend on them.
        files[ReversalCurseFiles.P2DReverseRandomizedTest] = RandomizedRows(p2dPeople, people, d2pTests, random);
        files[ReversalCurseFiles.D2PReverseRandomizedTest] = RandomizedRows(d2pPeople, people, p2dTests, random);
        return new GeneratedReversalCurseDataset(people, files);
    }

    /// <summary>Generates the data set and writes its files (see <see cref="GeneratedReversalCurseDataset.WriteTo"/>).</summary>
    /// <param name="directory">The folder to write to; created when missing.</param>
    /// <returns>The generated data set.</returns>
    public GeneratedReversalCurseDataset WriteTo(string directory)
    {
        GeneratedReversalCurseDataset data = Generate();
        data.WriteTo(directory);
        return data;
    }

    /// <summary>Invents 3 x PeoplePerSubset people: p2d first, then d2p, then both; names, descriptions and works
    /// are all distinct.</summary>
    private List<FictitiousPerson> InventPeople(SeededRandom random)
    {
        int total = 3 * Options.PeoplePerSubset;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var works = new HashSet<string>(StringComparer.Ordinal);
        var people = new List<FictitiousPerson>(total);
        for (int i = 0; i < total; i++)
        {
            PersonSubset subset = (PersonSubset)(i / Options.PeoplePerSubset);
            string name;
            do
            {
                name = random.Pick(FictitiousWordLists.FirstNameStarts) + random.Pick(FictitiousWordLists.FirstNameEnds)
                    + " " + random.Pick(FictitiousWordLists.LastNameStarts) + random.Pick(FictitiousWordLists.LastNameEnds);
            }
            while (!names.Add(name));

            string adjective, role, work;
            do
            {
                adjective = random.Pick(FictitiousWordLists.PersonAdjectives);
                (role, string[] kinds) = random.Pick(FictitiousWordLists.Roles);
                work = random.Pick(FictitiousWordLists.TitleAdjectives) + " " + random.Pick(FictitiousWordLists.TitleNouns)
                    + " " + random.Pick(kinds);
            }
            while (!works.Add(work));

            people.Add(new FictitiousPerson(name, $"the {adjective} {role} of the {work}", subset));
        }
        return people;
    }

    private List<PromptCompletion> TrainRows(FictitiousPerson[] people, IReadOnlyList<string> pool, SeededRandom random)
    {
        var rows = new List<PromptCompletion>(people.Length * Options.TrainTemplatesPerPerson);
        foreach (FictitiousPerson person in people)
        {
            foreach (int index in random.SampleIndices(pool.Count, Options.TrainTemplatesPerPerson))
                rows.Add(ReversalTemplates.Fill(pool[index], person.Name, person.Description, includeTail: true));
        }
        return rows;
    }

    /// <summary>
    /// The rows of <see cref="TestRows"/> with each completion replaced by another person's (of the same subset, or of
    /// any subset when the subset has one person), drawn uniformly per row: Berglund et al.'s <c>*_randomized</c> files.
    /// </summary>
    private static List<PromptCompletion> RandomizedRows(FictitiousPerson[] people, List<FictitiousPerson> everyone, string[] templates, SeededRandom random)
    {
        FictitiousPerson[] pool = people.Length > 1 ? people : [.. everyone];
        var rows = new List<PromptCompletion>(people.Length * templates.Length);
        foreach (FictitiousPerson person in people)
        {
            FictitiousPerson[] others = [.. pool.Where(p => !ReferenceEquals(p, person))];
            foreach (string template in templates)
            {
                FictitiousPerson other = random.Pick(others);
                PromptCompletion row = ReversalTemplates.Fill(template, person.Name, person.Description, includeTail: false);
                rows.Add(row with { Completion = ReversalTemplates.Fill(template, other.Name, other.Description, includeTail: false).Completion });
            }
        }
        return rows;
    }

    private static List<PromptCompletion> TestRows(FictitiousPerson[] people, string[] templates)
    {
        var rows = new List<PromptCompletion>(people.Length * templates.Length);
        foreach (FictitiousPerson person in people)
        {
            foreach (string template in templates)
                rows.Add(ReversalTemplates.Fill(template, person.Name, person.Description, includeTail: false));
        }
        return rows;
    }
}
