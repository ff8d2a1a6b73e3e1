namespace Reversal.Training.Engine.Operations;

/// <summary>
/// The differentiable operations of the engine, in the spirit of <c>torch.nn.functional</c>. Each file of this
/// folder holds one operation: its forward kernel, its backward rule and its shape contract.
/// </summary>
/// <remarks>
/// All operations take and return float32 tensors; inputs that are non-contiguous views are made contiguous first.
/// When any input requires grad and <see cref="Autograd.GradMode.IsEnabled"/>, the result records a backward function.
/// </remarks>
public static partial class Functional
{
}
