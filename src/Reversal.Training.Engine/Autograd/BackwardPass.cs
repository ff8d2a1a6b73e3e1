using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded tape: orders the graph topologically from the root and runs each
/// node's backward function once, after all contributions to its output gradient have been accumulated.
/// </summary>
internal static class BackwardPass
{
    public static void Run(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() was called on a tensor that does not require grad: no parameter or input with RequiresGrad took part in computing it (or it was computed under GradMode.NoGrad()).");

        var order = TopologicalOrder(root);
        // Add (not overwrite): when the root is itself a leaf, its Grad may already hold accumulated gradients.
        var rootGrad = Tape.GradSpan(root);
        if (seed is null)
        {
            for (int i = 0; i < rootGrad.Length; i++) rootGrad[i] += 1f;
        }
        else
        {
            var upstream = TensorMemory.Rent(rootGrad.Length).AsSpan(0, rootGrad.Length);
            seed.CopyTo(upstream);
            TensorMath.AddInto(rootGrad, upstream);
        }

        using (GradMode.NoGrad())
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var tensor = order[i];
                var node = tensor.GradFn!;
                var grad = tensor.Grad;
                if (grad is null) continue;
                if (OperationProfile.IsActive) OperationProfile.Time(node.Operation, ProfilePhase.Backward, () => node.Backward(grad));
                else node.Backward(grad);
                tensor.Grad = null; // non-leaf gradients are not retained
            }
        }
    }

    /// <summary>Non-leaf tensors reachable from <paramref name="root"/>, every tensor after all the tensors it depends on.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        if (root.GradFn is null) return order;
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (tensor, next) = stack.Pop();
            var inputs = tensor.GradFn!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((tensor, next + 1));
                var input = inputs[next];
                if (input.GradFn is not null && input.RequiresGrad && visited.Add(input))
                    stack.Push((input, 0));
            }
            else
            {
                order.Add(tensor);
            }
        }
        return order;
    }
}
