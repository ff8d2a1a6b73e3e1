using Reversal.Training.Engine.NN;

namespace Reversal.Training.Engine.Optim;

/// <summary>Base of the optimisers: a fixed list of parameters and a learning rate that schedules may change.</summary>
public abstract class Optimizer
{
    private double _learningRate;

    /// <summary>Creates the optimiser over <paramref name="parameters"/>.</summary>
    /// <remarks>Pass the trainable parameters only (<c>module.Parameters().Where(p =&gt; p.Trainable)</c>): state is kept for
    /// every parameter given, so a frozen one is refused rather than given moments it would never use.</remarks>
    /// <exception cref="ArgumentException">The list is empty or holds a frozen parameter.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative, NaN or infinite.</exception>
    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("An optimizer needs at least one parameter.", nameof(parameters));
        for (int i = 0; i < Parameters.Count; i++)
            if (!Parameters[i].Trainable)
                throw new ArgumentException($"Parameter {i} (shape {Tensors.Tensor.FormatShape(Parameters[i].Shape)}) is frozen; pass only trainable parameters to an optimizer.", nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>The parameters updated by <see cref="Step"/>.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Learning rate must be a finite, non-negative number.");
            _learningRate = value;
        }
    }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update from the accumulated gradients (parameters without a gradient are skipped).</summary>
    public abstract void Step();

    /// <summary>
    /// The optimiser's state buffers for a checkpoint, keyed <c>&lt;buffer&gt;/&lt;parameter name&gt;</c>, each shaped like its
    /// parameter. <paramref name="parameterNames"/> names <see cref="Parameters"/> in order.
    /// </summary>
    /// <exception cref="NotSupportedException">This optimiser does not support checkpoints.</exception>
    public virtual IReadOnlyDictionary<string, float[]> ExportState(IReadOnlyList<string> parameterNames) =>
        throw new NotSupportedException($"{GetType().Name} does not expose its state, so it cannot be checkpointed.");

    /// <summary>Restores what <see cref="ExportState"/> produced, plus the step count.</summary>
    /// <exception cref="NotSupportedException">This optimiser does not support checkpoints.</exception>
    /// <exception cref="ArgumentException">A buffer is missing or has the wrong length; the message names it.</exception>
    public virtual void ImportState(IReadOnlyList<string> parameterNames, IReadOnlyDictionary<string, float[]> state, long stepCount) =>
        throw new NotSupportedException($"{GetType().Name} does not expose its state, so it cannot be restored from a checkpoint.");

    /// <summary>Zeroes every parameter's gradient (in parallel blocks, <see cref="Parameter.ZeroGrads"/>).</summary>
    public void ZeroGrad() => Parameter.ZeroGrads(Parameters);
}
