namespace Reversal.Training.Models;

/// <summary>Numerically stable log-softmax of single entries of a logit row.</summary>
public static class LogSoftmax
{
    /// <summary>
    /// <c>log softmax(row)[index]</c> computed as <c>row[index] − max − log Σ exp(row − max)</c>, accumulated in double.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the row.</exception>
    public static double At(ReadOnlySpan<float> row, int index)
    {
        if ((uint)index >= (uint)row.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"The row has {row.Length} entries.");
        float max = float.NegativeInfinity;
        foreach (float value in row)
            if (value > max) max = value;
        double sum = 0;
        foreach (float value in row)
            sum += Math.Exp((double)value - max);
        return (double)row[index] - max - Math.Log(sum);
    }
}
