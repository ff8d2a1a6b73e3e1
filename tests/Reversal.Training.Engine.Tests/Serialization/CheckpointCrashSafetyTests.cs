using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Serialization;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// A save that fails part-way (a stream that dies mid-file, a target that cannot be replaced, a killed process) never
/// damages the checkpoint already in the folder and leaves nothing half-written behind.
/// </summary>
public class CheckpointCrashSafetyTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static float[] Logits(LlamaModel model) => model.Forward(TinyLlama.CausalBatch(91)).ToArray();

    /// <summary>Every file and folder under <paramref name="folder"/> with its bytes (folders map to null).</summary>
    private static Dictionary<string, byte[]?> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(folder, path), path => File.Exists(path) ? File.ReadAllBytes(path) : null);

    private static void AssertUnchanged(string folder, Dictionary<string, byte[]?> before, float[] logits)
    {
        var after = Snapshot(folder);
        Assert.That(after.Keys, Is.EquivalentTo(before.Keys), "no file added or removed (no staging folder left)");
        foreach (var (path, bytes) in before) Assert.That(after[path], Is.EqualTo(bytes), path);
        Compare.Identical(Logits(LlamaModel.Load(folder)), logits, "the previous checkpoint still loads");
    }

    private static Func<string, Stream, Stream> FailWhileWriting(string fileName, long afterBytes) =>
        (name, stream) => name == fileName ? new FailingStream(stream, afterBytes) : stream;

    [TestCase(false)]
    [TestCase(true)]
    public void A_stream_dying_in_the_middle_of_a_shard_keeps_the_previous_checkpoint(bool previousSharded)
    {
        var previous = TinyLlama.Create(51);
        previous.Save(_temp.Path, previousSharded ? new SaveOptions { MaxShardBytes = 2000 } : null);
        File.WriteAllText(_temp.File("tokenizer.json"), "{\"keep\": true}");
        var before = Snapshot(_temp.Path);

        var next = TinyLlama.Create(52);
        var options = new SaveOptions { MaxShardBytes = 1000, StreamInterceptor = FailWhileWriting("model-00002-of-00006.safetensors", 300) };
        var ex = Assert.Throws<IOException>(() => next.Save(_temp.Path, options))!;

        Assert.That(ex.Message, Does.Contain("injected failure"));
        AssertUnchanged(_temp.Path, before, Logits(previous));
    }

    [Test]
    public void A_failure_writing_config_json_last_keeps_the_previous_checkpoint()
    {
        var previous = TinyLlama.Create(53, tied: true);
        previous.Save(_temp.Path);
        var before = Snapshot(_temp.Path);

        var options = new SaveOptions { Dtype = SafeTensorsDtype.BFloat16, StreamInterceptor = FailWhileWriting("config.json", 10) };
        Assert.Throws<IOException>(() => TinyLlama.Create(54).Save(_temp.Path, options));

        AssertUnchanged(_temp.Path, before, Logits(previous));
    }

    [Test]
    public void A_read_only_file_to_replace_is_refused_before_anything_is_replaced()
    {
        var previous = TinyLlama.Create(55);
        previous.Save(_temp.Path);
        File.SetAttributes(_temp.File("config.json"), FileAttributes.ReadOnly);
        var before = Snapshot(_temp.Path);

        var ex = Assert.Throws<UnauthorizedAccessException>(() => TinyLlama.Create(56).Save(_temp.Path))!;

        Assert.That(ex.Message, Does.Contain("config.json").And.Contain("read-only"));
        AssertUnchanged(_temp.Path, before, Logits(previous));
    }

    [Test]
    public void A_folder_in_the_way_of_a_file_is_refused_before_anything_is_replaced()
    {
        var previous = TinyLlama.Create(57);
        previous.Save(_temp.Path, new SaveOptions { MaxShardBytes = 2000 });
        Directory.CreateDirectory(_temp.File("model-00002-of-00006.safetensors"));
        var before = Snapshot(_temp.Path);

        var ex = Assert.Throws<IOException>(() => TinyLlama.Create(58).Save(_temp.Path, new SaveOptions { MaxShardBytes = 1000 }))!;

        Assert.That(ex.Message, Does.Contain("model-00002-of-00006.safetensors").And.Contain("folder"));
        AssertUnchanged(_temp.Path, before, Logits(previous));
    }

    [Test]
    public void The_staging_folder_of_a_killed_save_is_ignored_by_load_and_removed_by_the_next_save()
    {
        var previous = TinyLlama.Create(59);
        previous.Save(_temp.Path);
        // what a process killed while staging leaves behind: a hidden folder with a truncated file
        string leftover = _temp.File(".checkpoint-staging-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "model.safetensors"), File.ReadAllBytes(_temp.File("model.safetensors"))[..100]);

        Compare.Identical(Logits(LlamaModel.Load(_temp.Path)), Logits(previous), "load ignores the leftover");

        var next = TinyLlama.Create(60);
        next.Save(_temp.Path);
        Assert.That(Directory.Exists(leftover), Is.False);
        Assert.That(Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "config.json", "model.safetensors" }));
        Compare.Identical(Logits(LlamaModel.Load(_temp.Path)), Logits(next), "the new checkpoint");
    }

    [Test]
    public void A_failed_first_save_into_a_fresh_folder_leaves_nothing_behind()
    {
        string folder = _temp.File("fresh");
        var options = new SaveOptions { StreamInterceptor = FailWhileWriting("model.safetensors", 1000) };
        Assert.Throws<IOException>(() => TinyLlama.Create(61).Save(folder, options));
        Assert.That(Directory.Exists(folder), Is.False, "the folder the save created is removed again");
    }
}
