using Reversal.Training.Models;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>
/// Base of every layer: a tree of named sub-modules and parameters, as in PyTorch. Parameter names are the dotted
/// paths through the tree (e.g. <c>model.layers.0.self_attn.q_proj.weight</c>), which are also the state-dict keys.
/// </summary>
/// <remarks>Modules compose; they do not inherit behaviour from each other beyond this registry.</remarks>
public abstract class Module
{
    private readonly List<KeyValuePair<string, Module>> _modules = [];
    private readonly List<KeyValuePair<string, Parameter>> _parameters = [];

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        _modules.Add(new(name, module));
        return module;
    }

    /// <summary>Registers a parameter under <paramref name="name"/> and returns it.</summary>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameter);
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>All parameters with their dotted names, depth-first in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Parameter>> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return new(prefix + name, p);
        foreach (var (name, m) in _modules)
            foreach (var child in m.NamedParameters(prefix + name + "."))
                yield return child;
    }

    /// <summary>All parameters, in <see cref="NamedParameters"/> order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Total number of scalars, frozen or not.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Count);

    /// <summary>Number of scalars of the parameters that are <see cref="Parameter.Trainable"/>.</summary>
    public long TrainableParameterCount => Parameters().Where(p => p.Trainable).Sum(p => (long)p.Count);

    /// <summary>Sets <see cref="Parameter.Trainable"/> on every parameter of this module and its children (PyTorch's
    /// <c>requires_grad_</c>); returns this module.</summary>
    public Module SetTrainable(bool trainable)
    {
        foreach (var p in Parameters()) p.Trainable = trainable;
        return this;
    }

    /// <summary>Zeroes every parameter's accumulated gradient (in parallel blocks, <see cref="Parameter.ZeroGrads"/>).</summary>
    public void ZeroGrad() => Parameter.ZeroGrads(Parameters().ToList());

    /// <summary>The parameters by name (the live tensors, not copies), like PyTorch's <c>state_dict()</c>.</summary>
    public virtual IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in NamedParameters()) dict[name] = p;
        return dict;
    }

    /// <summary>
    /// Copies tensors into the parameters by name. Strict: every parameter must be present with its exact shape, and
    /// no unknown name may appear. Nothing is modified unless the whole dictionary is valid.
    /// </summary>
    /// <exception cref="StateDictMismatchException">A tensor is missing, unexpected, mis-shaped or holds NaN or infinity; the message names every one.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var expected = StateDict();
        var problems = new List<string>();
        foreach (var (name, target) in expected)
        {
            if (!state.TryGetValue(name, out var source)) problems.Add($"missing tensor '{name}' (expected shape {Tensor.FormatShape(target.Shape)})");
            else if (!source.SameShape(target)) problems.Add($"tensor '{name}' has shape {Tensor.FormatShape(source.Shape)}, expected {Tensor.FormatShape(target.Shape)}");
            else if (FirstNonFinite(source) is (int index, float value)) problems.Add($"tensor '{name}' holds {value} at element {index}");
        }
        foreach (var name in state.Keys)
            if (!expected.ContainsKey(name)) problems.Add($"unexpected tensor '{name}'");
        if (problems.Count > 0)
            throw new StateDictMismatchException($"State dict does not match {GetType().Name}: {string.Join("; ", problems)}.", problems);
        foreach (var (name, target) in expected) target.CopyFrom(state[name]);
    }

    private static (int Index, float Value)? FirstNonFinite(Tensor tensor)
    {
        var values = tensor.Contiguous().AsSpan();
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return (i, values[i]);
        return null;
    }
}
