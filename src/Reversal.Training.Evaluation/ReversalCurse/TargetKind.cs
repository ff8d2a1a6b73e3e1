namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>What a test split's completions are, which decides which BICO metric applies (name substring or BLEU) and,
/// in the lenient starts-with variant, how much of them is required.</summary>
public enum TargetKind
{
    /// <summary>A person's name: scored by starts-with and by BICO's name substring.</summary>
    Name,

    /// <summary>A description: scored by starts-with (the whole description, or its first
    /// <see cref="ReversalCurseEvaluatorOptions.DescriptionWords"/> words when set) and by BICO's BLEU.</summary>
    Description,
}
