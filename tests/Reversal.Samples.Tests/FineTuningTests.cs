using System.Text.Json;

namespace Reversal.Samples.Tests;

/// <summary>
/// The pretrain-then-fine-tune experiment as a user runs it, at a size that takes seconds: every objective × mode row
/// with the four splits, the saved models, and a repeated command that reuses what is saved (and continues what is not).
/// </summary>
public class FineTuningTests
{
    private const string Program = "samples/Reversal.FineTuning";
    private static readonly string[] Splits = ["d2p", "p2d", "p2d_reverse", "d2p_reverse"];
    private static readonly string[] Runs = ["ntp-lora", "ntp-full", "bico-lora", "bico-full", "abi-lora", "abi-full"];

    private static string[] Arguments(string output, params string[] more) =>
    [
        "--people", "2", "--templates", "2", "--pretrain-epochs", "1", "--lora-epochs", "1", "--full-epochs", "1",
        "--eval-max", "4", "--decode-batch", "4", "--threads", "1", "--out", output, .. more,
    ];

    [Test]
    public void A_small_experiment_writes_every_objective_and_mode_and_a_repeated_command_reuses_the_saved_runs()
    {
        using var temp = new TempDirectory();
        var (exitCode, output) = SampleProgram.Run(Program, Arguments(temp.Path), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("fine-tuning half: 3 people (1 p2d, 1 d2p, 1 both)"), "each subset's two people are split between the halves");

        using (var results = JsonDocument.Parse(File.ReadAllText(temp.File("results.json"))))
        {
            var rows = results.RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.That(rows.Select(r => r.GetProperty("run").GetString()), Is.EqualTo((string[])["pretrained-only", .. Runs]));
            foreach (var row in rows)
            {
                string run = row.GetProperty("run").GetString()!;
                var splits = row.GetProperty("splits");
                Assert.That(splits.EnumerateObject().Select(s => s.Name), Is.EqualTo(Splits), run);
                foreach (string split in Splits)
                {
                    var s = splits.GetProperty(split);
                    foreach (string metric in new[] { "greedy", "rank1", "chance" })
                        Assert.That(s.GetProperty(metric).GetDouble(), Is.InRange(0.0, 1.0), $"{run} {split} {metric}");
                    Assert.That(s.GetProperty("count").GetInt32(), Is.EqualTo(4), $"{run} {split}: --eval-max");
                    Assert.That(s.GetProperty("decoders").TryGetProperty("greedy_infill", out _), Is.EqualTo(run.StartsWith("abi", StringComparison.Ordinal)), $"{run} {split}: infill decoding for ABI");
                }
                long trainable = row.GetProperty("trainable_parameters").GetInt64(), total = row.GetProperty("total_parameters").GetInt64();
                if (run.EndsWith("-lora", StringComparison.Ordinal)) Assert.That(trainable, Is.Positive.And.LessThan(total), run);
                else if (run.EndsWith("-full", StringComparison.Ordinal)) Assert.That(trainable, Is.EqualTo(total), run);
                else Assert.That(trainable, Is.Zero, run);
            }
            Assert.That(results.RootElement.GetProperty("pretraining").GetProperty("training_rows").GetInt32(), Is.EqualTo(8), "the first half: one p2d and one d2p person with 2 rows each, one both person with 4");
        }
        foreach (string file in new[] { "results.md", "tokenizer.json", "pretrained/config.json", "runs/pretraining.json", "runs/pretrained-only.json",
                     "models/ntp-lora/adapter_config.json", "models/abi-lora/adapter_model.safetensors", "models/bico-full/model.safetensors" })
            Assert.That(File.Exists(temp.File(file)), Is.True, $"{file} was written");
        Assert.That(File.ReadAllText(temp.File("results.md")), Does.Contain("| abi · LoRA |").And.Contain("| pretrained only |").And.Contain("p2d_reverse greedy / rank@1"));

        var saved = Runs.Append("pretraining").Append("pretrained-only").ToDictionary(r => r, r => File.ReadAllText(temp.File($"runs/{r}.json")));
        (exitCode, output) = SampleProgram.Run(Program, Arguments(temp.Path), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("pretraining reused"));
        foreach (string run in Runs.Append("pretrained-only"))
            Assert.That(output, Does.Contain($"{run} reused"), run);
        Assert.That(output, Does.Not.Contain(" done:"), "nothing is trained again");
        foreach (var (run, text) in saved)
            Assert.That(File.ReadAllText(temp.File($"runs/{run}.json")), Is.EqualTo(text), run);

        // An interrupted experiment: one run's record is missing, so only that run is trained again.
        File.Delete(temp.File("runs/bico-full.json"));
        (exitCode, output) = SampleProgram.Run(Program, Arguments(temp.Path), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("bico-full done:").And.Contain("bico-lora reused").And.Contain("pretraining reused"));

        // Other settings never mix with saved runs.
        (exitCode, output) = SampleProgram.Run(Program, Arguments(temp.Path, "--lora-rank", "8"), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("ntp-lora.json").And.Contain("use another --out"));
    }

    [Test]
    public void Berglund_layout_data_is_split_by_the_names_list_and_a_row_about_an_unknown_person_is_refused()
    {
        using var temp = new TempDirectory();
        string generated = Path.Combine(temp.Path, "generated");
        var (exitCode, output) = SampleProgram.Run(Program, Arguments(generated, "--objectives", "ntp", "--finetune", "lora"), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);

        // The generated data in the Berglund layout, with the lists of names and descriptions beside it (../templates).
        string data = Path.Combine(generated, "data"), templates = Path.Combine(generated, "templates");
        var completions = new[] { "d2p_prompts_test.jsonl", "p2d_prompts_test.jsonl", "p2d_reverse_prompts_test.jsonl", "d2p_reverse_prompts_test.jsonl", "both_prompts_test.jsonl" }
            .SelectMany(file => File.ReadLines(Path.Combine(data, file)))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("completion").GetString()!.Trim())
            .Distinct().ToArray();
        string[] names = [.. completions.Where(c => !c.StartsWith("the ", StringComparison.Ordinal))];
        string[] descriptions = [.. completions.Where(c => c.StartsWith("the ", StringComparison.Ordinal))];
        Assert.That(names, Has.Length.EqualTo(6));
        Directory.CreateDirectory(templates);
        File.WriteAllLines(Path.Combine(templates, "names.txt"), names.Reverse());
        File.WriteAllLines(Path.Combine(templates, "descriptions.txt"), descriptions);

        string berglund = Path.Combine(temp.Path, "berglund");
        (exitCode, output) = SampleProgram.Run(Program, Arguments(berglund, "--data", data, "--objectives", "ntp", "--finetune", "full"), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("pre-training half: 3 people (1 p2d, 1 d2p, 1 both), 8 training rows"));
        Assert.That(File.Exists(Path.Combine(berglund, "models", "ntp-full", "model.safetensors")), Is.True);

        File.WriteAllLines(Path.Combine(templates, "names.txt"), names.Skip(1));
        (exitCode, output) = SampleProgram.Run(Program, Arguments(Path.Combine(temp.Path, "refused"), "--data", data), TimeSpan.FromMinutes(5));
        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("mentions none").And.Contain(names[0]), "the row about the person missing from names.txt is named");
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }
}
