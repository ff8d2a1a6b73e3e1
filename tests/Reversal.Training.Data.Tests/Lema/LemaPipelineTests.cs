using System.Text.Json;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Lema;

public class LemaPipelineTests
{
    private static readonly ReasoningProblem[] s_problems =
    [
        ReasoningProblem.FromGsm8k(new Gsm8kProblem("Q0: 2+2?", "2+2 = <<2+2=4>>4\n#### 4")),
        ReasoningProblem.FromGsm8k(new Gsm8kProblem("Q1: 10*10?", "10*10 = <<10*10=100>>100\n#### 100")),
        ReasoningProblem.FromGsm8k(new Gsm8kProblem("Q2: 1000+1000?", "1000+1000 = <<1000+1000=2000>>2000\n#### 2,000")),
        ReasoningProblem.FromGsm8k(new Gsm8kProblem("Q3: 7-8?", "7-8 = <<7-8=-1>>-1\n#### -1")),
    ];

    /// <summary>A reasoner answering from a table, recording what it was asked.</summary>
    private sealed class ScriptedReasoner(Func<string, IReadOnlyList<string>> paths) : IReasoner
    {
        public List<string> Questions { get; } = [];

        public Task<IReadOnlyList<IReadOnlyList<string>>> SampleAsync(IReadOnlyList<ReasoningProblem> problems, CancellationToken cancellationToken = default)
        {
            Questions.AddRange(problems.Select(p => p.Question));
            return Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>(problems.Select(p => paths(p.Question)).ToArray());
        }
    }

    /// <summary>A corrector answering from a function of the wrong path, recording every request.</summary>
    private sealed class ScriptedCorrector(Func<string, string?> reply, Action<int>? onCall = null) : ICorrector
    {
        public List<CorrectionRequest> Requests { get; } = [];

        public Task<string> CorrectAsync(CorrectionRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            onCall?.Invoke(Requests.Count);
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(reply(request.WrongPath)!);
        }
    }

    private static readonly string s_huge = new string('x', 20_000) + " The answer is 3.";

    // Q0: two right paths (one formatted "$4.0") and a repeat -> CoT augmentation only.
    // Q1: a wrong path corrected right (kept), a path without answer (dropped), a wrong path corrected still wrong, an
    //     empty path, a huge path.
    // Q2: a right path with commas; wrong paths whose corrections have no step marker, no explanation, a step the path
    //     does not have, an empty reply and a reply without an answer.
    // Q3: no paths at all.
    private static IReadOnlyList<string> Paths(string question) => question switch
    {
        "Q0: 2+2?" => ["2 plus 2 is 4. The answer is 4.", "The answer is $4.0.", "2 plus 2 is 4. The answer is 4."],
        "Q1: 10*10?" => ["10 times 10 is 1000. The answer is 1000.", "10*10 is a hundred, I think.", "It is 10+10 = 20.\nThe answer is 20.", "  ", s_huge],
        "Q2: 1000+1000?" => ["The answer is 2,000.", "It is 3000. The answer is 3000.", "It is 3001. The answer is 3001.", "It is 3002. The answer is 3002.",
            "It is 3003. The answer is 3003.", "It is 3004. The answer is 3004."],
        _ => [],
    };

    private static string? Correct(string path) => path switch
    {
        _ when path.Contains("is 1000.") => " Step 1. Explanation: 10 times 10 is 100. Correct Solution: Step 1: 10 times 10 is 100.\nStep 2: The answer is 100.",
        _ when path.Contains("= 20.") => "Incorrect Step: Step 1.\nExplanation: Adds.\nCorrect Solution:\n{\nStep 1: 10*10 = 99.\nStep 2: The answer is 99.\n}",
        _ when path.Contains("3000") => "I cannot find the mistake.",
        _ when path.Contains("3001") => "Incorrect Step: Step 1.\nCorrect Solution: The answer is 2000.",
        _ when path.Contains("3002") => "Incorrect Step: Step 7.\nExplanation: e\nCorrect Solution: The answer is 2000.",
        _ when path.Contains("3003") => null,
        _ when path.Contains("3004") => "Incorrect Step: Step 1.\nExplanation: e\nCorrect Solution: 1000 + 1000 = 2000.",
        _ => throw new AssertionException("unexpected wrong path: " + path),
    };

    private static async Task<(LemaDataset Data, ScriptedReasoner Reasoner, ScriptedCorrector Corrector)> RunAsync(string? directory = null)
    {
        var reasoner = new ScriptedReasoner(Paths);
        var corrector = new ScriptedCorrector(Correct);
        var data = await new LemaPipeline(reasoner, corrector, new LemaPipelineOptions { ProblemsPerReasonerCall = 3 }).RunAsync(s_problems, directory);
        return (data, reasoner, corrector);
    }

