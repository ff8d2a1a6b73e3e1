using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Reasoning;

public class ArithmeticTaskGeneratorTests
{
    private static readonly ArithmeticTaskOptions s_options = new() { Seed = 5, TrainCount = 300, TestCount = 100 };

    [Test]
    public void The_same_seed_gives_the_same_task_and_another_seed_another()
    {
        var a = new ArithmeticTaskGenerator(s_options).Generate();
        var b = new ArithmeticTaskGenerator(s_options).Generate();
        var c = new ArithmeticTaskGenerator(s_options with { Seed = 6 }).Generate();
        Assert.That(a.Train.Select(p => p.Question), Is.EqualTo(b.Train.Select(p => p.Question)));
        Assert.That(a.Test.Select(p => p.Rationale), Is.EqualTo(b.Test.Select(p => p.Rationale)));
        Assert.That(a.Train.Select(p => p.Question), Is.Not.EqualTo(c.Train.Select(p => p.Question)));
    }

    [Test]
    public void Splits_have_the_requested_sizes_and_share_no_calculation()
    {
        var task = new ArithmeticTaskGenerator(s_options).Generate();
        Assert.That((task.Train.Count, task.Test.Count), Is.EqualTo((300, 100)));
        var all = task.Train.Concat(task.Test).Select(p => p.Signature).ToList();
        Assert.That(all, Is.Unique);
        Assert.That(task.Train.Any(p => task.TestSignatures.Contains(p.Signature)), Is.False);
    }

    [Test]
    public void Every_problem_respects_the_knobs_and_checks_right()
    {
        var options = new ArithmeticTaskOptions
        {
            Seed = 2, TrainCount = 200, TestCount = 0, MinSteps = 3, MaxSteps = 4, MinStart = 10, MaxStart = 20, MaxValue = 50,
            MinOperand = 2, MaxOperand = 7, MaxFactor = 3, Operations = [ArithmeticOperation.Add, ArithmeticOperation.Multiply, ArithmeticOperation.Divide],
        };
        var task = new ArithmeticTaskGenerator(options).Generate();
        foreach (var problem in task.Train)
        {
            Assert.That(problem.Steps.Count, Is.InRange(3, 4));
            Assert.That(problem.Start, Is.InRange(10, 20));
            foreach (var step in problem.Steps)
            {
                Assert.That(step.Operation, Is.Not.EqualTo(ArithmeticOperation.Subtract));
                Assert.That(step.After, Is.InRange(1, 50));
                Assert.That(step.Operand, step.Operation == ArithmeticOperation.Add ? Is.InRange(2, 7) : Is.InRange(2, 3));
            }
            Assert.That(ArithmeticChecker.Check(problem, problem.Rationale).IsCorrect, Is.True, problem.Question);
            Assert.That(problem.IsAnsweredBy(problem.Rationale), Is.True);
        }
        Assert.That(task.Train.SelectMany(p => p.Steps).Select(s => s.Operation).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void Bad_knobs_are_refused_by_name()
    {
        Assert.That(() => new ArithmeticTaskGenerator(new ArithmeticTaskOptions { MinSteps = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MinSteps"));
        Assert.That(() => new ArithmeticTaskGenerator(new ArithmeticTaskOptions { MaxSteps = 1, MinSteps = 2 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxSteps"));
        Assert.That(() => new ArithmeticTaskGenerator(new ArithmeticTaskOptions { MaxValue = 10, MaxStart = 30 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxValue"));
        Assert.That(() => new ArithmeticTaskGenerator(new ArithmeticTaskOptions { Operations = [] }),
            Throws.ArgumentException.With.Message.Contains("operation"));
        Assert.That(() => new ArithmeticTaskGenerator(new ArithmeticTaskOptions { MinFactor = 1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MinFactor"));
    }

    [Test]
    public void Asking_for_more_distinct_problems_than_exist_is_refused()
    {
        var options = new ArithmeticTaskOptions
        {
            TrainCount = 50, TestCount = 0, MinSteps = 1, MaxSteps = 1, MinStart = 2, MaxStart = 3, MinOperand = 1, MaxOperand = 2,
            Operations = [ArithmeticOperation.Add],
        };
        Assert.That(() => new ArithmeticTaskGenerator(options).Generate(), Throws.InvalidOperationException.With.Message.Contains("distinct"));
    }

    [Test]
    public void Problems_that_do_not_chain_are_refused()
    {
        var mia = new ArithmeticCharacter("Mia", "She");
        Assert.That(() => new ArithmeticProblem(mia, "marbles", 7, [new ArithmeticStep(ArithmeticOperation.Add, 5, 7, 13)]),
            Throws.ArgumentException.With.Message.Contains("Step 1: 7 + 5 is not 13"));
        Assert.That(() => new ArithmeticProblem(mia, "marbles", 7, [new ArithmeticStep(ArithmeticOperation.Add, 5, 6, 11)]),
            Throws.ArgumentException.With.Message.Contains("previous value is 7"));
        Assert.That(() => new ArithmeticProblem(mia, "two words", 7, [new ArithmeticStep(ArithmeticOperation.Add, 5, 7, 12)]),
            Throws.ArgumentException.With.Message.Contains("one word"));
        Assert.That(() => new ArithmeticProblem(mia, "marbles", 7, []), Throws.ArgumentException);
    }
}
