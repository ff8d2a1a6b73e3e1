using Reversal.Samples.ReversalCurse;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Demo.Comparison;

/// <summary>The outcome of training and evaluating one objective with one seed, as saved in <c>runs/&lt;objective&gt;.json</c>.</summary>
internal sealed record RunRecord
{
    public required string Objective { get; init; }
    public required int Seed { get; init; }
    public required RunSettings Settings { get; init; }
    public required double FinalLoss { get; init; }
    public required double TrainSeconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public required IReadOnlyList<SplitRecord> Splits { get; init; }

    /// <summary>The evaluator's result for this run, rebuilt from the record.</summary>
    public ReversalCurseResult ToResult() => SplitRecord.ToResult(Splits);

    /// <summary>The saved run of <paramref name="objective"/> in <paramref name="folder"/> (<see cref="RunStore"/>), or null when there is none.</summary>
    /// <exception cref="InvalidOperationException">A saved run exists but was made with other settings or another seed
    /// (reusing it would mix incomparable numbers), or the file is not a run record.</exception>
    public static RunRecord? TryLoad(string folder, string objective, int seed, RunSettings settings) =>
        RunStore.TryLoad<RunRecord>(folder, objective, record =>
            record.Objective != objective || record.Seed != seed ? $"holds another run than '{objective}' with seed {seed}; delete it or use another --out."
            : record.Settings != settings ? $"was made with other settings ({record.Settings}) than this run ({settings}); use another --out."
            : null);
}
