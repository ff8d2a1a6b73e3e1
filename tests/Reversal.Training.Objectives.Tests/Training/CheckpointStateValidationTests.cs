using System.Text.Json.Nodes;
using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// trainer_state.json and optimizer.safetensors are validated in full when a checkpoint is loaded, before anything is
/// restored: every bad field is a <see cref="CheckpointFormatException"/> naming the file and the field, never a
/// failure later inside Fit, and a refused checkpoint leaves the trainer as it was.
/// </summary>
public class CheckpointStateValidationTests
{
    private TempDirectory _temp = null!;
    private string _checkpoint = null!;

    private static TrainerBuilder Builder(LlamaModel model) => Trainer.For(model)
        .WithObjective(Objective.BicoRecipe())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 3e-3).ClipGradNorm(1.0))
        .WithSchedule(s => s.WarmupCosine(warmupSteps: 3, totalSteps: 8))
        .WithSeed(11);

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        var data = TinyTask.Sequences(8, seed: 2);
        string root = _temp.File("run");
        Builder(TinyTask.SmallModel(1)).WithCheckpointing(root, everySteps: 3).Build().Fit(data, epochs: 2, batchSize: 4); // steps 1..4; saved at 3
        _checkpoint = TrainingCheckpoint.FindLatest(root)!;
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string StatePath => Path.Combine(_checkpoint, TrainingCheckpoint.StateFileName);

    private void EditState(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        edit(json);
        File.WriteAllText(StatePath, json.ToJsonString());
    }

    private CheckpointFormatException Refused(string? field, params string[] fragments)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => Builder(TinyTask.SmallModel(5)).ResumeFrom(_checkpoint).Build())!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Field, Is.EqualTo(field), ex.Message);
            foreach (string fragment in fragments) Assert.That(ex.Message, Does.Contain(fragment));
        });
        return ex;
    }

    [Test]
    public void The_saved_state_is_what_the_checkpoint_holds()
    {
        var json = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        Assert.That((long)json["step"]!, Is.EqualTo(3));
        Assert.That((int)json["epoch"]!, Is.EqualTo(2));
        Assert.That((int)json["next_batch"]!, Is.EqualTo(1));
        Assert.That(json["losses"]!.AsArray(), Has.Count.EqualTo(3));
    }

    [TestCase("next_batch", -1, "must be a non-negative integer that fits in 32 bits, got -1")]
    [TestCase("next_batch", 3, "3 is past the 2 batches of an epoch of 8 examples in batches of 4")]
    [TestCase("epoch", 3, "3 is past the run's 2 epochs")]
    [TestCase("epoch", 2147483648L, "must be a non-negative integer that fits in 32 bits, got 2147483648")]
    [TestCase("step", -5, "must be a non-negative integer that fits in 64 bits, got -5")]
    [TestCase("step", 2, "lists 3 steps, more than the 2 steps taken")]
    [TestCase("batch_size", 0, "must be at least 1 when epoch is 2, got 0")]
    [TestCase("examples", 0, "must be at least 1 when epoch is 2, got 0")]
    [TestCase("epochs", 0, "must be at least 1 when epoch is 2, got 0")]
    [TestCase("schedule_total_steps", 1, "1 is less than the 3 steps already taken")]
    [TestCase("version", 2, "found version 2; this library reads version 1")]
    public void An_out_of_range_or_inconsistent_number_is_refused(string field, long value, string problem)
    {
        EditState(json => json[field] = value);
        // Fields whose value contradicts another are reported at the field that breaks the rule.
        string reported = field == "step" && value >= 0 ? "losses" : field;
        Refused(reported, "trainer_state.json", problem);
    }

    [TestCase("next_batch")]
    [TestCase("step")]
    [TestCase("objective")]
    [TestCase("optimizer")]
    [TestCase("losses")]
    [TestCase("objectives")]
    [TestCase("data_random_epoch_start")]
    [TestCase("objective_random")]
    [TestCase("format")]
    [TestCase("base_learning_rate")]
    public void A_missing_or_null_field_is_refused(string field)
    {
        EditState(json => json.Remove(field));
        Refused(field, "is missing (or null); it is required");
        EditState(json => json[field] = null);
        Refused(field, "is missing (or null); it is required");
    }

    [TestCase("step", "\"3\"", "must be an integer, got a JSON string")]
    [TestCase("step", "3.5", "must be an integer, got 3.5")]
    [TestCase("losses", "{}", "must be an array, got a JSON object")]
    [TestCase("objectives", "[1, 2, 3]", "must be a string, got a JSON number (1)")]
    [TestCase("base_learning_rate", "1e400", "must be a finite number, got 1e400")]
    [TestCase("base_learning_rate", "-0.1", "must be non-negative, got -0.1")]
    [TestCase("objective", "[]", "must be a string, got a JSON array")]
    public void A_mistyped_field_is_refused(string field, string value, string problem)
    {
        string text = File.ReadAllText(StatePath);
        var json = JsonNode.Parse(text)!.AsObject();
        json[field] = "PLACEHOLDER";
        File.WriteAllText(StatePath, json.ToJsonString().Replace("\"PLACEHOLDER\"", value));
        string? reported = field == "objectives" ? "objectives[0]" : field;
        Refused(reported, problem);
    }

    [Test]
    public void Losses_and_objectives_of_different_lengths_are_refused()
    {
        EditState(json => json["objectives"]!.AsArray().RemoveAt(0));
        Refused("objectives", "lists 2 steps but 'losses' lists 3");
    }

    [Test]
    public void A_non_finite_loss_is_refused_naming_its_index()
    {
        File.WriteAllText(StatePath, File.ReadAllText(StatePath).Replace("\"losses\": [", "\"losses\": [-1e999, "));
        EditState(json => json["objectives"]!.AsArray().Insert(0, "ntp")); // keep the lengths equal
        EditState(json => json["step"] = 4);
        Refused("losses[0]", "must be a finite number, got -1e999");
    }

    [TestCase("[1, 2, 3]", "objective_random.s", "must hold the 4 words of a xoshiro256** state, got 3")]
    [TestCase("[0, 0, 0, 0]", "objective_random.s", "is all zeros")]
    [TestCase("[1, 2, 3, -4]", "objective_random.s[3]", "must be an integer in [0, 18446744073709551615], got -4")]
    [TestCase("[1, 2, 3, 18446744073709551616]", "objective_random.s[3]", "must be an integer in [0, 18446744073709551615], got 18446744073709551616")]
    public void A_bad_random_state_is_refused(string words, string field, string problem)
    {
        string text = File.ReadAllText(StatePath);
        var json = JsonNode.Parse(text)!.AsObject();
        json["objective_random"]!["s"] = "PLACEHOLDER";
        File.WriteAllText(StatePath, json.ToJsonString().Replace("\"PLACEHOLDER\"", words));
        Refused(field, problem);
    }

    [Test]
    public void A_non_finite_spare_gaussian_is_refused()
    {
        EditState(json => json["data_random_epoch_start"]!["spare_gaussian"] = "PLACEHOLDER");
        File.WriteAllText(StatePath, File.ReadAllText(StatePath).Replace("\"PLACEHOLDER\"", "1e400"));
        Refused("data_random_epoch_start.spare_gaussian", "must be a finite number, got 1e400");
    }

    [Test]
    public void A_lone_surrogate_or_a_repeated_key_is_refused_with_its_position()
    {
        File.WriteAllText(StatePath, File.ReadAllText(StatePath).Replace("\"optimizer\": \"AdamW\"", "\"optimizer\": \"Adam\\ud800W\""));
        Refused("optimizer", "lone surrogate", "at byte");
        File.WriteAllText(StatePath, File.ReadAllText(StatePath).Replace("\"optimizer\": \"Adam\\ud800W\"", "\"optimizer\": \"AdamW\", \"step\": 3"));
        Refused("step", "the key 'step' appears more than once");
    }

    [Test]
    public void A_non_finite_optimizer_moment_is_refused_naming_the_tensor_and_element()
    {
        string path = Path.Combine(_checkpoint, TrainingCheckpoint.OptimizerFileName);
        Dictionary<string, TensorData> moments;
        using (var file = SafeTensorsFile.Open(path)) moments = file.ReadAll();
        const string key = "exp_avg/model.layers.1.mlp.up_proj.weight";
        moments[key].Values[17] = float.NaN;
        SafeTensorsWriter.Write(path, moments);

        var ex = Refused(key, "optimizer.safetensors", "holds NaN at element 17; optimizer moments must be finite");
        Assert.That(ex.FilePath, Is.EqualTo(path));
        // Issue 16's case, bounded: refused in under a second, having read the small model's weights and moments once
        // (about 250 KB as float32) and nothing more.
        using var trainer = Builder(TinyTask.SmallModel(6)).Build();
        Bounded.Throws<CheckpointFormatException>(() => trainer.LoadCheckpoint(_checkpoint), Bounded.Second, maxAllocatedBytes: 1024 * 1024);
    }

    [Test]
    public void Optimizer_moments_that_do_not_fit_the_model_are_refused_from_the_header()
    {
        string path = Path.Combine(_checkpoint, TrainingCheckpoint.OptimizerFileName);
        Dictionary<string, TensorData> moments;
        using (var file = SafeTensorsFile.Open(path)) moments = file.ReadAll();
        moments["exp_avg_sq/model.norm.weight"] = new TensorData(new float[31], 31);
        SafeTensorsWriter.Write(path, moments);
        Refused("exp_avg_sq/model.norm.weight", "has shape [31]; the parameter has [32]");

        moments.Remove("exp_avg_sq/model.norm.weight");
        SafeTensorsWriter.Write(path, moments);
        Refused("exp_avg_sq/model.norm.weight", "the buffer is missing");

        moments["exp_avg_sq/model.norm.weight"] = new TensorData(new float[32], 32);
        moments["exp_avg/extra"] = new TensorData(new float[1], 1);
        SafeTensorsWriter.Write(path, moments);
        Refused("exp_avg/extra", "does not belong to any trainable parameter");
    }

    [Test]
    public void A_refused_checkpoint_leaves_the_trainer_and_its_model_unchanged()
    {
        var trainer = Builder(TinyTask.SmallModel(5)).Build();
        var before = trainer.Model.ExportWeights().Select(p => p.Value.Values.ToArray()).ToList();
        string path = Path.Combine(_checkpoint, TrainingCheckpoint.OptimizerFileName);
        Dictionary<string, TensorData> moments;
        using (var file = SafeTensorsFile.Open(path)) moments = file.ReadAll();
        moments["exp_avg_sq/model.norm.weight"].Values[0] = -1f;
        SafeTensorsWriter.Write(path, moments);

        Assert.That(() => trainer.LoadCheckpoint(_checkpoint), Throws.TypeOf<CheckpointFormatException>().With.Message.Contains("second moments cannot be negative"));

        var after = trainer.Model.ExportWeights().Select(p => p.Value.Values.ToArray()).ToList();
        Assert.That(after, Is.EqualTo(before), "the weights were read but not imported");
        Assert.That(trainer.StepCount, Is.Zero);
    }

    [Test]
    public void A_checkpoint_saved_outside_Fit_resumes_into_any_run()
    {
        var data = TinyTask.Sequences(6, seed: 3);
        var trainer = Builder(TinyTask.SmallModel(1)).Build();
        trainer.TrainStep(data);
        string saved = trainer.SaveCheckpoint(_temp.File("manual"));

        var resumed = Builder(TinyTask.SmallModel(2)).ResumeFrom(saved).Build();
        var report = resumed.Fit(data, epochs: 1, batchSize: 3);

        Assert.That(report.Steps, Is.EqualTo(2), "a checkpoint without a run position starts a run of its own");
        Assert.That(resumed.StepCount, Is.EqualTo(3));
    }
}
