namespace Reversal.Training.Evaluation.Reasoning;

/// <summary>pass@1 of one model on a set of reasoning problems (GSM8K, MATH or the built-in task).</summary>
/// <param name="Predictions">Every problem's scored answer, in problem order.</param>
public sealed record ReasoningEvaluation(IReadOnlyList<ReasoningPrediction> Predictions)
{
    /// <summary>Problems evaluated.</summary>
    public int Total => Predictions.Count;

    /// <summary>Problems answered right.</summary>
    public int Correct => Predictions.Count(p => p.Correct);

    /// <summary>Outputs without an extractable answer.</summary>
    public int WithoutAnswer => Predictions.Count(p => p.Predicted is null);

    /// <summary>pass@1: <see cref="Correct"/> / <see cref="Total"/> (0 for no problems).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}
