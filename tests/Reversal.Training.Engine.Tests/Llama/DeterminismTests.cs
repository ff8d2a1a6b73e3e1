using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Llama;

[NonParallelizable]
public class DeterminismTests
{
    [Test]
    [NonParallelizable]
    public void Forward_and_backward_are_bit_identical_for_one_and_two_threads()
    {
        var single = Run(threads: 1);
        var dual = Run(threads: 2);
        Compare.Identical([dual.Loss], [single.Loss], "loss");
        foreach (var (name, grad) in single.Grads)
            Compare.Identical(dual.Grads[name], grad, name);
    }

    private static (float Loss, Dictionary<string, float[]> Grads) Run(int threads)
    {
        int old = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = threads;
            var model = TinyLlama.Create(61);
            // Bico with a key mask exercises both RoPE variants; 2 rows give the kernels more than one task.
            var loss = model.Loss(TinyLlama.BicoBatch(601));
            loss.Backward();
            var causal = model.Loss(TinyLlama.CausalBatch(602, batch: 3, length: 7));
            causal.Backward();
            return (loss.Item() + causal.Item(), model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray()));
        }
        finally
        {
            Compute.MaxThreads = old;
        }
    }
}
