namespace Reversal.Training;

/// <summary>Thrown when a step's loss or gradients are NaN or infinite. The weights are left as they were before the step.</summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(long step, double loss, string detail, Exception? inner = null)
        : base($"Training diverged at step {step}: {detail} (loss {loss}). The optimizer step was not applied; lower the learning rate or clip gradients.", inner)
    {
        Step = step; Loss = loss;
    }

    /// <summary>The 1-based step that failed.</summary>
    public long Step { get; }

    /// <summary>Its loss.</summary>
    public double Loss { get; }
}
