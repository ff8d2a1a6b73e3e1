using Reversal.Training.Data.Jsonl;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Data.Tests.Jsonl;

/// <summary>
/// The regression corpus of JSONL files (<c>Corpus/jsonl/</c>): issue 16's invalid UTF-8 and lone surrogates, repeated
/// keys, a byte-order mark past the start and deep nesting, each read with the outcome its file name records, in under
/// a second and within a little more than the reader's 64 KiB line buffer.
/// </summary>
public class JsonlRegressionTests
{
    public static IEnumerable<TestCaseData> Files() => RegressionCorpus.Cases("jsonl");

    [TestCaseSource(nameof(Files))]
    public void A_corpus_file_has_its_recorded_outcome(string file) =>
        RegressionCorpus.Check(file, () => PromptCompletionJsonl.Read(file), maxAllocatedBytes: 128 * 1024);
}
