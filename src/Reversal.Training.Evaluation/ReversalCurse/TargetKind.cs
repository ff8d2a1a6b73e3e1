namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>What a test split's completions are, which decides how much of them greedy scoring requires.</summary>
public enum TargetKind
{
    /// <summary>A person's name: greedy scoring requires the whole completion.</summary>
    Name,

    /// <summary>A description: greedy scoring requires only its first
    /// <see cref="ReversalCurseEvaluatorOptions.DescriptionWords"/> words.</summary>
    Description,
}
