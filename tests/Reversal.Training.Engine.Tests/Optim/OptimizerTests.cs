using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Optim;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Tests.Optim;

public class OptimizerTests
{
    [Test]
    public void AdamW_matches_the_reference_update_and_decays_only_matrices()
    {
        var matrix = new Parameter(Tensor.FromArray([1f, -2f, 0.5f, 3f], 2, 2));
        var vector = new Parameter(Tensor.FromArray([1f, -1f], 2));
        var optimizer = new AdamW([matrix, vector], learningRate: 0.1, weightDecay: 0.5);
        float[] g1 = [0.1f, -0.2f, 0.3f, 0f], g2 = [0.5f, 0.25f];
        double[] m = new double[6], v = new double[6], theta = [1, -2, 0.5, 3, 1, -1];
        double[] grads = [.. g1.Select(x => (double)x), .. g2.Select(x => (double)x)];

        for (int step = 1; step <= 3; step++)
        {
            matrix.Grad = Tensor.FromArray((float[])g1.Clone(), 2, 2);
            vector.Grad = Tensor.FromArray((float[])g2.Clone(), 2);
            optimizer.Step();
            for (int i = 0; i < 6; i++)
            {
                if (i < 4) theta[i] *= 1 - 0.1 * 0.5; // decoupled decay: matrices only
                m[i] = 0.9 * m[i] + 0.1 * grads[i];
                v[i] = 0.999 * v[i] + 0.001 * grads[i] * grads[i];
                theta[i] -= 0.1 * (m[i] / (1 - Math.Pow(0.9, step))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, step))) + 1e-8);
            }
        }

        var actual = matrix.ToArray().Concat(vector.ToArray()).ToArray();
        for (int i = 0; i < 6; i++) Assert.That(actual[i], Is.EqualTo(theta[i]).Within(1e-5), $"element {i}");
    }

    [Test]
    public void Global_norm_clipping_scales_all_gradients_together()
    {
        var a = new Parameter(Tensor.Zeros(2)) { Grad = Tensor.FromArray([3f, 0f], 2) };
        var b = new Parameter(Tensor.Zeros(1)) { Grad = Tensor.FromArray([4f], 1) };

        double norm = GradientClipping.ClipGlobalNorm([a, b], maxNorm: 1.0);

        Assert.That(norm, Is.EqualTo(5.0).Within(1e-9));
        Assert.That(a.Grad!.ToArray()[0], Is.EqualTo(0.6f).Within(1e-6));
        Assert.That(b.Grad!.ToArray()[0], Is.EqualTo(0.8f).Within(1e-6));
        Assert.That(() => GradientClipping.ClipGlobalNorm([new Parameter(Tensor.Zeros(1)) { Grad = Tensor.FromArray([float.NaN], 1) }], 1.0),
            Throws.TypeOf<NonFiniteGradientException>());
    }
}
