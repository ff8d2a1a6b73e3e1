namespace Reversal.Samples.Tests;

/// <summary>The main job as a user runs it, at a size that takes seconds: it trains, evaluates and writes its files.</summary>
public class DemoTests
{
    [Test]
    public void A_small_demo_run_trains_every_objective_and_writes_results_models_and_the_report()
    {
        using var temp = new TempDirectory();
        var (exitCode, output) = SampleProgram.Run("samples/Reversal.Demo",
            ["--people", "3", "--templates", "2", "--epochs", "2", "--objectives", "ntp,bico,abi", "--decode-batch", "4", "--eval-max", "4", "--out", temp.Path],
            TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);
        foreach (string file in new[] { "results.md", "results.json", "report.html", "tokenizer.json", "models/ntp/config.json", "models/bico/model.safetensors", "models/abi/config.json", "runs/abi.json" })
            Assert.That(File.Exists(temp.File(file)), Is.True, $"{file} was written");
        Assert.That(File.ReadAllText(temp.File("results.md")), Does.Contain("p2d_reverse"));
    }
}
