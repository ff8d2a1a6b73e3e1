namespace Reversal.Training.Data.Lema;

/// <summary>Counts of one <see cref="LemaPipeline.RunAsync"/> run.</summary>
/// <param name="Problems">Problems processed (one reference CoT row each).</param>
/// <param name="SampledPaths">Reasoning paths the reasoner returned, over all problems.</param>
/// <param name="DuplicatePaths">Paths identical to an earlier path of the same problem (skipped, not dropped).</param>
/// <param name="RightPaths">Distinct well-formed paths with the right final answer (the CoT augmentation rows).</param>
/// <param name="WrongPaths">Distinct well-formed paths with a wrong final answer: the mistakes, each sent to the corrector.</param>
/// <param name="CorrectionsKept">Corrections that parsed, name a step of the path and reach the right answer.</param>
/// <param name="ReasonerDrops">Reasoner replies dropped, by reason.</param>
/// <param name="CorrectorDrops">Corrector replies dropped, by reason.</param>
public sealed record LemaStatistics(
    int Problems,
    int SampledPaths,
    int DuplicatePaths,
    int RightPaths,
    int WrongPaths,
    int CorrectionsKept,
    IReadOnlyDictionary<DropReason, int> ReasonerDrops,
    IReadOnlyDictionary<DropReason, int> CorrectorDrops)
{
    /// <summary>The share of mistakes whose correction was kept after verification (0 when there were none).</summary>
    public double KeptShare => WrongPaths == 0 ? 0 : (double)CorrectionsKept / WrongPaths;

    /// <summary>Reasoner replies dropped, over all reasons.</summary>
    public int ReasonerDropped => ReasonerDrops.Values.Sum();

    /// <summary>Corrector replies dropped, over all reasons.</summary>
    public int CorrectorDropped => CorrectorDrops.Values.Sum();
}
