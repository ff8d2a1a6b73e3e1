namespace Reversal.Training.Models;

/// <summary>One named parameter of a model: its state-dict name, shape and whether training updates it.</summary>
/// <param name="Name">The state-dict name (Hugging Face's, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>).</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Trainable">False for a frozen parameter: it gets no gradient buffer and no optimizer state.</param>
public sealed record ParameterInfo(string Name, IReadOnlyList<int> Shape, bool Trainable)
{
    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>Number of scalars.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, d) => product * d);
}
