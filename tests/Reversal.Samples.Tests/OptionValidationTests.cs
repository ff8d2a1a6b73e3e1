namespace Reversal.Samples.Tests;

/// <summary>
/// Every numeric option of the demo, the samples and the benchmark app refuses bad values before any work starts,
/// with a message that names the option, and a non-zero exit code.
/// </summary>
public class OptionValidationTests
{
    private const string Demo = "samples/Reversal.Demo", Lema = "samples/Reversal.Lema", Reverse = "samples/Reversal.ReverseModelling",
        FineTuning = "samples/Reversal.FineTuning", Benchmarks = "benchmarks/Reversal.Benchmarks";

    public static IEnumerable<TestCaseData> BadValues()
    {
        foreach (var (option, bad) in new[]
                 {
                     ("--epochs", "0"), ("--threads", "0"), ("--people", "0"), ("--templates", "-1"), ("--batch-size", "0"),
                     ("--lr", "0"), ("--lr", "NaN"), ("--lr", "11"), ("--eval-max", "0"), ("--decode-batch", "0"), ("--checkpoint-every", "0"),
                     ("--epochs", "many"),
                 })
            yield return Case(Demo, [option, bad], option);
        foreach (var (option, bad) in new[]
                 {
                     ("--seeds", "0"), ("--pretrain", "0"), ("--pretrain-epochs", "0"), ("--train", "0"), ("--test", "0"), ("--min-steps", "0"),
                     ("--max-steps", "0"), ("--max-start", "0"), ("--max-operand", "0"), ("--max-factor", "0"), ("--max-value", "0"),
                     ("--reasoner-epochs", "0"), ("--paths", "0"), ("--temperature", "-0.5"), ("--temperature", "NaN"), ("--evolved", "-1"),
                     ("--epochs", "0"), ("--batch-size", "0"), ("--lr", "0"), ("--lr", "2"), ("--pretrain-lr", "-1"), ("--threads", "0"),
                 })
            yield return Case(Lema, [option, bad], option);
        foreach (var (option, bad) in new[] { ("--docs", "39"), ("--epochs", "0"), ("--threads", "0") })
            yield return Case(Reverse, [option, bad], option);
        foreach (var (option, bad) in new[]
                 {
                     ("--threads", "0"), ("--people", "1"), ("--templates", "0"), ("--batch-size", "0"), ("--pretrain-epochs", "0"),
                     ("--pretrain-lr", "-1"), ("--pretrain-lr", "NaN"), ("--lora-rank", "0"), ("--lora-alpha", "0"), ("--lora-alpha", "Infinity"),
                     ("--lora-lr", "0"), ("--lora-lr", "11"), ("--lora-epochs", "0"), ("--full-lr", "0"), ("--full-epochs", "0"),
                     ("--eval-max", "0"), ("--decode-batch", "0"), ("--lora-epochs", "many"),
                 })
            yield return Case(FineTuning, [option, bad], option);
        foreach (var (command, option, bad) in new[]
                 {
                     ("compare", "--threads", "0"), ("compare", "--steps", "0"), ("compare", "--rounds", "0"), ("compare", "--attention-runs", "0"),
                     ("compare", "--fma-threads", "0"), ("compare", "--fma-iterations", "0"), ("compare", "--decode-runs", "0"),
                     ("compare", "--rows", "train,nope"), ("spin", "--seconds", "0"),
                     ("eval-speed", "--rows", "0"), ("eval-speed", "--batch", "0"), ("eval-speed", "--threads", "0"), ("eval-speed", "--repeat", "0"),
                     ("soak", "--minutes", "1"), ("soak", "--checkpoint-every", "0"), ("soak", "--threads", "0"),
                 })
            yield return Case(Benchmarks, [command, option, bad], option);
    }

    private static TestCaseData Case(string project, string[] arguments, string option) =>
        new TestCaseData(project, arguments, option).SetName($"{Path.GetFileName(project)} {string.Join(' ', arguments)} is refused naming {option}");

    [TestCaseSource(nameof(BadValues))]
    public void A_bad_value_is_refused_naming_its_option(string project, string[] arguments, string option)
    {
        var (exitCode, output) = SampleProgram.Run(project, arguments);
        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output, Does.Contain(option), "the message names the option");
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void The_demo_refuses_an_unknown_objective_and_checkpoints_without_an_output_folder()
    {
        var (exitCode, output) = SampleProgram.Run(Demo, ["--objectives", "ntp,nope"]);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("--objectives").And.Contain("nope"));
        (exitCode, output) = SampleProgram.Run(Demo, ["--checkpoint-every", "10"]);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("--checkpoint-every needs --out"));
        (exitCode, output) = SampleProgram.Run(Demo, ["--seeds", "1,x"]);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("--seeds"));
    }

    [Test]
    public void The_fine_tuning_experiment_refuses_an_unknown_objective_or_mode()
    {
        var (exitCode, output) = SampleProgram.Run(FineTuning, ["--objectives", "ntp,ntp"]);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("--objectives"));
        (exitCode, output) = SampleProgram.Run(FineTuning, ["--finetune", "half"]);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("--finetune").And.Contain("half"));
    }
}
