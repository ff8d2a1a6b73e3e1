using System.Text;
using System.Text.Json;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.IO;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The LEMA fine-tuning data built by <see cref="LemaPipeline"/>: reference CoT rows, CoT augmentation rows (sampled
/// paths with the right answer), correction rows (the wrong solution only ever in the prompt), the dropped replies,
/// the run's counts, and the problems that yielded corrections.
/// </summary>
public sealed class LemaDataset
{
    /// <summary>Name of the reference CoT file.</summary>
    public const string CotFileName = "cot.jsonl";

    /// <summary>Name of the CoT augmentation file (right-answer sampled paths).</summary>
    public const string AugmentedCotFileName = "cot_augmented.jsonl";

    /// <summary>Name of the corrections file.</summary>
    public const string CorrectionsFileName = "corrections.jsonl";

    /// <summary>Name of the dropped-replies file: one JSON object a line with <c>problem</c>, <c>role</c>,
    /// <c>reason</c>, <c>detail</c> and <c>excerpt</c>.</summary>
    public const string DroppedFileName = "dropped.jsonl";

    /// <summary>Name of the statistics file.</summary>
    public const string StatisticsFileName = "statistics.json";

    /// <summary>Creates the data set.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public LemaDataset(
        IReadOnlyList<PromptCompletion> cotRows,
        IReadOnlyList<PromptCompletion> augmentedCotRows,
        IReadOnlyList<PromptCompletion> correctionRows,
        IReadOnlyList<DroppedReply> dropped,
        LemaStatistics statistics,
        IReadOnlyList<int> problemsWithCorrections)
    {
        CotRows = cotRows ?? throw new ArgumentNullException(nameof(cotRows));
        AugmentedCotRows = augmentedCotRows ?? throw new ArgumentNullException(nameof(augmentedCotRows));
        CorrectionRows = correctionRows ?? throw new ArgumentNullException(nameof(correctionRows));
        Dropped = dropped ?? throw new ArgumentNullException(nameof(dropped));
        Statistics = statistics ?? throw new ArgumentNullException(nameof(statistics));
        ProblemsWithCorrections = problemsWithCorrections ?? throw new ArgumentNullException(nameof(problemsWithCorrections));
    }

    /// <summary>Reference CoT rows: <see cref="LemaPrompts.CotInput"/> → the problem's reference rationale, one per problem.</summary>
    public IReadOnlyList<PromptCompletion> CotRows { get; }

    /// <summary>CoT augmentation rows: <see cref="LemaPrompts.CotInput"/> → a distinct sampled path whose final answer
    /// is right (the paper's CoT augmentation); wrong-answer paths never appear here.</summary>
    public IReadOnlyList<PromptCompletion> AugmentedCotRows { get; }

    /// <summary>Correction rows: <see cref="LemaPrompts.CorrectionInput"/> (holding the wrong solution) →
    /// <see cref="LemaPrompts.CorrectionOutput"/>.</summary>
    public IReadOnlyList<PromptCompletion> CorrectionRows { get; }

    /// <summary>Replies dropped, in the order they were met.</summary>
    public IReadOnlyList<DroppedReply> Dropped { get; }

    /// <summary>The run's counts.</summary>
    public LemaStatistics Statistics { get; }

    /// <summary>0-based indices of the problems with at least one kept correction, ascending: the seeds of
    /// correction-centric evolution (<see cref="QuestionEvolution.CorrectionCentricSeeds"/>).</summary>
    public IReadOnlyList<int> ProblemsWithCorrections { get; }

    /// <summary>
    /// Writes <see cref="CotFileName"/>, <see cref="AugmentedCotFileName"/>, <see cref="CorrectionsFileName"/>,
    /// <see cref="DroppedFileName"/> and <see cref="StatisticsFileName"/>, each atomically. The folder is created if
    /// missing. (<see cref="LemaPipeline.RunAsync"/> with an output folder writes the same files as it goes.)
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or invalid.</exception>
    /// <exception cref="IOException">A write failed.</exception>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        PromptCompletionJsonl.Write(Path.Combine(directory, CotFileName), CotRows);
        PromptCompletionJsonl.Write(Path.Combine(directory, AugmentedCotFileName), AugmentedCotRows);
        PromptCompletionJsonl.Write(Path.Combine(directory, CorrectionsFileName), CorrectionRows);
        AtomicFile.WriteAllText(Path.Combine(directory, DroppedFileName), string.Concat(Dropped.Select(d => DroppedLine(d) + "\n")));
        AtomicFile.WriteAllText(Path.Combine(directory, StatisticsFileName), StatisticsJson(Statistics, ProblemsWithCorrections, cancelled: false));
    }

    /// <summary>One dropped reply as its JSONL line (no line end).</summary>
    internal static string DroppedLine(DroppedReply dropped)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("problem", dropped.ProblemIndex);
            writer.WriteString("role", dropped.Role.ToString());
            writer.WriteString("reason", dropped.Reason.ToString());
            writer.WriteString("detail", dropped.Detail);
            writer.WriteString("excerpt", dropped.Excerpt);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The statistics as an indented JSON object with camelCase fields.</summary>
    internal static string StatisticsJson(LemaStatistics statistics, IReadOnlyList<int> problemsWithCorrections, bool cancelled)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("cancelled", cancelled);
            writer.WriteNumber("problems", statistics.Problems);
            writer.WriteNumber("sampledPaths", statistics.SampledPaths);
            writer.WriteNumber("duplicatePaths", statistics.DuplicatePaths);
            writer.WriteNumber("rightPaths", statistics.RightPaths);
            writer.WriteNumber("wrongPaths", statistics.WrongPaths);
            writer.WriteNumber("correctionsKept", statistics.CorrectionsKept);
            writer.WriteNumber("keptShare", statistics.KeptShare);
            WriteCounts(writer, "reasonerDrops", statistics.ReasonerDrops);
            WriteCounts(writer, "correctorDrops", statistics.CorrectorDrops);
            writer.WriteStartArray("problemsWithCorrections");
            foreach (int index in problemsWithCorrections) writer.WriteNumberValue(index);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, IReadOnlyDictionary<DropReason, int> counts)
    {
        writer.WriteStartObject(name);
        foreach (DropReason reason in Enum.GetValues<DropReason>())
            writer.WriteNumber(reason.ToString(), counts.TryGetValue(reason, out int n) ? n : 0);
        writer.WriteEndObject();
    }
}
