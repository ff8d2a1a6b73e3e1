using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Core.Tests.Serialization;

/// <summary>
/// The regression corpus of SafeTensors files (<c>Corpus/safetensors/</c>): issue 16's invalid UTF-8 and lone
/// surrogates in header strings, and sizes that overflow or point outside the file, each opened and read with the
/// outcome its file name records, in under a second and within a few kilobytes of allocation.
/// </summary>
public class SafeTensorsRegressionTests
{
    public static IEnumerable<TestCaseData> Files() => RegressionCorpus.Cases("safetensors");

    [TestCaseSource(nameof(Files))]
    public void A_corpus_file_has_its_recorded_outcome(string file) =>
        RegressionCorpus.Check(file, () =>
        {
            using var opened = SafeTensorsFile.Open(file);
            opened.ReadAll();
        }, maxAllocatedBytes: 64 * 1024);
}
