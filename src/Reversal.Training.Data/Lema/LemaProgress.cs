namespace Reversal.Training.Data.Lema;

/// <summary>Progress of <see cref="LemaPipeline.RunAsync"/>, reported after every reasoner call.</summary>
/// <param name="ProblemsDone">Problems processed so far.</param>
/// <param name="Problems">All problems.</param>
/// <param name="WrongPaths">Wrong paths sent to the corrector so far.</param>
/// <param name="CorrectionsKept">Corrections kept so far.</param>
public sealed record LemaProgress(int ProblemsDone, int Problems, int WrongPaths, int CorrectionsKept);