    [Test]
    public async Task Statistics_are_exact()
    {
        var (data, _, _) = await RunAsync();
        var s = data.Statistics;
        Assert.That((s.Problems, s.SampledPaths, s.DuplicatePaths, s.RightPaths, s.WrongPaths, s.CorrectionsKept), Is.EqualTo((4, 14, 1, 3, 7, 1)));
        Assert.That(s.ReasonerDrops, Is.EquivalentTo(new Dictionary<DropReason, int> { [DropReason.NoAnswer] = 1, [DropReason.Empty] = 1, [DropReason.TooLong] = 1 }));
        Assert.That(s.CorrectorDrops, Is.EquivalentTo(new Dictionary<DropReason, int>
        {
            [DropReason.StillWrong] = 1, [DropReason.NoStepMarker] = 1, [DropReason.Unparsable] = 1, [DropReason.StepOutOfRange] = 1,
            [DropReason.Empty] = 1, [DropReason.NoAnswer] = 1,
        }));
        Assert.That(s.KeptShare, Is.EqualTo(1.0 / 7));
        Assert.That(data.ProblemsWithCorrections, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task Malformed_replies_are_dropped_with_a_reason_and_an_excerpt()
    {
        var (data, _, _) = await RunAsync();
        Assert.That(data.Dropped.Select(d => (d.ProblemIndex, d.Role, d.Reason)), Is.EqualTo(new[]
        {
            (1, LemaRole.Reasoner, DropReason.NoAnswer), (1, LemaRole.Corrector, DropReason.StillWrong), (1, LemaRole.Reasoner, DropReason.Empty),
            (1, LemaRole.Reasoner, DropReason.TooLong), (2, LemaRole.Corrector, DropReason.NoStepMarker), (2, LemaRole.Corrector, DropReason.Unparsable),
            (2, LemaRole.Corrector, DropReason.StepOutOfRange), (2, LemaRole.Corrector, DropReason.Empty), (2, LemaRole.Corrector, DropReason.NoAnswer),
        }));
        Assert.That(data.Dropped[1].Detail, Is.EqualTo("The corrected answer is 99; the reference is 100."));
        Assert.That(data.Dropped[3].Excerpt, Has.Length.EqualTo(DroppedReply.ExcerptLength + 1));
        Assert.That(data.Dropped[6].Detail, Is.EqualTo("The correction names step 7; the path has 2."));
    }

    [Test]
    public async Task Cot_augmentation_keeps_only_right_answer_paths()
    {
        var (data, _, corrector) = await RunAsync();
        Assert.That(data.AugmentedCotRows.Select(r => r.Completion), Is.EqualTo(new[] { "2 plus 2 is 4. The answer is 4.", "The answer is $4.0.", "The answer is 2,000." }));
        Assert.That(data.AugmentedCotRows.Select(r => r.Prompt), Is.EqualTo(new[] { s_problems[0], s_problems[0], s_problems[2] }.Select(p => LemaPrompts.CotInput(p.Question))));
        Assert.That(corrector.Requests.Select(r => r.WrongPath), Has.None.Contains("The answer is 4.").And.None.Contains("2,000"), "right paths never reach the corrector");
        Assert.That(data.CotRows, Is.EqualTo(s_problems.Select(p => new PromptCompletion(LemaPrompts.CotInput(p.Question), p.Rationale))));
        Assert.That(data.CotRows[2].Completion, Is.EqualTo("1000+1000 = 2000\nThe answer is 2000."));
    }

    [Test]
    public async Task Kept_corrections_hold_the_wrong_solution_only_in_the_prompt()
    {
        var (data, _, corrector) = await RunAsync();
        PromptCompletion row = data.CorrectionRows.Single();
        Assert.That(row.Prompt, Is.EqualTo(LemaPrompts.CorrectionInput("Q1: 10*10?", "Step 1: 10 times 10 is 1000.\nStep 2: The answer is 1000.")));
        Assert.That(row.Completion, Is.EqualTo(" Step 1. Explanation: 10 times 10 is 100. Correct Solution: Step 1: 10 times 10 is 100.\nStep 2: The answer is 100."));
        Assert.That(corrector.Requests[0].Problem, Is.SameAs(s_problems[1]));
        Assert.That(corrector.Requests[0].WrongPath, Is.EqualTo("10 times 10 is 1000. The answer is 1000."));
    }

    [Test]
    public async Task The_files_are_written_as_rows_are_made()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Path, "out");
        var (data, reasoner, _) = await RunAsync(dir);
        Assert.That(reasoner.Questions, Is.EqualTo(s_problems.Select(p => p.Question)));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(dir, LemaDataset.CotFileName)), Is.EqualTo(data.CotRows));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(dir, LemaDataset.AugmentedCotFileName)), Is.EqualTo(data.AugmentedCotRows));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(dir, LemaDataset.CorrectionsFileName)), Is.EqualTo(data.CorrectionRows));
        var dropped = File.ReadAllLines(Path.Combine(dir, LemaDataset.DroppedFileName)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(dropped.Select(d => d.GetProperty("reason").GetString()), Is.EqualTo(data.Dropped.Select(d => d.Reason.ToString())));
        using JsonDocument stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, LemaDataset.StatisticsFileName)));
        Assert.That(stats.RootElement.GetProperty("cancelled").GetBoolean(), Is.False);
        Assert.That(stats.RootElement.GetProperty("wrongPaths").GetInt32(), Is.EqualTo(7));
        Assert.That(stats.RootElement.GetProperty("correctorDrops").GetProperty("StepOutOfRange").GetInt32(), Is.EqualTo(1));

        string again = Path.Combine(temp.Path, "again");
        data.WriteTo(again);
        foreach (string name in new[] { LemaDataset.CotFileName, LemaDataset.AugmentedCotFileName, LemaDataset.CorrectionsFileName, LemaDataset.DroppedFileName, LemaDataset.StatisticsFileName })
            Assert.That(File.ReadAllText(Path.Combine(again, name)), Is.EqualTo(File.ReadAllText(Path.Combine(dir, name))), name);
    }

    [Test]
    public async Task A_cancelled_run_leaves_valid_jsonl_with_the_rows_made_so_far()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var reasoner = new ScriptedReasoner(Paths);
        var corrector = new ScriptedCorrector(Correct, calls => { if (calls == 2) cancel.Cancel(); });
        var pipeline = new LemaPipeline(reasoner, corrector, new LemaPipelineOptions { ProblemsPerReasonerCall = 1 });
        Assert.That(async () => await pipeline.RunAsync(s_problems, temp.Path, cancellationToken: cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        var cot = PromptCompletionJsonl.Read(Path.Combine(temp.Path, LemaDataset.CotFileName));
        Assert.That(cot.Select(r => r.Prompt), Is.EqualTo(s_problems.Take(2).Select(p => LemaPrompts.CotInput(p.Question))));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(temp.Path, LemaDataset.CorrectionsFileName)), Has.Count.EqualTo(1));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(temp.Path, LemaDataset.AugmentedCotFileName)), Has.Count.EqualTo(2));
        foreach (string line in File.ReadAllLines(Path.Combine(temp.Path, LemaDataset.DroppedFileName)))
            Assert.DoesNotThrow(() => JsonDocument.Parse(line));
        using JsonDocument stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, LemaDataset.StatisticsFileName)));
        Assert.That(stats.RootElement.GetProperty("cancelled").GetBoolean(), Is.True);
        Assert.That(stats.RootElement.GetProperty("problems").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task The_built_in_task_runs_end_to_end_with_the_programmatic_corrector()
    {
        var task = new ArithmeticTaskGenerator(new ArithmeticTaskOptions { Seed = 4, TrainCount = 20, TestCount = 0 }).Generate();
        // Wrong paths: each problem's rationale with the first result off by one and the answer line kept wrong.
        var reasoner = new ScriptedReasoner(q =>
        {
            var p = task.Train.Single(t => t.Question == q);
            string wrong = p.Rationale.Replace(p.Steps[0].Equation, p.Steps[0].Equation[..p.Steps[0].Equation.LastIndexOf('=')] + "= 999")
                .Replace($"The answer is {p.Answer}.", "The answer is 999.");
            return [p.Rationale, wrong];
        });
        var data = await new LemaPipeline(reasoner, new ArithmeticCorrector()).RunAsync(task.Train);
        Assert.That((data.Statistics.RightPaths, data.Statistics.WrongPaths, data.Statistics.CorrectionsKept), Is.EqualTo((20, 20, 20)));
        Assert.That(data.CorrectionRows.Select(r => r.Completion), Has.All.StartWith(" Step 2. Explanation: The calculation is wrong:"));
    }

    [Test]
    public void Bad_arguments_and_reasoner_results_are_reported()
    {
        Assert.Throws<ArgumentNullException>(() => new LemaPipeline(null!, new ArithmeticCorrector()));
        Assert.Throws<ArgumentNullException>(() => new LemaPipeline(new ScriptedReasoner(Paths), null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LemaPipeline(new ScriptedReasoner(Paths), new ArithmeticCorrector(), new LemaPipelineOptions { MaxReplyCharacters = 0 }));
        var pipeline = new LemaPipeline(new ScriptedReasoner(Paths), new ArithmeticCorrector());
        Assert.That(async () => await pipeline.RunAsync([s_problems[0], null!]), Throws.ArgumentException.With.Message.Contains("index 1"));
        var wrongCount = new LemaPipeline(new CountingReasoner(), new ArithmeticCorrector());
        Assert.That(async () => await wrongCount.RunAsync(s_problems), Throws.InvalidOperationException.With.Message.Contains("1 path lists for 4 problems"));
    }

    private sealed class CountingReasoner : IReasoner
    {
        public Task<IReadOnlyList<IReadOnlyList<string>>> SampleAsync(IReadOnlyList<ReasoningProblem> problems, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>([[]]);
    }
}
