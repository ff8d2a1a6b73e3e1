using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// The regression corpus of checkpoint files (<c>Corpus/&lt;file&gt;/</c>): issue 16's crafted config.json values and
/// what the fuzzers found, each put into an otherwise valid tiny checkpoint and loaded with <see cref="LlamaModel.Load"/>:
/// the outcome its file name records, in under a second, allocating at most <see cref="MaxAllocatedBytes"/>.
/// </summary>
public class CheckpointRegressionTests
{
    /// <summary>A tiny checkpoint loads in about 50 KB of allocations; nothing in the corpus may cost much more.</summary>
    private const long MaxAllocatedBytes = 400_000;

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        TinyLlama.Create(51).Save(_temp.Path, new SaveOptions { MaxShardBytes = 2000 }); // three shards and an index
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    public static IEnumerable<TestCaseData> ConfigFiles() => RegressionCorpus.Cases(LlamaConfigJson.FileName);

    public static IEnumerable<TestCaseData> IndexFiles() => RegressionCorpus.Cases("model.safetensors.index.json");

    [TestCaseSource(nameof(ConfigFiles))]
    public void A_corpus_config_json_has_its_recorded_outcome(string file) => Check(file, LlamaConfigJson.FileName);

    [TestCaseSource(nameof(IndexFiles))]
    public void A_corpus_shard_index_has_its_recorded_outcome(string file) => Check(file, "model.safetensors.index.json");

    private void Check(string file, string replaces)
    {
        File.Copy(file, Path.Combine(_temp.Path, replaces), overwrite: true);
        RegressionCorpus.Check(file, () => LlamaModel.Load(_temp.Path), MaxAllocatedBytes);
    }
}
