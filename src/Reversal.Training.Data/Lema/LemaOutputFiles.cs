using System.Text;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.IO;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The files <see cref="LemaPipeline.RunAsync"/> writes as it goes: one JSONL line per row, each written whole and
/// flushed, so that a cancelled (or failed) run leaves every file valid up to its last complete row.
/// </summary>
internal sealed class LemaOutputFiles : IDisposable
{
    private readonly string _directory;
    private readonly StreamWriter _cot, _augmented, _corrections, _dropped;

    public LemaOutputFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        _directory = directory;
        _cot = Open(LemaDataset.CotFileName);
        _augmented = Open(LemaDataset.AugmentedCotFileName);
        _corrections = Open(LemaDataset.CorrectionsFileName);
        _dropped = Open(LemaDataset.DroppedFileName);
    }

    public void Cot(PromptCompletion row) => WriteLine(_cot, PromptCompletionJsonl.FormatLine(row));

    public void Augmented(PromptCompletion row) => WriteLine(_augmented, PromptCompletionJsonl.FormatLine(row));

    public void Correction(PromptCompletion row) => WriteLine(_corrections, PromptCompletionJsonl.FormatLine(row));

    public void Dropped(DroppedReply dropped) => WriteLine(_dropped, LemaDataset.DroppedLine(dropped));

    public void Statistics(LemaStatistics statistics, IReadOnlyList<int> problemsWithCorrections, bool cancelled)
        => AtomicFile.WriteAllText(Path.Combine(_directory, LemaDataset.StatisticsFileName),
            LemaDataset.StatisticsJson(statistics, problemsWithCorrections, cancelled));

    public void Dispose()
    {
        _cot.Dispose();
        _augmented.Dispose();
        _corrections.Dispose();
        _dropped.Dispose();
    }

    private StreamWriter Open(string name)
        => new(new FileStream(Path.Combine(_directory, name), FileMode.Create, FileAccess.Write, FileShare.Read),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };

    private static void WriteLine(StreamWriter writer, string line)
    {
        writer.Write(line + "\n");
        writer.Flush();
    }
}
