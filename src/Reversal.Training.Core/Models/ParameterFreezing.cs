namespace Reversal.Training.Models;

/// <summary>
/// Freezing by name on any engine: a frozen parameter (<see cref="ParameterInfo.Trainable"/> false) gets no gradient
/// buffer and no optimizer state in the training sessions opened afterwards. Patterns are
/// <see cref="ParameterNamePattern"/>s; each must match at least one parameter.
/// </summary>
/// <remarks>Trainability is read when a training session opens (<c>Trainer.For(model)...Build()</c>); change it before
/// building the trainer.</remarks>
public static class ParameterFreezing
{
    /// <summary>Freezes the parameters matching any of <paramref name="patterns"/>; the others keep their state.</summary>
    /// <exception cref="ArgumentException">A pattern is invalid or matches no parameter.</exception>
    public static void Freeze(this ITrainableLanguageModel model, params string[] patterns)
    {
        var selected = Select(model, patterns);
        model.SetTrainable(p => p.Trainable && !selected.Contains(p.Name));
    }

    /// <summary>Makes the parameters matching any of <paramref name="patterns"/> trainable; the others keep their state.</summary>
    /// <exception cref="ArgumentException">A pattern is invalid or matches no parameter.</exception>
    public static void Unfreeze(this ITrainableLanguageModel model, params string[] patterns)
    {
        var selected = Select(model, patterns);
        model.SetTrainable(p => p.Trainable || selected.Contains(p.Name));
    }

    /// <summary>Makes exactly the parameters matching any of <paramref name="patterns"/> trainable and freezes the rest.</summary>
    /// <exception cref="ArgumentException">A pattern is invalid or matches no parameter.</exception>
    public static void TrainOnly(this ITrainableLanguageModel model, params string[] patterns)
    {
        var selected = Select(model, patterns);
        model.SetTrainable(p => selected.Contains(p.Name));
    }

    /// <summary>Number of scalars training updates (the trainable parameters').</summary>
    public static long TrainableParameterCount(this ITrainableLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Parameters.Where(p => p.Trainable).Sum(p => p.ElementCount);
    }

    /// <summary>Number of scalars of every parameter, frozen or not.</summary>
    public static long TotalParameterCount(this ITrainableLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Parameters.Sum(p => p.ElementCount);
    }

    private static HashSet<string> Select(ITrainableLanguageModel model, string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ParameterNamePattern.Select(model.Parameters.Select(p => p.Name), patterns);
    }
}
