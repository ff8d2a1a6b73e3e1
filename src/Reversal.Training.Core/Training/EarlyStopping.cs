namespace Reversal.Training;

/// <summary>Tracks the best value of an <see cref="EvaluationPolicy"/> and says when patience has run out.</summary>
internal sealed class EarlyStopping(EvaluationPolicy policy)
{
    private int _sinceBest;

    public EvaluationPolicy Policy { get; } = policy;

    public double Best { get; private set; } = double.NaN;

    public long BestStep { get; private set; }

    /// <summary>Records a value; true when training should stop (patience evaluations in a row without improvement).</summary>
    /// <exception cref="InvalidOperationException">The metric returned NaN.</exception>
    public bool Observe(long step, double value)
    {
        if (double.IsNaN(value)) throw new InvalidOperationException($"The evaluation metric '{Policy.Name}' returned NaN at step {step}.");
        bool improved = double.IsNaN(Best) || (Policy.HigherIsBetter ? value > Best : value < Best);
        if (improved)
        {
            (Best, BestStep, _sinceBest) = (value, step, 0);
            return false;
        }
        _sinceBest++;
        return Policy.Patience is int patience && _sinceBest >= patience;
    }
}
