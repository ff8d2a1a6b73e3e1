using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Reasoning;

public class ArithmeticEvolverTests
{
    private static readonly ArithmeticTask s_task = new ArithmeticTaskGenerator(new ArithmeticTaskOptions { Seed = 3, TrainCount = 200, TestCount = 100 }).Generate();

    [Test]
    public async Task Evolution_is_deterministic_by_seed()
    {
        var evolver = new ArithmeticEvolver(s_task.Options, s_task.TestSignatures);
        var seeds = s_task.Train.Take(20).ToArray();
        var a = await QuestionEvolution.EvolveAsync(evolver, seeds, 40, seed: 11);
        var b = await QuestionEvolution.EvolveAsync(evolver, seeds, 40, seed: 11);
        var c = await QuestionEvolution.EvolveAsync(evolver, seeds, 40, seed: 12);
        Assert.That(a.Problems.Select(p => p.Question), Is.EqualTo(b.Problems.Select(p => p.Question)));
        Assert.That(a.Problems.Select(p => p.Question), Is.Not.EqualTo(c.Problems.Select(p => p.Question)));
        Assert.That(a.Problems, Has.Count.EqualTo(40));
        Assert.That(a.SeedsUsed, Is.EqualTo(20), "40 problems from 20 seeds: every seed is used");
        Assert.That(evolver.Evolve(s_task.Train[0], 5)!.Question, Is.EqualTo(evolver.Evolve(s_task.Train[0], 5)!.Question));
    }

    [Test]
    public async Task Evolved_problems_are_new_valid_and_never_a_test_calculation()
    {
        var evolver = new ArithmeticEvolver(s_task.Options, s_task.TestSignatures);
        var result = await QuestionEvolution.EvolveAsync(evolver, s_task.Train.ToArray(), 300, seed: 1);
        var seedQuestions = s_task.Train.Select(p => p.Question).ToHashSet();
        foreach (ArithmeticProblem problem in result.Problems.Cast<ArithmeticProblem>())
        {
            Assert.That(s_task.TestSignatures, Does.Not.Contain(problem.Signature));
            Assert.That(seedQuestions, Does.Not.Contain(problem.Question));
            Assert.That(problem.Steps.Count, Is.InRange(s_task.Options.MinSteps, s_task.Options.MaxSteps));
            Assert.That(problem.Steps.All(s => s.After >= 1 && s.After <= s_task.Options.MaxValue), Is.True);
            Assert.That(ArithmeticChecker.Check(problem, problem.Rationale).IsCorrect, Is.True);
        }
        Assert.That(result.Problems.Select(p => p.Question), Is.Unique);
    }

    [Test]
    public async Task Evolution_keeps_the_seeds_story()
    {
        var seed = HandSolved.Mia();
        var evolver = new ArithmeticEvolver(new ArithmeticTaskOptions());
        for (long s = 0; s < 20; s++)
        {
            var evolved = (ArithmeticProblem?)await evolver.EvolveAsync(seed, s);
            Assert.That(evolved, Is.Not.Null);
            Assert.That((evolved!.Character, evolved.Item), Is.EqualTo((seed.Character, seed.Item)));
            Assert.That(evolved.Signature, Is.Not.EqualTo(seed.Signature));
        }
        Assert.That(async () => await evolver.EvolveAsync(new ReasoningProblem("q", "The answer is 1.", "1"), 0), Throws.ArgumentException);
    }

    [Test]
    public void Seeds_are_the_corrected_problems_or_a_seeded_random_choice()
    {
        var problems = s_task.Train.Cast<ReasoningProblem>().ToArray();
        var stats = new LemaStatistics(3, 0, 0, 0, 0, 0, new Dictionary<DropReason, int>(), new Dictionary<DropReason, int>());
        var data = new LemaDataset([], [], [], [], stats, [2, 5]);
        Assert.That(QuestionEvolution.CorrectionCentricSeeds(problems, data), Is.EqualTo(new[] { problems[2], problems[5] }));
        Assert.That(QuestionEvolution.RandomSeeds(problems, 10, 4), Is.EqualTo(QuestionEvolution.RandomSeeds(problems, 10, 4)));
        Assert.That(QuestionEvolution.RandomSeeds(problems, 10, 4), Is.Not.EqualTo(QuestionEvolution.RandomSeeds(problems, 10, 5)));
        Assert.That(() => QuestionEvolution.CorrectionCentricSeeds(problems.Take(3).ToArray(), data), Throws.ArgumentException.With.Message.Contains("problem 5"));
    }
}
