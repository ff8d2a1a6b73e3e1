namespace Reversal.Evaluation.Scoring;

/// <summary>Numerically stable log-softmax of single entries of a logit row.</summary>
internal static class LogSoftmax
{
    /// <summary>
    /// <c>log softmax(row)[index]</c> computed as <c>row[index] − max − log Σ exp(row − max)</c>, accumulated in double.
    /// </summary>
    public static double At(ReadOnlySpan<float> row, int index)
    {
        float max = float.NegativeInfinity;
        foreach (float value in row)
            if (value > max) max = value;
        double sum = 0;
        foreach (float value in row)
            sum += Math.Exp((double)value - max);
        return (double)row[index] - max - Math.Log(sum);
    }
}
