using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Autograd;

/// <summary>
/// One recorded operation on the tape: the inputs it read and the function that turns the gradient of its output
/// into gradient contributions for those inputs.
/// </summary>
internal sealed class GradNode
{
    public GradNode(string operation, Tensor[] inputs, Action<Tensor> backward)
    {
        Operation = operation;
        Inputs = inputs;
        Backward = backward;
    }

    /// <summary>Operation name, for diagnostics.</summary>
    public string Operation { get; }

    /// <summary>The tensors the operation read (only those with RequiresGrad receive gradients).</summary>
    public Tensor[] Inputs { get; }

    /// <summary>Receives d(loss)/d(output) (contiguous, output's shape) and accumulates into the inputs' gradients.</summary>
    public Action<Tensor> Backward { get; }
}
