namespace Reversal.Lema;

/// <summary>A condition's data size and its test accuracy for each fine-tuning seed.</summary>
internal sealed record ConditionResult(string Key, string Name, int Rows, long Tokens, long TargetTokens, IReadOnlyList<double> Accuracies)
{
    public double Mean => Accuracies.Average();

    /// <summary>Sample standard deviation over seeds (0 for one seed).</summary>
    public double StandardDeviation
    {
        get
        {
            if (Accuracies.Count < 2) return 0;
            double mean = Mean;
            return Math.Sqrt(Accuracies.Sum(a => (a - mean) * (a - mean)) / (Accuracies.Count - 1));
        }
    }
}
