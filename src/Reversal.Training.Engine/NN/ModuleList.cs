using System.Globalization;

namespace Reversal.Training.Engine.NN;

/// <summary>An ordered container of modules named <c>0</c>, <c>1</c>, ... (PyTorch's <c>nn.ModuleList</c>).</summary>
public sealed class ModuleList : Module
{
    private int _count;

    /// <summary>Appends <paramref name="module"/> under the next index and returns it.</summary>
    public TModule Add<TModule>(TModule module) where TModule : Module =>
        RegisterModule((_count++).ToString(CultureInfo.InvariantCulture), module);

    /// <summary>Number of modules.</summary>
    public int Count => _count;
}
