namespace Reversal.Training.Data.Lema;

/// <summary>Counts of one <see cref="LemaPipeline.Build"/> run.</summary>
/// <param name="Problems">Problems processed (one CoT row each).</param>
/// <param name="SampledPaths">Reasoning paths returned by the reasoner, over all problems.</param>
/// <param name="WrongPaths">Sampled paths whose final answer was wrong or missing (each was sent to the corrector).</param>
/// <param name="CorrectionsKept">Corrections that parsed and whose corrected final answer is right.</param>
/// <param name="CorrectionsDroppedUnparsable">Corrector outputs that <see cref="CorrectionParser"/> rejected.</param>
/// <param name="CorrectionsDroppedStillWrong">Parsed corrections whose corrected final answer is still wrong or missing.</param>
public sealed record LemaStatistics(
    int Problems,
    int SampledPaths,
    int WrongPaths,
    int CorrectionsKept,
    int CorrectionsDroppedUnparsable,
    int CorrectionsDroppedStillWrong)
{
    /// <summary>Sampled paths whose final answer was right (skipped).</summary>
    public int RightPaths => SampledPaths - WrongPaths;
}
