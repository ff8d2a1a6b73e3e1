using System.Text;
using System.Text.Json;
using Reversal.Training.IO;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The LEMA fine-tuning data built by <see cref="LemaPipeline"/>: CoT rows, correction rows (the wrong solution only
/// ever in the prompt), the run's counts, and the problems that yielded corrections.
/// </summary>
public sealed class LemaDataset
{
    /// <summary>Name of the CoT file written by <see cref="WriteTo"/>.</summary>
    public const string CotFileName = "cot.jsonl";

    /// <summary>Name of the corrections file written by <see cref="WriteTo"/>.</summary>
    public const string CorrectionsFileName = "corrections.jsonl";

    /// <summary>Name of the statistics file written by <see cref="WriteTo"/>.</summary>
    public const string StatisticsFileName = "statistics.json";

    /// <summary>Creates the data set.</summary>
    /// <param name="cotRows">CoT rows.</param>
    /// <param name="correctionRows">Correction rows.</param>
    /// <param name="statistics">The run's counts.</param>
    /// <param name="problemsWithCorrections">0-based indices of the problems with at least one kept correction, ascending.</param>
    public LemaDataset(
        IReadOnlyList<PromptCompletion> cotRows,
        IReadOnlyList<PromptCompletion> correctionRows,
        LemaStatistics statistics,
        IReadOnlyList<int> problemsWithCorrections)
    {
        CotRows = cotRows ?? throw new ArgumentNullException(nameof(cotRows));
        CorrectionRows = correctionRows ?? throw new ArgumentNullException(nameof(correctionRows));
        Statistics = statistics ?? throw new ArgumentNullException(nameof(statistics));
        ProblemsWithCorrections = problemsWithCorrections ?? throw new ArgumentNullException(nameof(problemsWithCorrections));
    }

    /// <summary>CoT rows: <see cref="LemaPrompts.CotInput"/> → reference rationale, one per problem, in problem order.</summary>
    public IReadOnlyList<PromptCompletion> CotRows { get; }

    /// <summary>Correction rows: <see cref="LemaPrompts.CorrectionInput"/> (holding the wrong solution) →
    /// <see cref="LemaPrompts.CorrectionOutput"/>.</summary>
    public IReadOnlyList<PromptCompletion> CorrectionRows { get; }

    /// <summary>The run's counts.</summary>
    public LemaStatistics Statistics { get; }

    /// <summary>0-based indices (into the problems given to <see cref="LemaPipeline.Build"/>) of the problems with at
    /// least one kept correction, ascending: the seeds for correction-centric evolution.</summary>
    public IReadOnlyList<int> ProblemsWithCorrections { get; }

    /// <summary>
    /// Writes <see cref="CotFileName"/> and <see cref="CorrectionsFileName"/> (prompt/completion JSONL via
    /// <see cref="PromptCompletionJsonl.Write"/>) and <see cref="StatisticsFileName"/> (an indented JSON object with
    /// camelCase count fields and <c>problemsWithCorrections</c>), each atomically. The folder is created if missing.
    /// </summary>
    /// <param name="directory">The output folder.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or invalid.</exception>
    /// <exception cref="IOException">A write failed.</exception>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        PromptCompletionJsonl.Write(Path.Combine(directory, CotFileName), CotRows);
        PromptCompletionJsonl.Write(Path.Combine(directory, CorrectionsFileName), CorrectionRows);
        AtomicFile.WriteAllText(Path.Combine(directory, StatisticsFileName), StatisticsJson());
    }

    private string StatisticsJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("problems", Statistics.Problems);
            writer.WriteNumber("sampledPaths", Statistics.SampledPaths);
            writer.WriteNumber("rightPaths", Statistics.RightPaths);
            writer.WriteNumber("wrongPaths", Statistics.WrongPaths);
            writer.WriteNumber("correctionsKept", Statistics.CorrectionsKept);
            writer.WriteNumber("correctionsDroppedUnparsable", Statistics.CorrectionsDroppedUnparsable);
            writer.WriteNumber("correctionsDroppedStillWrong", Statistics.CorrectionsDroppedStillWrong);
            writer.WriteNumber("cotRows", CotRows.Count);
            writer.WriteNumber("correctionRows", CorrectionRows.Count);
            writer.WriteStartArray("problemsWithCorrections");
            foreach (int index in ProblemsWithCorrections) writer.WriteNumberValue(index);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
